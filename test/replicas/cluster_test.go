package replicas_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/reconi/reconi/bench/usersgen"
	"github.com/reconi/reconi/internal/notify/notifytest"
	"github.com/reconi/reconi/internal/store/storetest"
	"github.com/reconi/reconi/test/reconibin"
)

// The harness: reconi (this test binary, run as reconi: see
// test/reconibin), and a cluster
// of `reconi serve` subprocesses on one PostgreSQL schema, delivering email
// to one in-process SMTP server.

func TestMain(m *testing.M) { os.Exit(reconibin.Main(m)) }

// brief returns n, or under go test -short the smaller m: the same checks
// on fewer rows, rounds or messages (go test ./... and CI run n).
func brief(n, m int) int {
	if testing.Short() {
		return m
	}
	return n
}

const (
	kvk     = "69599084"
	orgName = "Org A B.V."
	// waitFor bounds every wait for the replicas to get somewhere.
	waitFor = 60 * time.Second
)

type cluster struct {
	t   testing.TB
	bin string
	// dsn is the schema's URL; db a pool on it for the test's own checks.
	dsn string
	db  *sql.DB
	dir string
	// schema names the replicas' sessions (application_name) too.
	schema   string
	smtp     *notifytest.SMTPServer
	replicas []*replica
	// operator and manager are tokens made with `reconi tokens create`.
	operator, manager string
	http              *http.Client
	rowc              *rowCounter
}

type rowCounter struct {
	mu   sync.Mutex
	next int
}

// on returns the cluster for use by test (or subtest) t: failures are
// reported to it.
func (c *cluster) on(t testing.TB) *cluster {
	d := *c
	d.t = t
	return &d
}

type replica struct {
	name string
	// url is where it serves; app is its sessions' application_name.
	url, app string
	cmd      *exec.Cmd
	exited   chan struct{}

	mu    sync.Mutex
	lines []string
	// keep bounds lines (0: keep all); benchmarks keep the last few.
	keep int
}

// logLines returns the replica's log lines decoded (serve logs JSON).
func (r *replica) logLines() []map[string]any {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []map[string]any
	for _, l := range r.lines {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

func (r *replica) tail(n int) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.lines[max(0, len(r.lines)-n):], "\n")
}

// options change what newCluster starts.
type options struct {
	// seed fills the new schema before the replicas start; the organisation
	// of the tests is then not registered.
	seed func(tb testing.TB, dsn string)
	// serve are the flags of `reconi serve` after --addr and --log-format.
	serve []string
	// keepLogs bounds the log lines kept per replica (0: all).
	keepLogs int
	// env is added to each replica's environment.
	env []string
}

var testServeFlags = []string{"--dispatch-interval", "50ms", "--sweep-interval", "100ms", "--shutdown-grace", "10s"}

// newCluster starts n replicas at once on a new schema: they race to
// migrate it, as replicas of a fresh deployment do.
func newCluster(t testing.TB, n int) *cluster {
	t.Helper()
	return newClusterWith(t, n, options{serve: testServeFlags})
}

func newClusterWith(t testing.TB, n int, o options) *cluster {
	t.Helper()
	storetest.SkipWithoutPostgres(t)
	dsn := storetest.PostgresURL(t)
	c := &cluster{t: t, bin: reconibin.Path(t), dsn: dsn, dir: t.TempDir(), smtp: notifytest.NewSMTPServer(t),
		http: &http.Client{Timeout: waitFor}, rowc: &rowCounter{}}
	c.schema = queryParam(t, dsn, "search_path")
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	c.db = db
	if o.seed != nil {
		o.seed(t, dsn)
	}

	var wg sync.WaitGroup
	c.replicas = make([]*replica, n)
	for i := range n {
		c.replicas[i] = &replica{name: fmt.Sprintf("r%d", i), app: fmt.Sprintf("%s-r%d", c.schema, i), exited: make(chan struct{}),
			keep: o.keepLogs}
		wg.Go(func() { c.start(c.replicas[i], o) })
	}
	wg.Wait()
	t.Cleanup(c.stop)
	for _, r := range c.replicas {
		if r.url == "" {
			t.FailNow()
		}
	}

	c.operator = c.token("--role", "operator", "--name", "ops")
	c.manager = c.token("--role", "manager", "--org", kvk, "--name", "pipeline")
	if o.seed == nil {
		res := c.call(c.replicas[0], "POST", "/v1/organizations", c.operator, map[string]string{"kvk": kvk, "name": orgName})
		res.want(t, http.StatusCreated)
	}
	return c
}

