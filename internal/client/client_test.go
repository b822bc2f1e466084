package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/client"
	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

const (
	orgA = "69599084"
	orgB = "68750110"
)

var testNow = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

// local acts on the service directly, as the embedded backend does.
var local = reconi.WithActor(context.Background(), reconi.Actor{Name: "fixture", Role: reconi.RoleLocal})

// fast retries quickly, so that tests of the retry logic stay fast; the
// waits themselves are tested with Retry-After.
var fast = client.Options{Retries: 3, MinWait: time.Millisecond, MaxWait: 5 * time.Second}

// env is a real service over SQLite, served by httpapi behind an optional
// middleware that tests use to count, fail or drop requests.
type env struct {
	t      *testing.T
	svc    *service.Service
	access *service.Access
	url    string
	api    *httpapi.Server
	seq    atomic.Int64
}

func newEnv(t *testing.T, middleware func(http.Handler) http.Handler, wrap func(reconi.Backend) reconi.Backend) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "reconi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := func() time.Time { return testNow }
	svc, err := service.New(ctx, st, service.WithClock(now))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, svc: svc, access: service.NewAccess(st, now)}
	var b reconi.Backend = svc
	if wrap != nil {
		b = wrap(b)
	}
	e.api = httpapi.New(b, e.access, httpapi.Options{})
	h := e.api.Handler()
	if middleware != nil {
		h = middleware(h)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	e.url = ts.URL
	if _, err := svc.RegisterOrganization(local, reconi.NewOrganization{KVK: orgA, Name: "Org A B.V."}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) token(role string, orgs ...string) string {
	e.t.Helper()
	secret, _, err := e.access.CreateToken(context.Background(), service.NewToken{Role: role, Orgs: orgs})
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

func (e *env) client(token string, opt client.Options) *client.Client {
	e.t.Helper()
	c, err := client.New(e.url, token, opt)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) newUser(employed bool) reconi.NewUser {
	n := e.seq.Add(1)
	return reconi.NewUser{FirstName: "Jan", LastName: fmt.Sprintf("Jansen%d", n), Email: fmt.Sprintf("user%d@example.nl", n),
		Phone: "06 12345678", DateOfBirth: "1985-04-12", Employed: &employed}
}

func (e *env) draft(users ...reconi.NewUser) int64 {
	e.t.Helper()
	a, err := e.svc.CreateDraft(local, reconi.NewDraft{KVK: orgA, Level: "EH3"})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, u := range users {
		if _, err := e.svc.AddUser(local, a.ID, u); err != nil {
			e.t.Fatal(err)
		}
	}
	return a.ID
}

// ready is a draft that lacks only submitting.
func (e *env) ready() int64 {
	e.t.Helper()
	id := e.draft(e.newUser(true), e.newUser(false))
	if _, err := e.svc.SetPermissions(local, id, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 3}); err != nil {
		e.t.Fatal(err)
	}
	return id
}

// counter counts the requests that reach the server, by "METHOD path", and
// remembers their Idempotency-Keys and whether their bodies were streamed.
type counter struct {
	mu       sync.Mutex
	requests map[string]int
	keys     map[string][]string
	chunked  map[string]bool
	seen     []*http.Request
}

func newCounter() *counter {
	return &counter{requests: map[string]int{}, keys: map[string][]string{}, chunked: map[string]bool{}}
}

func (c *counter) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := r.Method + " " + r.URL.Path
		c.mu.Lock()
		c.requests[name]++
		c.keys[name] = append(c.keys[name], r.Header.Get("Idempotency-Key"))
		c.chunked[name] = r.ContentLength == -1
		c.seen = append(c.seen, r.Clone(context.Background()))
		c.mu.Unlock()
		next.ServeHTTP(w, r)
	})
}

func (c *counter) count(name string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.requests[name]
}

func (c *counter) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.requests {
		n += v
	}
	return n
}

// failing is a Backend whose Whoami fails with err.
type failing struct {
	reconi.Backend
	err error
}

func (f failing) Whoami(context.Context) (*reconi.Actor, error) { return nil, f.err }

