package security_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/notify"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
	"github.com/reconi/reconi/internal/web"
)

// Fictitious numbers from the KvK test environment.
const (
	orgA = "69599084"
	orgB = "68750110"
	// callbackSecret is shared with the identification partner.
	callbackSecret = "partner-callback-secret"
)

// local is the embedded backend's actor, for fixtures made straight on
// the service.
var local = reconi.WithActor(context.Background(), reconi.Actor{Name: "fixture", Role: reconi.RoleLocal})

// clock is the service's clock, moved by the tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// logBuffer collects the server's log from handler goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// server is what `reconi serve` runs, over a SQLite file in a temp dir:
// the API, the invitation pages under /invite/ and the partner's callback,
// with one logger (JSON, as serve logs by default) for all of them.
type server struct {
	t      *testing.T
	path   string
	clock  *clock
	svc    *service.Service
	access *service.Access
	api    *httpapi.Server
	ts     *httptest.Server
	logs   *logBuffer
	logger *slog.Logger
	seq    int
}

type serverOption func(*httpapi.Options)

func newServer(t *testing.T, opts ...serverOption) *server {
	t.Helper()
	ctx := context.Background()
	s := &server{t: t, path: filepath.Join(t.TempDir(), "reconi.db"), logs: &logBuffer{},
		clock: &clock{t: time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)}}
	st, err := sqlite.Open(ctx, s.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if s.svc, err = service.New(ctx, st, service.WithClock(s.clock.Now)); err != nil {
		t.Fatal(err)
	}
	s.access = service.NewAccess(st, s.clock.Now)
	s.logger = slog.New(slog.NewJSONHandler(s.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o := httpapi.Options{Logger: s.logger}
	for _, fn := range opts {
		fn(&o)
	}
	s.api = httpapi.New(s.svc, s.access, o)
	s.api.Mount("/invite/", web.New(s.svc, web.Options{CSRFSecret: []byte("csrf-secret-of-the-test"), Now: s.clock.Now, Logger: s.logger}))
	s.api.Mount("POST "+httpapi.CallbackPath, httpapi.IdentificationCallback(notify.Verifier(callbackSecret, s.clock.Now, 0),
		func(ctx context.Context, ref string, passed bool, note string) error {
			_, err := s.svc.IdentificationResult(ctx, ref, passed, note)
			return err
		}))
	s.ts = httptest.NewServer(s.api.Handler())
	t.Cleanup(s.ts.Close)
	return s
}

// token creates an API token.
func (s *server) token(role string, orgs ...string) string {
	s.t.Helper()
	secret, _, err := s.access.CreateToken(context.Background(), service.NewToken{Name: role + " " + strings.Join(orgs, " "), Role: role, Orgs: orgs})
	if err != nil {
		s.t.Fatal(err)
	}
	return secret
}

func (s *server) register(kvk, name string) {
	s.t.Helper()
	if _, err := s.svc.RegisterOrganization(local, reconi.NewOrganization{KVK: kvk, Name: name}); err != nil {
		s.t.Fatal(err)
	}
}

// newUser returns a valid user with a fresh email address.
func (s *server) newUser(employed bool) reconi.NewUser {
	s.seq++
	return reconi.NewUser{FirstName: "Jan", LastName: fmt.Sprintf("Jansen%d", s.seq), Email: fmt.Sprintf("user%d@example.nl", s.seq),
		Phone: "06 12345678", DateOfBirth: "1985-04-12", Employed: &employed}
}

// response is an answer, its body read.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

// errorKind returns the kind of an error body, failing when it is none.
func (r response) errorKind(t *testing.T) reconi.Kind {
	t.Helper()
	var eb httpapi.ErrorBody
	if err := json.Unmarshal(r.body, &eb); err != nil || eb.Error.Kind == "" {
		t.Fatalf("not an error body (%v): %s", err, r.body)
	}
	return eb.Error.Kind
}

func (r response) errorMessage(t *testing.T) string {
	t.Helper()
	var eb httpapi.ErrorBody
	if err := json.Unmarshal(r.body, &eb); err != nil || eb.Error.Kind == "" {
		t.Fatalf("not an error body (%v): %s", err, r.body)
	}
	return eb.Error.Message
}

// call sends a request with token (none when ""); body is JSON-encoded
// unless it is a string or []byte.
func (s *server) call(token, method, path string, body any, header http.Header) response {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			s.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.ts.URL+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if rd != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.ts.Client().Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

// idOf returns the id of a JSON object, as path text.
func idOf(t *testing.T, body []byte) string {
	t.Helper()
	var v struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(body, &v); err != nil || v.ID == 0 {
		t.Fatalf("no id in %s (%v)", body, err)
	}
	return strconv.FormatInt(v.ID, 10)
}

// mustCall is call that expects status.
func (s *server) mustCall(status int, token, method, path string, body any) response {
	s.t.Helper()
	r := s.call(token, method, path, body, nil)
	if r.status != status {
		s.t.Fatalf("%s %s: %s, want %d", method, path, r, status)
	}
	return r
}

// application drafts an application for kvk over the API with the
// manager's token, adds users and permissions and submits it; it returns
// the application ID and the users.
func (s *server) application(manager, kvk string, users ...reconi.NewUser) (int64, []reconi.User) {
	s.t.Helper()
	var a reconi.Application
	json.Unmarshal(s.mustCall(201, manager, "POST", "/v1/applications", reconi.NewDraft{KVK: kvk, Level: "EH3"}).body, &a)
	app := "/v1/applications/" + strconv.FormatInt(a.ID, 10)
	var out []reconi.User
	for _, u := range users {
		var got reconi.User
		json.Unmarshal(s.mustCall(201, manager, "POST", app+"/users", u).body, &got)
		out = append(out, got)
	}
	s.mustCall(200, manager, "PUT", app+"/permissions", reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 3})
	s.mustCall(200, manager, "POST", app+"/submit", reconi.Submission{AgreeTerms: true, NotifyEmail: "hr@example.nl"})
	return a.ID, out
}

var (
	inviteLink = regexp.MustCompile(`/invite/([A-Za-z0-9_-]+)`)
	smsCode    = regexp.MustCompile(`\b([0-9]{6})\b`)
)

// outbox returns the messages to u on channel, oldest first.
func (s *server) outbox(u reconi.User, ch reconi.Channel) []reconi.Message {
	s.t.Helper()
	ms, err := reconi.AllMessages(local, s.svc, reconi.OutboxFilter{ApplicationID: u.ApplicationID, Channel: string(ch)})
	if err != nil {
		s.t.Fatal(err)
	}
	var out []reconi.Message
	for _, m := range ms {
		if m.UserID == u.ID {
			out = append(out, m)
		}
	}
	return out
}

// invitation returns u's invitation token, from the email in the outbox.
func (s *server) invitation(u reconi.User) string {
	s.t.Helper()
	for _, m := range s.outbox(u, reconi.ChannelEmail) {
		if l := inviteLink.FindStringSubmatch(m.Body); l != nil {
			return l[1]
		}
	}
	s.t.Fatalf("no invitation for %s in the outbox", u.Email)
	return ""
}

// lastCode returns the last SMS code sent to u.
func (s *server) lastCode(u reconi.User) string {
	s.t.Helper()
	code := ""
	for _, m := range s.outbox(u, reconi.ChannelSMS) {
		if c := smsCode.FindStringSubmatch(m.Body); c != nil {
			code = c[1]
		}
	}
	if code == "" {
		s.t.Fatalf("no SMS code for %s in the outbox", u.Email)
	}
	return code
}

// user reads u's current state.
func (s *server) user(u reconi.User) reconi.User {
	s.t.Helper()
	users, err := reconi.AllUsers(local, s.svc, reconi.UserFilter{ApplicationID: u.ApplicationID})
	if err != nil {
		s.t.Fatal(err)
	}
	for _, got := range users {
		if got.ID == u.ID {
			return got
		}
	}
	s.t.Fatalf("user %d not found", u.ID)
	return reconi.User{}
}

// browser is a client with cookies, for the invitation pages.
type browser struct {
	s *server
	c *http.Client
}

func (s *server) browser() *browser {
	jar, _ := cookiejar.New(nil)
	c := *s.ts.Client()
	c.Jar = jar
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &browser{s: s, c: &c}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get loads a page and returns its status, body and CSRF form value.
func (b *browser) get(path string) (int, string, string) {
	b.s.t.Helper()
	resp, err := b.c.Get(b.s.ts.URL + path)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	csrf := ""
	if m := csrfField.FindSubmatch(body); m != nil {
		csrf = string(m[1])
	}
	return resp.StatusCode, string(body), csrf
}

// post sends a form.
func (b *browser) post(path string, form url.Values) int {
	b.s.t.Helper()
	resp, err := b.c.PostForm(b.s.ts.URL+path, form)
	if err != nil {
		b.s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// dump returns every row of every table of the database file, each row as
// "table: value | value | ...", read with a connection of its own.
func dump(t *testing.T, path string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	if len(tables) < 5 {
		t.Fatalf("only tables %v", tables)
	}
	var out []string
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			cells := make([]string, len(vals))
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				cells[i] = cols[i] + "=" + fmt.Sprint(v)
			}
			out = append(out, table+": "+strings.Join(cells, " | "))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	return out
}