func queryParam(t testing.TB, dsn, key string) string {
	t.Helper()
	i := strings.Index(dsn, key+"=")
	if i < 0 {
		t.Fatalf("no %s in %s", key, dsn)
	}
	v, _, _ := strings.Cut(dsn[i+len(key)+1:], "&")
	return v
}

// env is the environment of every reconi process: its own home, no
// terminal, and delivery through the test's SMTP server.
func (c *cluster) env(extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + c.dir,
		"XDG_CONFIG_HOME=" + filepath.Join(c.dir, "config"),
		"XDG_DATA_HOME=" + filepath.Join(c.dir, "data"),
		"XDG_STATE_HOME=" + filepath.Join(c.dir, "state"),
		"CI=true",
		"NO_COLOR=1",
		reconibin.Env,
		"RECONI_DB=" + c.dsn,
		"RECONI_PUBLIC_URL=https://reconi.example",
		"RECONI_CSRF_SECRET=shared-by-every-replica",
		"RECONI_SMTP_HOST=" + c.smtp.Host,
		"RECONI_SMTP_PORT=" + strconv.Itoa(c.smtp.Port),
		"RECONI_SMTP_TLS=none",
		"RECONI_SMTP_FROM=Reconi <noreply@reconi.example>",
	}
	return append(env, extra...)
}

func (c *cluster) start(r *replica, o options) {
	t := c.t
	r.cmd = exec.Command(c.bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--log-format", "json"}, o.serve...)...)
	// Each replica names its sessions, so the test can see in
	// pg_stat_activity which one waits for which.
	r.cmd.Env = c.env(append([]string{"RECONI_DB=" + c.dsn + "&application_name=" + r.app}, o.env...)...)
	stderr, err := r.cmd.StderrPipe()
	if err != nil {
		t.Error(err)
		return
	}
	if err := r.cmd.Start(); err != nil {
		t.Errorf("starting replica %s: %v", r.name, err)
		return
	}
	addr := make(chan string, 1)
	go func() {
		defer close(r.exited)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			line := sc.Text()
			r.mu.Lock()
			r.lines = append(r.lines, line)
			if r.keep > 0 && len(r.lines) > 2*r.keep {
				r.lines = append(r.lines[:0], r.lines[len(r.lines)-r.keep:]...)
			}
			r.mu.Unlock()
			var m struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &m) == nil && m.Msg == "serving" {
				addr <- m.Addr
			}
		}
		r.cmd.Wait()
	}()
	select {
	case a := <-addr:
		r.url = "http://" + a
	case <-r.exited:
		t.Errorf("replica %s exited before serving:\n%s", r.name, r.tail(50))
		return
	case <-time.After(waitFor):
		t.Errorf("replica %s did not serve within %v:\n%s", r.name, waitFor, r.tail(50))
		return
	}
	c.eventually(fmt.Sprintf("replica %s is ready", r.name), func() bool {
		res, err := c.http.Get(r.url + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK
	})
}

// stop ends the replicas as SIGTERM would, and checks that they stopped
// cleanly.
func (c *cluster) stop() {
	for _, r := range c.replicas {
		if r.cmd != nil && r.cmd.Process != nil {
			r.cmd.Process.Signal(os.Interrupt)
		}
	}
	for _, r := range c.replicas {
		if r.cmd == nil || r.cmd.Process == nil {
			continue
		}
		select {
		case <-r.exited:
			if code := r.cmd.ProcessState.ExitCode(); code != 0 {
				c.t.Errorf("replica %s exited with %d:\n%s", r.name, code, r.tail(30))
			}
		case <-time.After(30 * time.Second):
			r.cmd.Process.Kill()
			<-r.exited
			c.t.Errorf("replica %s did not stop within 30 s of SIGINT", r.name)
		}
		if c.t.Failed() {
			c.t.Logf("last lines of replica %s's log:\n%s", r.name, r.tail(20))
		}
	}
}

