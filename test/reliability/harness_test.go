//go:build unix

package reliability

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite" // the read-only connection that checks the file

	"github.com/reconi/reconi/bench/usersgen"
	"github.com/reconi/reconi/test/reconibin"
)

// reconiBin is the reconi every test runs: this test binary, which runs
// as reconi in a process started with reconibin.Env.
var reconiBin string

func TestMain(m *testing.M) {
	if exe, err := os.Executable(); err == nil {
		reconiBin = exe
	}
	os.Exit(reconibin.Main(m))
}

// size holds what a test run does: the brief sizes of go test -short, the
// default ones of go test ./... (and CI), or the full sizes of the issue.
type size struct {
	Name string
	// Kills is how many SIGKILLs each crash test delivers.
	Kills int
	// ImportRows is the file the import crash test kills.
	ImportRows int
	// ApplyUsers is the draft the apply crash test kills.
	ApplyUsers int
	// Processes is how many reconi processes work on one SQLite file at
	// once in the concurrency tests.
	Processes int
	// ConcurrentRows is what each of the importing processes imports.
	ConcurrentRows int
	// ConcurrentApplyUsers is the size of each of the drafts applied at
	// once.
	ConcurrentApplyUsers int
	// LoadDuration is how long the load test runs.
	LoadDuration time.Duration
	// DisconnectApps is how many applications the client-disconnect test
	// lists while hanging up, DisconnectRequests how many requests it sends.
	DisconnectApps, DisconnectRequests int
}

var (
	fullSize = size{Name: "full", Kills: 20, ImportRows: 100_000, ApplyUsers: 20_000,
		Processes: 8, ConcurrentRows: 50_000, ConcurrentApplyUsers: 2_500, LoadDuration: 60 * time.Second,
		DisconnectApps: 1000, DisconnectRequests: 60}
	defaultSize = size{Name: "default", Kills: 20, ImportRows: 10_000, ApplyUsers: 2_000,
		Processes: 8, ConcurrentRows: 5_000, ConcurrentApplyUsers: 250, LoadDuration: 10 * time.Second,
		DisconnectApps: 1000, DisconnectRequests: 60}
	// briefSize keeps every check and every kind of moment (kills before
	// and after the commit, processes at once on one file, load then
	// SIGTERM), with fewer kills, processes, rows and seconds.
	briefSize = size{Name: "brief", Kills: 6, ImportRows: 2_000, ApplyUsers: 300,
		Processes: 4, ConcurrentRows: 1_000, ConcurrentApplyUsers: 40, LoadDuration: time.Second,
		DisconnectApps: 300, DisconnectRequests: 30}
)

// sizes says which sizes this run uses: go test -short the brief ones (a
// developer's quick run); go test ./... (and CI) the default ones, within
// minutes on two cores; RECONI_RELIABILITY_SHORT=0 the full sizes of the
// issue, which take 4-6 minutes (run them with go test -timeout 30m).
func sizes() size {
	if testing.Short() {
		return briefSize
	}
	switch strings.ToLower(os.Getenv("RECONI_RELIABILITY_SHORT")) {
	case "0", "false", "no":
		return fullSize
	}
	return defaultSize
}

// newRand returns the test's random source and logs its seed:
// RECONI_RELIABILITY_SEED repeats a run.
func newRand(t *testing.T) (*rand.Rand, uint64) {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("RECONI_RELIABILITY_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("RECONI_RELIABILITY_SEED=%q: %v", s, err)
		}
		seed = v
	}
	t.Logf("seed %d (RECONI_RELIABILITY_SEED=%d repeats this run)", seed, seed)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), seed
}

// report appends a line to the file RECONI_RELIABILITY_REPORT names (the
// figures docs/reliability.md records) and logs it.
func report(t *testing.T, format string, args ...any) {
	t.Helper()
	line := fmt.Sprintf(format, args...)
	t.Log(line)
	path := os.Getenv("RECONI_RELIABILITY_REPORT")
	if path == "" {
		return
	}
	reportMu.Lock()
	defer reportMu.Unlock()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Errorf("report: %v", err)
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s [%s, %s] %s\n", time.Now().UTC().Format(time.RFC3339), t.Name(), sizes().Name, line)
}