// TestErrorsCrossTheWire: the client rebuilds the very *reconi.Error the
// backend returned on the server, rows included.
func TestErrorsCrossTheWire(t *testing.T) {
	for _, want := range []*reconi.Error{
		reconi.Invalid("level", "EH1 was retired on 1 July 2021"),
		{Kind: reconi.KindInvalid, Message: "2 of 3 rows are not valid; no user was added", RowsOmitted: 4,
			Rows: []reconi.RowError{{Line: 2, Field: "email", Value: "jan@", Message: "not an address"}, {Line: 4, Field: "employed", Message: "is empty"}}},
		reconi.Errorf(reconi.KindUnauthorized, "invalid or revoked token: run reconi auth login"),
		reconi.Errorf(reconi.KindForbidden, "a helpdesk token reads status and users; it changes nothing"),
		reconi.Errorf(reconi.KindNotFound, "application 7 not found"),
		reconi.Errorf(reconi.KindConflict, "application 7 was submitted"),
		reconi.Errorf(reconi.KindInternal, "the price list has no price for an EH3 means for 5 years"),
	} {
		t.Run(string(want.Kind), func(t *testing.T) {
			e := newEnv(t, nil, func(b reconi.Backend) reconi.Backend { return failing{b, fmt.Errorf("wrapped: %w", want)} })
			_, err := e.client(e.token("operator"), fast).Whoami(context.Background())
			var got *reconi.Error
			if !errors.As(err, &got) || !reflect.DeepEqual(got, want) {
				t.Errorf("got %#v, want %#v", err, want)
			}
		})
	}
}

// TestImportErrorsLikeEmbedded: a bad CSV fails over HTTP exactly as it
// fails embedded: the same kind, message and rows.
func TestImportErrorsLikeEmbedded(t *testing.T) {
	e := newEnv(t, nil, nil)
	csv := "first_name,last_name,email,phone,employed\n" +
		"Jan,Jansen,jan@example.nl,06 12345678,ja\n" +
		"Piet,,piet@,12,misschien\n" +
		"Klaas,Vaak,klaas@example.nl,06 23456789,nee\n" +
		"Jan,Jansen,jan@example.nl,06 12345678,ja\n"
	_, embedded := e.svc.ImportUsers(local, e.draft(), strings.NewReader(csv), reconi.ImportOptions{})
	c := e.client(e.token("manager", orgA), fast)
	remoteDraft := e.draft()
	_, remote := c.ImportUsers(context.Background(), remoteDraft, strings.NewReader(csv), reconi.ImportOptions{})

	var want, got *reconi.Error
	if !errors.As(embedded, &want) || len(want.Rows) < 4 {
		t.Fatalf("embedded: %v", embedded)
	}
	if !errors.As(remote, &got) || !reflect.DeepEqual(got, want) {
		t.Errorf("remote:\n%#v\nembedded:\n%#v", remote, want)
	}
	if users, _ := reconi.AllUsers(local, e.svc, reconi.UserFilter{ApplicationID: remoteDraft}); len(users) != 0 {
		t.Errorf("%d users added by a failed import", len(users))
	}
}

// TestRetryAfter: 503 is retried after the time Retry-After says, with the
// same Idempotency-Key, and the request is made once.
func TestRetryAfter(t *testing.T) {
	t.Parallel()
	cnt := newCounter()
	var unavailable atomic.Int32
	unavailable.Store(1)
	e := newEnv(t, func(next http.Handler) http.Handler {
		return cnt.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if unavailable.Add(-1) >= 0 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			next.ServeHTTP(w, r)
		}))
	}, nil)
	c := e.client(e.token("manager", orgA), fast)
	start := time.Now()
	a, err := c.CreateDraft(context.Background(), reconi.NewDraft{KVK: orgA, Level: "EH3"})
	if err != nil {
		t.Fatal(err)
	}
	if elapsed := time.Since(start); elapsed < time.Second {
		t.Errorf("retried after %s; Retry-After said 1s", elapsed)
	}
	const name = "POST /v1/applications"
	if n := cnt.count(name); n != 2 {
		t.Errorf("%d attempts, want 2", n)
	}
	if k := cnt.keys[name]; len(k) != 2 || k[0] == "" || k[0] != k[1] {
		t.Errorf("Idempotency-Keys %q: want one key, sent twice", k)
	}
	if apps, _ := reconi.AllApplications(local, e.svc, reconi.ApplicationFilter{}); len(apps) != 1 || apps[0].ID != a.ID {
		t.Errorf("applications %+v, want just %d", apps, a.ID)
	}
}