// reconi runs the CLI against the cluster's database (or, with --server, a
// replica) and returns its stdout, stderr and exit code.
func (c *cluster) reconi(args ...string) (stdout, stderr string, code int) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitFor)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env = c.env()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil && cmd.ProcessState == nil {
		c.t.Fatalf("reconi %s: %v", strings.Join(args, " "), err)
	}
	return out.String(), errOut.String(), cmd.ProcessState.ExitCode()
}

// token creates an API token with `reconi tokens create` on the database.
func (c *cluster) token(args ...string) string {
	c.t.Helper()
	out, errOut, code := c.reconi(append([]string{"tokens", "create", "-o", "json"}, args...)...)
	var created struct{ Token string }
	if code != 0 || json.Unmarshal([]byte(out), &created) != nil || created.Token == "" {
		c.t.Fatalf("reconi tokens create %v: exit %d\n%s%s", args, code, out, errOut)
	}
	return created.Token
}

type response struct {
	status int
	body   []byte
	header http.Header
	// what was asked, for messages
	what string
}

func (r response) want(t testing.TB, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: %d %s, want %d", r.what, r.status, r.body, status)
	}
}

func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("%s: %v in %s", r.what, err, r.body)
	}
}

// call sends one request to a replica. body is JSON unless it is a []byte
// or an io.Reader, which go as CSV; header holds pairs of names and values.
func (c *cluster) call(r *replica, method, path, token string, body any, header ...string) response {
	c.t.Helper()
	var rd io.Reader
	ctype := "application/json"
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ctype = bytes.NewReader(b), "text/csv"
	case io.Reader:
		rd, ctype = b, "text/csv"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, r.url+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	what := fmt.Sprintf("%s %s on %s", method, path, r.name)
	res, err := c.http.Do(req)
	if err != nil {
		// From another goroutine than the test's, Fatal would not stop
		// the test: report a status no assertion accepts instead.
		return response{status: -1, body: []byte(err.Error()), what: what}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return response{status: -1, body: []byte(err.Error()), what: what}
	}
	return response{status: res.StatusCode, body: b, header: res.Header, what: what}
}

// eventually polls cond until it holds, failing the test after waitFor.
func (c *cluster) eventually(what string, cond func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(waitFor)
	for !cond() {
		if time.Now().After(deadline) {
			c.t.Fatalf("gave up after %v waiting until %s", waitFor, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// count runs a query that returns one number.
func (c *cluster) count(q string, args ...any) int {
	c.t.Helper()
	var n int
	if err := c.db.QueryRow(q, args...).Scan(&n); err != nil {
		c.t.Fatalf("%s: %v", q, err)
	}
	return n
}

// rows returns n users' rows of CSV (header included) that no other call
// returns: every application of the test has its own email addresses.
func (c *cluster) rows(n int) (csv []byte, emails []string) {
	c.rowc.mu.Lock()
	from := c.rowc.next
	c.rowc.next += n
	c.rowc.mu.Unlock()
	return csvRows(from, n)
}

func csvRows(from, n int) (csv []byte, emails []string) {
	buf := []byte(usersgen.Header + "\n")
	for i := from; i < from+n; i++ {
		start := len(buf)
		buf = usersgen.AppendRow(buf, i)
		fields := strings.Split(string(buf[start:]), ",")
		emails = append(emails, strings.ToLower(fields[2]))
	}
	return buf, emails
}

// draft starts a draft on r with n users imported and permissions set,
// ready to submit.
func (c *cluster) draft(r *replica, n int) (id int64, emails []string) {
	c.t.Helper()
	id = c.emptyDraft(r)
	if n > 0 {
		csv, e := c.rows(n)
		res := c.call(r, "POST", fmt.Sprintf("/v1/applications/%d/users/import", id), c.manager, csv)
		res.want(c.t, http.StatusOK)
		emails = e
	}
	res := c.call(r, "PUT", fmt.Sprintf("/v1/applications/%d/permissions", id), c.manager,
		map[string]any{"direct": true, "all_services": true, "validity_years": 1})
	res.want(c.t, http.StatusOK)
	return id, emails
}

func (c *cluster) emptyDraft(r *replica) int64 {
	c.t.Helper()
	res := c.call(r, "POST", "/v1/applications", c.manager, map[string]string{"kvk": kvk, "level": "EH3"})
	res.want(c.t, http.StatusCreated)
	var a struct{ ID int64 }
	res.decode(c.t, &a)
	return a.ID
}
