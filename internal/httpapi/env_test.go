package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// Fictitious numbers from the KvK test environment.
const (
	orgA = "69599084"
	orgB = "68750110"
)

// testNow is the service's clock: every test sees the same day.
var testNow = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

// local is the embedded backend's actor, which may do everything: fixtures
// are made with it, straight on the service.
var local = reconi.WithActor(context.Background(), reconi.Actor{Name: "fixture", Role: reconi.RoleLocal})

// syncBuffer collects log output from handler goroutines.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	written *sync.Cond
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.written != nil {
		s.written.Broadcast()
	}
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor blocks until the log holds n lines matching re: a request's line
// is written once its handler, idempotency record included, is done.
func (s *syncBuffer) waitFor(re *regexp.Regexp, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.written == nil {
		s.written = sync.NewCond(&s.mu)
	}
	for len(re.FindAllIndex(s.b.Bytes(), -1)) < n {
		s.written.Wait()
	}
}

// env is a real service over a SQLite file, served over HTTP.
type env struct {
	t      *testing.T
	svc    *service.Service
	access *service.Access
	api    *httpapi.Server
	ts     *httptest.Server
	logs   *syncBuffer
	seq    atomic.Int64
}

type envOption func(*httpapi.Options, *reconi.Backend)

// withOptions changes the server's options.
func withOptions(fn func(*httpapi.Options)) envOption {
	return func(o *httpapi.Options, _ *reconi.Backend) { fn(o) }
}

// withBackend wraps the service the server serves.
func withBackend(fn func(reconi.Backend) reconi.Backend) envOption {
	return func(_ *httpapi.Options, b *reconi.Backend) { *b = fn(*b) }
}

func newEnv(t *testing.T, opts ...envOption) *env {
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
	e := &env{t: t, svc: svc, access: service.NewAccess(st, now), logs: &syncBuffer{}}
	o := httpapi.Options{Logger: newLogger(e.logs)}
	var b reconi.Backend = svc
	for _, fn := range opts {
		fn(&o, &b)
	}
	e.api = httpapi.New(b, e.access, o)
	e.ts = httptest.NewServer(e.api.Handler())
	t.Cleanup(e.ts.Close)
	return e
}

// next returns a number unique within the env, for fresh emails and KvK
// numbers.
func (e *env) next() int64 { return e.seq.Add(1) }

// token creates an API token.
func (e *env) token(role string, orgs ...string) string {
	e.t.Helper()
	secret, _, err := e.access.CreateToken(context.Background(), service.NewToken{Name: role + "-" + strings.Join(orgs, "-"), Role: role, Orgs: orgs})
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// revokedToken creates a token and revokes it.
func (e *env) revokedToken() string {
	e.t.Helper()
	secret, tok, err := e.access.CreateToken(context.Background(), service.NewToken{Name: "revoked", Role: "operator"})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.access.RevokeToken(context.Background(), tok.ID); err != nil {
		e.t.Fatal(err)
	}
	return secret
}

func (e *env) register(kvk, name string) {
	e.t.Helper()
	if _, err := e.svc.RegisterOrganization(local, reconi.NewOrganization{KVK: kvk, Name: name}); err != nil {
		e.t.Fatal(err)
	}
}

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// newUser returns a valid user with a fresh email address.
func (e *env) newUser(employed bool) reconi.NewUser {
	n := e.next()
	return reconi.NewUser{FirstName: "Jan", LastName: fmt.Sprintf("Jansen%d", n), Email: fmt.Sprintf("user%d@example.nl", n),
		Phone: "06 12345678", DateOfBirth: "1985-04-12", Employed: map[bool]*bool{true: yes(), false: no()}[employed]}
}

// draft starts a draft for kvk and adds users to it; it returns the draft's
// ID and its users.
func (e *env) draft(kvk string, users ...reconi.NewUser) (int64, []reconi.User) {
	e.t.Helper()
	a, err := e.svc.CreateDraft(local, reconi.NewDraft{KVK: kvk, Level: "EH3"})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []reconi.User
	for _, in := range users {
		u, err := e.svc.AddUser(local, a.ID, in)
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, *u)
	}
	return a.ID, out
}

// ready makes a draft with one user and permissions: all it lacks is to be
// submitted.
func (e *env) ready(kvk string, employed bool) (int64, reconi.User) {
	e.t.Helper()
	id, users := e.draft(kvk, e.newUser(employed))
	if _, err := e.svc.SetPermissions(local, id, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 3}); err != nil {
		e.t.Fatal(err)
	}
	return id, users[0]
}

// submitted makes a submitted application with one invited user and
// returns it with the user's invitation token.
func (e *env) submitted(kvk string, employed bool) (appID int64, u reconi.User, invitation string) {
	e.t.Helper()
	id, u := e.ready(kvk, employed)
	if _, err := e.svc.Submit(local, id, reconi.Submission{AgreeTerms: true}); err != nil {
		e.t.Fatal(err)
	}
	return id, u, e.invitationToken(u)
}

// keptInvitation submits a fresh application for kvk and runs the
// dispatcher with no delivery configured: its invitation email is kept, so
// it can be sent again.
func (e *env) keptInvitation(kvk string) reconi.Message {
	e.t.Helper()
	_, u, _ := e.submitted(kvk, true)
	if _, err := e.svc.Dispatch(local, nil, service.DispatchOptions{}); err != nil {
		e.t.Fatal(err)
	}
	ms, err := reconi.AllMessages(local, e.svc, reconi.OutboxFilter{To: u.Email, Channel: string(reconi.ChannelEmail), State: string(reconi.MessageKept)})
	if err != nil || len(ms) != 1 {
		e.t.Fatalf("kept invitations to %s: %d, %v", u.Email, len(ms), err)
	}
	return ms[0]
}