// TestRetryStatuses: which answers are retried, and how often.
func TestRetryStatuses(t *testing.T) {
	body := func(k reconi.Kind) string { return `{"error":{"kind":"` + string(k) + `","message":"m"}}` }
	for _, c := range []struct {
		status   int
		body     string
		attempts int
		kind     reconi.Kind
	}{
		{400, body(reconi.KindInvalid), 1, reconi.KindInvalid},
		{409, body(reconi.KindConflict), 1, reconi.KindConflict},
		{404, body(reconi.KindNotFound), 1, reconi.KindNotFound},
		{500, body(reconi.KindInternal), 1, reconi.KindInternal},
		// Answers of a proxy in front of the server, without a reconi body.
		{413, "<html>413 Request Entity Too Large</html>", 1, reconi.KindInvalid},
		{401, "", 1, reconi.KindUnauthorized},
		{409, "conflict", 1, reconi.KindConflict},
		{429, "slow down", 4, reconi.KindInternal},
		{502, "<html>bad gateway</html>", 4, reconi.KindInternal},
		{503, body(reconi.KindConflict), 4, reconi.KindConflict},
		{504, "", 4, reconi.KindInternal},
	} {
		t.Run(fmt.Sprint(c.status), func(t *testing.T) {
			cnt := newCounter()
			e := newEnv(t, func(http.Handler) http.Handler {
				return cnt.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.WriteHeader(c.status)
					io.WriteString(w, c.body)
				}))
			}, nil)
			_, err := e.client("rci_x", fast).Submit(context.Background(), 1, reconi.Submission{AgreeTerms: true})
			if got := cnt.total(); got != c.attempts {
				t.Errorf("%d attempts, want %d", got, c.attempts)
			}
			if k := reconi.ErrorKind(err); k != c.kind {
				t.Errorf("error %v of kind %s, want %s", err, k, c.kind)
			}
		})
	}
}