var reportMu sync.Mutex

// env is one reconi installation: its own home, configuration, state and
// database, so nothing of the machine's (RECONI_*, ~/.config/reconi) leaks
// in.
type env struct {
	dir string
	db  string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	dir := t.TempDir()
	return &env{dir: dir, db: filepath.Join(dir, "reconi.db")}
}

// at is e with another database file in the same home.
func (e *env) at(db string) *env { return &env{dir: e.dir, db: db} }

func (e *env) environ() []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + e.dir,
		"TMPDIR=" + e.dir,
		"XDG_CONFIG_HOME=" + filepath.Join(e.dir, "config"),
		"XDG_DATA_HOME=" + filepath.Join(e.dir, "data"),
		"XDG_STATE_HOME=" + filepath.Join(e.dir, "state"),
		"RECONI_DB=" + e.db,
		"NO_COLOR=1",
		"CI=true",
		reconibin.Env,
	}
}

// command is a reconi process that has not started yet. Its output goes
// to buffers; stderr is kept for the "database is locked" check.
func (e *env) command(args ...string) (*exec.Cmd, *bytes.Buffer, *bytes.Buffer) {
	cmd := exec.Command(reconiBin, args...)
	cmd.Env = e.environ()
	cmd.Dir = e.dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	return cmd, &stdout, &stderr
}

// result is how a reconi process ended.
type result struct {
	args           []string
	stdout, stderr string
	code           int // exit code; -1 when killed by a signal
	signal         syscall.Signal
	elapsed        time.Duration
}

func (r result) String() string {
	return fmt.Sprintf("reconi %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(r.args, " "), r.code,
		tail(r.stdout, 2000), tail(r.stderr, 2000))
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// run runs reconi to its end, killing it when timeout passes.
func (e *env) run(t *testing.T, timeout time.Duration, args ...string) result {
	t.Helper()
	cmd, stdout, stderr := e.command(args...)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting reconi %s: %v", strings.Join(args, " "), err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(timeout):
		cmd.Process.Kill()
		<-done
		t.Fatalf("reconi %s did not finish within %s\nstderr: %s", strings.Join(args, " "), timeout, tail(stderr.String(), 2000))
	}
	return finished(args, cmd, stdout, stderr, time.Since(start))
}

func finished(args []string, cmd *exec.Cmd, stdout, stderr *bytes.Buffer, elapsed time.Duration) result {
	r := result{args: args, stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode(), elapsed: elapsed}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		r.signal = ws.Signal()
	}
	return r
}

// must runs reconi and fails the test unless it exits 0.
func (e *env) must(t *testing.T, timeout time.Duration, args ...string) result {
	t.Helper()
	r := e.run(t, timeout, args...)
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	noLocked(t, r)
	return r
}

// noLocked fails the test when a process said the database was locked: two
// reconi processes on one file must wait for each other, never fail.
func noLocked(t *testing.T, r result) {
	t.Helper()
	for _, s := range []string{"database is locked", "SQLITE_BUSY", "database table is locked"} {
		if strings.Contains(r.stderr, s) || strings.Contains(r.stdout, s) {
			t.Errorf("reconi %s reported %q:\n%s", strings.Join(r.args, " "), s, tail(r.stderr, 2000))
		}
	}
}

// killAfter starts reconi and sends it SIGKILL after delay unless it ended
// first. killed says whether the signal is what ended it.
func (e *env) killAfter(t *testing.T, delay, timeout time.Duration, args ...string) (r result, killed bool) {
	t.Helper()
	cmd, stdout, stderr := e.command(args...)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting reconi %s: %v", strings.Join(args, " "), err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		// The process may end between the timer and the signal; the wait
		// status says which happened.
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
			t.Fatalf("SIGKILL: %v", err)
		}
		select {
		case <-done:
		case <-time.After(timeout):
			t.Fatalf("reconi %s did not die within %s of SIGKILL", strings.Join(args, " "), timeout)
		}
	}
	r = finished(args, cmd, stdout, stderr, time.Since(start))
	return r, r.signal == syscall.SIGKILL
}

