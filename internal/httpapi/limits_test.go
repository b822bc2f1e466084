package httpapi_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/httpapi"
)

// countingBody is an endless request body that counts what the server read.
type countingBody struct {
	read  atomic.Int64
	limit int64 // EOF after this many bytes, so that a failing test ends
	fill  byte
}

func (b *countingBody) Read(p []byte) (int, error) {
	left := b.limit - b.read.Load()
	if left <= 0 {
		return 0, io.EOF
	}
	n := int64(len(p))
	n = min(n, left)
	for i := range n {
		p[i] = b.fill
	}
	b.read.Add(n)
	return int(n), nil
}

func (b *countingBody) Close() error { return nil }

// TestRefusedBeforeTheBody: a request whose token, role or organisation
// the service would refuse is answered before a byte of its body is read.
// The body is a header line without end (32 MiB here; the server would
// read up to MaxImportBytes). Issue 10, item 1.
func TestRefusedBeforeTheBody(t *testing.T) {
	e := newEnv(t)
	e.register(orgA, "Org A B.V.")
	e.register(orgB, "Org B B.V.")
	draftA, _ := e.draft(orgA, e.newUser(true))
	app := "/v1/applications/" + strconv.FormatInt(draftA, 10)
	for _, c := range []struct {
		name, token, method, path string
		status                    int
	}{
		{"helpdesk imports", e.token("helpdesk", orgA), "POST", app + "/users/import", 403},
		{"helpdesk of all imports", e.token("helpdesk"), "POST", app + "/users/import", 403},
		{"operator imports", e.token("operator"), "POST", app + "/users/import", 403},
		{"manager of B imports into A", e.token("manager", orgB), "POST", app + "/users/import", 404},
		{"import into no application", e.token("manager", orgA), "POST", "/v1/applications/999999/users/import", 404},
		{"no token", "", "POST", app + "/users/import", 401},
		{"helpdesk adds a user", e.token("helpdesk", orgA), "POST", app + "/users", 403},
		{"manager loads prices", e.token("manager", orgA), "PUT", "/v1/prices", 403},
		{"helpdesk loads the catalogue", e.token("helpdesk"), "PUT", "/v1/catalogue", 403},
		{"operator starts a draft", e.token("operator"), "POST", "/v1/applications", 403},
	} {
		t.Run(c.name, func(t *testing.T) {
			body := &countingBody{limit: 32 << 20, fill: 'a'}
			req := httptest.NewRequest(c.method, c.path, body)
			req.Header.Set("Content-Type", "text/csv")
			req.Header.Set(httpapi.IdempotencyHeader, "k-"+c.name)
			if c.token != "" {
				req.Header.Set("Authorization", "Bearer "+c.token)
			}
			rec := httptest.NewRecorder()
			start := time.Now()
			e.api.Handler().ServeHTTP(rec, req)
			if rec.Code != c.status {
				t.Errorf("status %d, want %d: %.300s", rec.Code, c.status, rec.Body)
			}
			if n := body.read.Load(); n != 0 {
				t.Errorf("the server read %d bytes of the body before it refused the request", n)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("refused after %v", d)
			}
		})
	}
	// An allowed sender still gets its body read: the import is refused
	// for its content, not before it.
	body := &countingBody{limit: 1 << 10, fill: 'a'}
	req := httptest.NewRequest("POST", app+"/users/import", body)
	req.Header.Set("Authorization", "Bearer "+e.token("manager", orgA))
	rec := httptest.NewRecorder()
	e.api.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest || body.read.Load() == 0 {
		t.Errorf("the manager's import: status %d after reading %d bytes: %.300s", rec.Code, body.read.Load(), rec.Body)
	}
}

// TestBoundedImport: a cell without end is refused after a bounded read,
// and the 400 does not echo it; a malformed chunked body is a 400, not a
// 500. Issue 10, item 2.
func TestBoundedImport(t *testing.T) {
	e := newEnv(t)
	e.register(orgA, "Org A B.V.")
	draftA, _ := e.draft(orgA)
	manager := e.token("manager", orgA)
	path := "/v1/applications/" + strconv.FormatInt(draftA, 10) + "/users/import"

	for _, prefix := range []string{"", "first_name,last_name,email,phone,date_of_birth,employed\nPiet,"} {
		body := &prefixedBody{prefix: prefix, countingBody: countingBody{limit: 256 << 20, fill: 'x'}}
		req := httptest.NewRequest("POST", path, body)
		req.Header.Set("Authorization", "Bearer "+manager)
		rec := httptest.NewRecorder()
		e.api.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "is longer than 65536 bytes") {
			t.Errorf("%q…: status %d: %.300s", prefix, rec.Code, rec.Body)
		}
		if rec.Body.Len() > 1024 {
			t.Errorf("%q…: a %d-byte reply", prefix, rec.Body.Len())
		}
		if n := body.read.Load(); n > 2<<20 {
			t.Errorf("%q…: read %d bytes", prefix, n)
		}
	}

	for _, c := range []struct{ path, contentType string }{{path, "text/csv"}, {"/v1/applications", "application/json"}} {
		conn, err := net.Dial("tcp", e.ts.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nTransfer-Encoding: chunked\r\n\r\n"+
			"4\r\nfirs\r\nzz-not-a-size\r\n", c.path, manager, c.contentType)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		conn.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s, malformed chunks: %d %.300s", c.path, resp.StatusCode, b)
		}
	}
	if strings.Contains(e.logs.String(), "level=ERROR") {
		t.Errorf("errors logged:\n%s", e.logs)
	}
}

// prefixedBody sends prefix, then the endless fill.
type prefixedBody struct {
	prefix string
	countingBody
}

func (b *prefixedBody) Read(p []byte) (int, error) {
	if n := int(b.read.Load()); n < len(b.prefix) {
		m := copy(p, b.prefix[n:])
		b.read.Add(int64(m))
		return m, nil
	}
	return b.countingBody.Read(p)
}

// TestStoredFailureIsBounded: a failed request's long reply is sent in
// full, but what is kept for its key is its kind and message. Issue 10,
// item 4.
func TestStoredFailureIsBounded(t *testing.T) {
	e := newEnv(t)
	e.register(orgA, "Org A B.V.")
	draftA, _ := e.draft(orgA)
	manager := e.token("manager", orgA)
	var csv strings.Builder
	csv.WriteString("first_name,last_name,email,phone,date_of_birth,employed\n")
	for i := range 3000 {
		fmt.Fprintf(&csv, "Jan,Jansen,not-an-address-%d,0612345678,1985-04-12,true\n", i)
	}
	req := request{method: "POST", path: "/v1/applications/" + strconv.FormatInt(draftA, 10) + "/users/import",
		body: csv.String(), contentType: "text/csv", header: http.Header{httpapi.IdempotencyHeader: {"big-400"}}}
	r1, b1 := e.do(manager, req)
	r2, b2 := e.do(manager, req)
	if r1.StatusCode != 400 || r2.StatusCode != 400 || r2.Header.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("statuses %d, %d (replayed %q)", r1.StatusCode, r2.StatusCode, r2.Header.Get("Idempotent-Replayed"))
	}
	if len(b1) < 64<<10 {
		t.Errorf("the first answer is %d bytes: it should list its 1000 rows", len(b1))
	}
	if len(b2) > 4<<10 {
		t.Errorf("the kept answer is %d bytes", len(b2))
	}
	if e := errorOf(t, b2); e.Kind != "invalid" || !strings.Contains(e.Message, "3000 of 3000 rows are not valid") {
		t.Errorf("kept answer: %+v", e)
	}
}