// TestUnreachable: a server that is not there is said so, plainly.
func TestUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c, err := client.New("http://"+addr, "rci_x", client.Options{Retries: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Whoami(context.Background())
	want := "cannot reach the reconi server at http://" + addr
	if err == nil || !strings.HasPrefix(err.Error(), want) || reconi.ErrorKind(err) != reconi.KindInternal {
		t.Errorf("error %q, want it to start with %q", err, want)
	}

	for _, bad := range []string{"", "127.0.0.1:8080", "ftp://x", "http://"} {
		if _, err := client.New(bad, "", client.Options{}); reconi.ErrorKind(err) != reconi.KindInvalid {
			t.Errorf("New(%q): %v, want an invalid error", bad, err)
		}
	}
}

// dropFirst loses the answer to the first request for path: the server
// handles it completely, then the client sees a broken connection, as when
// a proxy or the network fails on the way back.
type dropFirst struct {
	path    string
	dropped atomic.Bool
}

func (d *dropFirst) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || r.URL.Path != d.path || d.dropped.Swap(true) {
		return resp, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return nil, errors.New("read: connection reset by peer")
}

// TestLostAnswer: a submit whose answer is lost is retried and answered
// with the first answer: one submission, one invitation per user.
func TestLostAnswer(t *testing.T) {
	e := newEnv(t, nil, nil)
	id := e.ready()
	drop := &dropFirst{path: fmt.Sprintf("/v1/applications/%d/submit", id)}
	opt := fast
	opt.HTTPClient = &http.Client{Transport: drop}
	c := e.client(e.token("manager", orgA), opt)

	a, err := c.Submit(context.Background(), id, reconi.Submission{AgreeTerms: true})
	if err != nil {
		t.Fatalf("submit after a lost answer: %v", err)
	}
	if !drop.dropped.Load() || a.State != reconi.AppSubmitted {
		t.Fatalf("dropped %t, state %s", drop.dropped.Load(), a.State)
	}
	events, err := reconi.AllEvents(local, e.svc, id)
	if err != nil {
		t.Fatal(err)
	}
	submits := 0
	for _, ev := range events {
		if ev.To == string(reconi.AppSubmitted) {
			submits++
		}
	}
	if submits != 1 {
		t.Errorf("%d submissions, want 1", submits)
	}
	msgs, err := reconi.AllMessages(local, e.svc, reconi.OutboxFilter{ApplicationID: id, Channel: "email"})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 {
		t.Errorf("%d invitations for 2 users", len(msgs))
	}

	// A new draft whose answer is lost is made once, too.
	drop2 := &dropFirst{path: "/v1/applications"}
	opt.HTTPClient = &http.Client{Transport: drop2}
	if _, err := e.client(e.token("manager", orgA), opt).CreateDraft(context.Background(), reconi.NewDraft{KVK: orgA, Level: "EH2+"}); err != nil {
		t.Fatal(err)
	}
	apps, _ := reconi.AllApplications(local, e.svc, reconi.ApplicationFilter{State: "draft"})
	if !drop2.dropped.Load() || len(apps) != 1 {
		t.Errorf("dropped %t, %d drafts, want 1", drop2.dropped.Load(), len(apps))
	}
}

// generatedCSV returns n valid rows.
func generatedCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("first_name,last_name,email,phone,date_of_birth,employed\n")
	for i := range n {
		fmt.Fprintf(&b, "Jan,Jansen,bulk%d@example.nl,06 %08d,1985-04-12,%t\n", i, 12345678+i%1000, i%3 != 0)
	}
	return b.Bytes()
}

// TestImportStreams: a large CSV goes in one request, streamed (chunked,
// not buffered into a length first), from a file or from a pipe.
func TestImportStreams(t *testing.T) {
	const rows = 5000
	data := generatedCSV(rows)
	cnt := newCounter()
	e := newEnv(t, cnt.middleware, nil)
	c := e.client(e.token("manager", orgA), fast)

	// A pipe: the client cannot know the length, nor read it twice.
	pr, pw := io.Pipe()
	go func() {
		for chunk := range slicesChunk(data, 64<<10) {
			if _, err := pw.Write(chunk); err != nil {
				return
			}
		}
		pw.Close()
	}()
	pipeDraft := e.draft()
	res, err := c.ImportUsers(context.Background(), pipeDraft, pr, reconi.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != rows || res.Added != rows {
		t.Errorf("result %+v, want %d rows added", res, rows)
	}
	name := fmt.Sprintf("POST /v1/applications/%d/users/import", pipeDraft)
	if n := cnt.total(); n != 1 || cnt.count(name) != 1 || !cnt.chunked[name] {
		t.Errorf("%d requests (%v), chunked %t: want the file streamed in one request", n, cnt.requests, cnt.chunked[name])
	}

	// A file, which can be rewound for a retry: still one streamed request.
	path := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fileDraft := e.draft()
	res, err = c.ImportUsers(context.Background(), fileDraft, f, reconi.ImportOptions{DryRun: true})
	if err != nil || res.Rows != rows || res.Added != rows || !res.DryRun {
		t.Fatalf("dry run: %+v, %v", res, err)
	}
	name = fmt.Sprintf("POST /v1/applications/%d/users/import", fileDraft)
	if n := cnt.count(name); n != 1 || !cnt.chunked[name] {
		t.Errorf("%d requests, chunked %t", n, cnt.chunked[name])
	}
	if users, _ := reconi.AllUsers(local, e.svc, reconi.UserFilter{ApplicationID: fileDraft}); len(users) != 0 {
		t.Errorf("a dry run added %d users", len(users))
	}
}

func slicesChunk(b []byte, n int) func(func([]byte) bool) {
	return func(yield func([]byte) bool) {
		for len(b) > 0 {
			k := min(n, len(b))
			if !yield(b[:k]) {
				return
			}
			b = b[k:]
		}
	}
}

// TestImportRetry: an import from a file is rewound and sent whole again
// when retried; one from a pipe, which cannot be read twice, is not
// retried.
func TestImportRetry(t *testing.T) {
	cnt := newCounter()
	var failNext atomic.Bool
	e := newEnv(t, func(next http.Handler) http.Handler {
		return cnt.middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if failNext.Swap(false) {
				io.Copy(io.Discard, r.Body) // the first attempt did send the body
				w.WriteHeader(http.StatusBadGateway)
				return
			}
			next.ServeHTTP(w, r)
		}))
	}, nil)
	c := e.client(e.token("manager", orgA), fast)
	data := generatedCSV(500)

	failNext.Store(true)
	id := e.draft()
	res, err := c.ImportUsers(context.Background(), id, bytes.NewReader(data), reconi.ImportOptions{})
	if err != nil || res.Added != 500 {
		t.Fatalf("file import after a 502: %+v, %v", res, err)
	}
	if n := cnt.count(fmt.Sprintf("POST /v1/applications/%d/users/import", id)); n != 2 {
		t.Errorf("%d attempts, want 2", n)
	}

	// A reader not at its start is sent once: a retry could not send the
	// same bytes again.
	failNext.Store(true)
	r := bytes.NewReader(data)
	r.Seek(10, io.SeekStart)
	id = e.draft()
	if _, err := c.ImportUsers(context.Background(), id, r, reconi.ImportOptions{}); err == nil {
		t.Error("an import from a reader past its start was retried")
	}

	failNext.Store(true)
	id = e.draft()
	if _, err := c.ImportUsers(context.Background(), id, io.MultiReader(bytes.NewReader(data)), reconi.ImportOptions{}); err == nil {
		t.Error("a pipe import that failed with 502 succeeded: was it read twice?")
	}
	if n := cnt.count(fmt.Sprintf("POST /v1/applications/%d/users/import", id)); n != 1 {
		t.Errorf("a pipe import was sent %d times, want 1", n)
	}
}