// process is a reconi running in the background (serve), killed when the
// test ends if it is still running.
type process struct {
	cmd    *exec.Cmd
	done   chan struct{}
	stderr string // file
	err    error
}

func (e *env) start(t *testing.T, args ...string) *process {
	t.Helper()
	cmd := exec.Command(reconiBin, args...)
	cmd.Env = e.environ()
	cmd.Dir = e.dir
	p := &process{cmd: cmd, done: make(chan struct{}), stderr: filepath.Join(t.TempDir(), "stderr.log")}
	errf, err := os.Create(p.stderr)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = io.Discard, errf
	if err := cmd.Start(); err != nil {
		errf.Close()
		t.Fatalf("starting reconi %s: %v", strings.Join(args, " "), err)
	}
	go func() {
		p.err = cmd.Wait()
		errf.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
			return
		default:
		}
		cmd.Process.Kill()
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			t.Errorf("reconi %s (pid %d) did not die", strings.Join(args, " "), cmd.Process.Pid)
		}
	})
	return p
}

// wait waits for p to end, at most timeout.
func (p *process) wait(t *testing.T, timeout time.Duration) {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		t.Fatalf("reconi (pid %d) did not exit within %s", p.cmd.Process.Pid, timeout)
	}
}

func (p *process) log(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(p.stderr)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// writeCSV writes the generated users rows [from, from+n) (see
// bench/usersgen: the same rows as the benchmarks) to a file.
func writeCSV(t *testing.T, path string, from, n int) {
	t.Helper()
	var b bytes.Buffer
	b.WriteString(usersgen.Header + "\n")
	var buf []byte
	for i := from; i < from+n; i++ {
		buf = usersgen.AppendRow(buf[:0], i)
		b.Write(buf)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyDB copies a closed database (and its WAL, should one be left) to dst.
func copyDB(t *testing.T, src, dst string) {
	t.Helper()
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(src + suffix)
		if errors.Is(err, os.ErrNotExist) && suffix != "" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// inspect opens the database read-only, checks its integrity and foreign
// keys, and hands it to fn. It never writes: the next reconi process must
// find the file exactly as the killed one left it.
func inspect(t *testing.T, path string, fn func(db *sql.DB)) {
	t.Helper()
	db := openRO(t, path)
	defer db.Close()
	var rows []string
	r, err := db.Query("PRAGMA integrity_check")
	if err != nil {
		t.Fatalf("integrity_check: %v", err)
	}
	for r.Next() {
		var s string
		if err := r.Scan(&s); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, s)
	}
	r.Close()
	if len(rows) != 1 || rows[0] != "ok" {
		t.Fatalf("PRAGMA integrity_check on %s: %q", path, rows)
	}
	var fk int
	if err := db.QueryRow("SELECT count(*) FROM pragma_foreign_key_check").Scan(&fk); err != nil {
		t.Fatalf("foreign_key_check: %v", err)
	}
	if fk != 0 {
		t.Fatalf("PRAGMA foreign_key_check on %s: %d rows point nowhere", path, fk)
	}
	fn(db)
}

// openRO opens the database file read-only.
func openRO(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(30000)")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// count runs a query that returns one integer.
func count(t *testing.T, db *sql.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// newOrgDraft registers an organisation in e's database and starts a draft
// for it; it returns the draft's ID.
func newOrgDraft(t *testing.T, e *env, kvk string) int64 {
	t.Helper()
	e.must(t, time.Minute, "org", "register", "--kvk", kvk, "--name", "Reliability "+kvk)
	return newDraft(t, e, kvk)
}

func newDraft(t *testing.T, e *env, kvk string) int64 {
	t.Helper()
	r := e.must(t, time.Minute, "org", "select", kvk, "--level", "EH3", "-o", "json", "--jq", ".id")
	id, err := strconv.ParseInt(strings.TrimSpace(r.stdout), 10, 64)
	if err != nil {
		t.Fatalf("org select printed %q, not a draft ID", r.stdout)
	}
	return id
}
