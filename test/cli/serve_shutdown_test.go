// Tests of reconi serve's server, started through cmd/factory and serve.Run
// rather than cmd.Run: a request in flight survives a graceful shutdown (this
// file), /metrics (serve_metrics_test.go), and serve fails at once when it
// cannot serve (serve_failfast_test.go). The browser tests of the invitation
// pages, in Chromium with axe-core, are serve_browser_test.go,
// serve_browser_audit_test.go and serve_browser_page_test.go.
package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reconi/reconi/cmd/factory"
	"github.com/reconi/reconi/cmd/serve"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// logWriter keeps the server's log and tells when a message appears.
type logWriter struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	watch map[string]chan struct{}
}

func (w *logWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for s, ch := range w.watch {
		if strings.Contains(w.buf.String(), s) {
			close(ch)
			delete(w.watch, s)
		}
	}
	return len(p), nil
}

// on returns a channel closed once the log holds s.
func (w *logWriter) on(s string) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch := make(chan struct{})
	if strings.Contains(w.buf.String(), s) {
		close(ch)
		return ch
	}
	if w.watch == nil {
		w.watch = map[string]chan struct{}{}
	}
	w.watch[s] = ch
	return ch
}

func (w *logWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// trickle is a CSV body that sends its header and first rows, says so,
// and sends the rest only when let go.
type trickle struct {
	first, rest   []byte
	started, goOn chan struct{}
	once          sync.Once
}

func (r *trickle) Read(p []byte) (int, error) {
	if len(r.first) > 0 {
		r.once.Do(func() { close(r.started) })
		n := copy(p, r.first)
		r.first = r.first[n:]
		return n, nil
	}
	<-r.goOn
	if len(r.rest) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.rest)
	r.rest = r.rest[n:]
	return n, nil
}