// TestLists: lists come back filled, and filters reach the server.
func TestLists(t *testing.T) {
	cnt := newCounter()
	e := newEnv(t, cnt.middleware, nil)
	id := e.draft(e.newUser(true), e.newUser(false))
	c := e.client(e.token("operator"), fast)
	ctx := context.Background()

	orgs, err := c.Organizations(ctx)
	if err != nil || len(orgs) != 1 || orgs[0].KVK != orgA {
		t.Errorf("organizations %+v, %v", orgs, err)
	}
	svcs, err := c.Services(ctx, reconi.ServiceFilter{Provider: "RVO"})
	if err != nil || len(svcs) == 0 {
		t.Errorf("services %+v, %v", svcs, err)
	}
	for _, s := range svcs {
		if s.Provider != "RVO" {
			t.Errorf("the provider filter was lost: %+v", s)
		}
	}
	users, err := reconi.AllUsers(ctx, c, reconi.UserFilter{ApplicationID: id})
	if err != nil || len(users) != 2 {
		t.Errorf("users %+v, %v", users, err)
	}
	apps, err := reconi.AllApplications(ctx, c, reconi.ApplicationFilter{KVK: orgA, State: "draft"})
	if err != nil || len(apps) != 1 || apps[0].UsersTotal != 2 {
		t.Errorf("applications %+v, %v", apps, err)
	}
	ev, err := reconi.AllEvents(ctx, c, id)
	if err != nil || len(ev) != 3 {
		t.Errorf("history %+v, %v", ev, err)
	}
	who, err := c.Whoami(ctx)
	if err != nil || who.Role != reconi.RoleOperator {
		t.Errorf("whoami %+v, %v", who, err)
	}
	if _, err := c.RegisterOrganization(ctx, reconi.NewOrganization{KVK: orgA, Name: "again"}); reconi.ErrorKind(err) != reconi.KindConflict {
		t.Errorf("registering twice: %v", err)
	}
}