var inviteLink = regexp.MustCompile(`/invite/([A-Za-z0-9_-]+)`)

func (e *env) invitationToken(u reconi.User) string {
	e.t.Helper()
	ms, err := reconi.AllMessages(local, e.svc, reconi.OutboxFilter{To: u.Email, Channel: string(reconi.ChannelEmail)})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range ms {
		if m := inviteLink.FindStringSubmatch(m.Body); m != nil {
			return m[1]
		}
	}
	e.t.Fatalf("no invitation for %s in the outbox", u.Email)
	return ""
}

var smsCode = regexp.MustCompile(`\b([0-9]{6})\b`)

// smsCode returns the last code sent to u.
func (e *env) smsCode(u reconi.User) string {
	e.t.Helper()
	ms, err := reconi.AllMessages(local, e.svc, reconi.OutboxFilter{ApplicationID: u.ApplicationID, Channel: string(reconi.ChannelSMS)})
	if err != nil {
		e.t.Fatal(err)
	}
	code := ""
	for _, m := range ms {
		if m.UserID == u.ID {
			if c := smsCode.FindStringSubmatch(m.Body); c != nil {
				code = c[1]
			}
		}
	}
	if code == "" {
		e.t.Fatalf("no SMS code for %s in the outbox", u.Email)
	}
	return code
}

// invited returns an invitation token whose user has taken the user's
// steps up to (not including) step: "confirm", "send-code", "verify",
// "order"; the SMS code is returned for "verify".
func (e *env) invited(kvk, step string) (token, code string) {
	e.t.Helper()
	_, u, tok := e.submitted(kvk, true)
	steps := []string{"confirm", "send-code", "verify", "order"}
	for _, s := range steps {
		if s == step {
			break
		}
		var err error
		switch s {
		case "confirm":
			_, err = e.svc.ConfirmDetails(context.Background(), tok)
		case "send-code":
			_, err = e.svc.SendCode(context.Background(), tok)
		case "verify":
			_, err = e.svc.VerifyCode(context.Background(), tok, e.smsCode(u))
		}
		if err != nil {
			e.t.Fatalf("step %s: %v", s, err)
		}
	}
	if step == "verify" {
		code = e.smsCode(u)
	}
	return tok, code
}

// issued returns a user employed by the organisation whose means was issued.
func (e *env) issued(kvk string) reconi.User {
	e.t.Helper()
	tok, _ := e.invited(kvk, "order")
	inv, err := e.svc.Order(context.Background(), tok)
	if err != nil {
		e.t.Fatal(err)
	}
	if inv.User.State != reconi.UserIssued {
		e.t.Fatalf("user is %s, want issued", inv.User.State)
	}
	return inv.User
}

// ordered returns a user, not employed by the organisation, who ordered and
// now waits for identification.
func (e *env) ordered(kvk string) reconi.User {
	e.t.Helper()
	_, u, tok := e.submitted(kvk, false)
	ctx := context.Background()
	if _, err := e.svc.ConfirmDetails(ctx, tok); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.SendCode(ctx, tok); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.VerifyCode(ctx, tok, e.smsCode(u)); err != nil {
		e.t.Fatal(err)
	}
	inv, err := e.svc.Order(ctx, tok)
	if err != nil {
		e.t.Fatal(err)
	}
	if inv.User.State != reconi.UserIdentificationPending {
		e.t.Fatalf("ordered user is %s, want identification_pending", inv.User.State)
	}
	return inv.User
}

// inFinalCheck returns a user awaiting the operator's final check.
func (e *env) inFinalCheck(kvk string) reconi.User {
	e.t.Helper()
	u := e.ordered(kvk)
	out, err := e.svc.CompleteIdentification(local, u.ID, true, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return *out
}

// request is one HTTP request to the server.
type request struct {
	method, path string
	// body is JSON-encoded unless it is a string (sent as is) or nil.
	body        any
	contentType string
	header      http.Header
}

// do sends r with token (none when "") and returns the response, its body
// read.
func (e *env) do(token string, r request) (*http.Response, []byte) {
	e.t.Helper()
	var body io.Reader
	ct := r.contentType
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case io.Reader:
		body = b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(j)
		if ct == "" {
			ct = "application/json"
		}
	}
	req, err := http.NewRequest(r.method, e.ts.URL+r.path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, b
}

// errorOf decodes an error body, failing when it is not one.
func errorOf(t *testing.T, body []byte) *reconi.Error {
	t.Helper()
	var eb httpapi.ErrorBody
	if err := json.Unmarshal(body, &eb); err != nil || eb.Error.Kind == "" {
		t.Fatalf("not an error body (%v): %s", err, body)
	}
	return &eb.Error
}

func csvOf(users ...reconi.NewUser) string {
	var b strings.Builder
	b.WriteString("first_name,last_name,email,phone,date_of_birth,employed\n")
	for _, u := range users {
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%t\n", u.FirstName, u.LastName, u.Email, u.Phone, u.DateOfBirth, *u.Employed)
	}
	return b.String()
}