// TestServeGracefulShutdown: a request in flight when the server is told to
// stop (SIGINT/SIGTERM cancel the context) completes, and its data is
// kept.
func TestServeGracefulShutdown(t *testing.T) {
	getenv, draft, token := seeded(t)
	ctx := context.Background()

	ios, _, _, _ := output.Test()
	logs := &logWriter{}
	ios.ErrOut = logs
	f := factory.New(ctx, ios, getenv)
	f.Config = func() (*config.Config, error) { return config.Load("", "", nil, getenv) }
	defer f.Close()
	addrc := make(chan string, 1)
	opts := &serve.Options{IO: ios, Config: f.Config, Now: f.Now, Store: f.Store, Local: f.Local, Senders: f.Senders, Addr: "127.0.0.1:0", LogFormat: "json",
		MaxBodyBytes: 1 << 20, MaxImportBytes: 1 << 30, ReadTimeout: time.Minute, WriteTimeout: time.Minute,
		IdleTimeout: time.Minute, ShutdownGrace: 30 * time.Second,
		Listening: func(addr string) { addrc <- addr }}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	ran := make(chan error, 1)
	go func() { ran <- serve.Run(runCtx, opts) }()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-ran:
		t.Fatalf("serve stopped before listening: %v", err)
	}

	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/readyz: %d", resp.StatusCode)
	}

	// The import sends its first rows, then waits.
	const rows = 300
	var csv bytes.Buffer
	csv.WriteString("first_name,last_name,email,phone,employed\n")
	for i := range rows {
		fmt.Fprintf(&csv, "Jan,Jansen,user%d@example.nl,06 12345678,ja\n", i)
	}
	cut := bytes.IndexByte(csv.Bytes()[200:], '\n') + 201
	body := &trickle{first: csv.Bytes()[:cut], rest: csv.Bytes()[cut:], started: make(chan struct{}), goOn: make(chan struct{})}
	req, err := http.NewRequest("POST", fmt.Sprintf("http://%s/v1/applications/%d/users/import", addr, draft.ID), body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "text/csv")
	// With Expect: 100-continue the body is sent only once the handler
	// reads it, so the first Read means the request is being served.
	req.Header.Set("Expect", "100-continue")
	hc := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}
	type answer struct {
		status int
		body   []byte
		err    error
	}
	answered := make(chan answer, 1)
	go func() {
		resp, err := hc.Do(req)
		if err != nil {
			answered <- answer{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		answered <- answer{resp.StatusCode, b, err}
	}()

	select {
	case <-body.started:
	case a := <-answered:
		t.Fatalf("answered before the body was read: %+v", a)
	}
	shuttingDown := logs.on(`"shutting down"`)
	stop() // what SIGINT or SIGTERM does
	<-shuttingDown
	// Shutdown closes the listener right after that log line; wait until
	// new connections are refused, so the rest of the body surely arrives
	// during the shutdown.
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			break
		}
		c.Close()
		if time.Now().After(deadline) {
			t.Fatal("the server still accepts connections after shutting down")
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case err := <-ran:
		t.Fatalf("serve returned with a request in flight: %v", err)
	default:
	}
	close(body.goOn)

	a := <-answered
	if a.err != nil || a.status != http.StatusOK {
		t.Fatalf("the request in flight: %d %s %v", a.status, a.body, a.err)
	}
	var res reconi.ImportResult
	if err := json.Unmarshal(a.body, &res); err != nil || res.Added != rows {
		t.Errorf("import result %s (%v), want %d added", a.body, err, rows)
	}
	if err := <-ran; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if !strings.Contains(logs.String(), `"msg":"stopped"`) {
		t.Errorf("no stopped line in the log:\n%s", logs)
	}
	// Another address than the default and no public_url: the invitation
	// links would point elsewhere, and the log says so.
	if !strings.Contains(logs.String(), `"level":"WARN","msg":"public_url is not set: invitation links point at http://127.0.0.1:8080/invite/...`) {
		t.Errorf("no warning about public_url in the log:\n%s", logs)
	}
	if strings.Contains(logs.String(), token) {
		t.Errorf("the log holds the token:\n%s", logs)
	}

	// The data is there after the server stopped.
	f.Close()
	svc, st := localService(t, getenv(config.EnvName(config.KeyDB)))
	defer st.Close()
	local := reconi.WithActor(ctx, reconi.Actor{Name: "admin", Role: reconi.RoleLocal})
	users, err := reconi.AllUsers(local, svc, reconi.UserFilter{ApplicationID: draft.ID})
	if err != nil || len(users) != rows {
		t.Errorf("%d users in the database after shutdown (%v), want %d", len(users), err, rows)
	}
}

// seeded makes a database with an organisation, a draft and a manager token
// for it, and returns the environment of a serve on it, the draft and the
// token.
func seeded(t *testing.T) (getenv func(string) string, draft *reconi.Application, token string) {
	t.Helper()
	dir := t.TempDir()
	db := filepath.Join(dir, "reconi.db")
	env := map[string]string{
		config.EnvName(config.KeyDB): db,
		"XDG_CONFIG_HOME":            filepath.Join(dir, "config"),
		"XDG_DATA_HOME":              filepath.Join(dir, "data"),
		"XDG_STATE_HOME":             filepath.Join(dir, "state"),
		"HOME":                       dir,
	}
	ctx := context.Background()
	local := reconi.WithActor(ctx, reconi.Actor{Name: "admin", Role: reconi.RoleLocal})
	svc, st := localService(t, db)
	defer st.Close()
	var err error
	if _, err := svc.RegisterOrganization(local, reconi.NewOrganization{KVK: "69599084", Name: "Org A B.V."}); err != nil {
		t.Fatal(err)
	}
	if draft, err = svc.CreateDraft(local, reconi.NewDraft{KVK: "69599084", Level: "EH3"}); err != nil {
		t.Fatal(err)
	}
	if token, _, err = service.NewAccess(st, nil).CreateToken(ctx, service.NewToken{Role: "manager", Orgs: []string{"69599084"}}); err != nil {
		t.Fatal(err)
	}
	return func(k string) string { return env[k] }, draft, token
}

// localService opens the database at path as the embedded backend does;
// the caller closes the store.
func localService(t *testing.T, path string) (*service.Service, *sqlite.Store) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := service.New(context.Background(), st)
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	return svc, st
}
