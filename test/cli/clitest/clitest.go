// Package clitest runs reconi end to end in its tests (test/cli): through
// cmd.Run, in process, against a real SQLite file in a sandbox (New, Run),
// and, when a test asks, against that database served over HTTP (Serve,
// UseServer). The flag-parsing tests, in the same test binary, build one
// command alone with test/cli/cmdtest instead.
package clitest

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// FallbackUser is the USER a sandbox sets, which reconi falls back to when
// the operating system cannot name the current user.
const FallbackUser = "tester"

// Actor is the name the embedded backend records as "who" in a test run:
// cmd.Run acts for the operating system's current user.
func Actor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	return FallbackUser
}

// Sandbox is a fresh reconi home under t.TempDir(): a database file and the
// XDG config, state and data directories, named by an environment that never
// reads the process's own (CI, HOME and RECONI_* of the machine stay out).
type Sandbox struct {
	t   testing.TB
	Dir string
	// DB is the database file RECONI_DB names.
	DB  string
	env map[string]string
}

// New returns a sandbox whose runs use a database file that does not exist yet.
func New(t testing.TB) *Sandbox {
	t.Helper()
	dir := t.TempDir()
	s := &Sandbox{t: t, Dir: dir, DB: filepath.Join(dir, "reconi.db")}
	s.env = map[string]string{
		"RECONI_DB":       s.DB,
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"XDG_STATE_HOME":  filepath.Join(dir, "state"),
		"XDG_DATA_HOME":   filepath.Join(dir, "data"),
		"HOME":            filepath.Join(dir, "home"),
		"USER":            FallbackUser,
	}
	return s
}

// Setenv sets (or, with "", unsets) a variable for every later run.
func (s *Sandbox) Setenv(key, value string) { s.env[key] = value }

// Getenv is the sandbox's environment.
func (s *Sandbox) Getenv(key string) string { return s.env[key] }

// ConfigFile is where reconi looks for its config file in this sandbox.
func (s *Sandbox) ConfigFile() string {
	return filepath.Join(s.env["XDG_CONFIG_HOME"], "reconi", "config.yaml")
}

// WriteFile writes a file under the sandbox directory and returns its path.
func (s *Sandbox) WriteFile(name, content string) string {
	s.t.Helper()
	p := filepath.Join(s.Dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		s.t.Fatal(err)
	}
	return p
}

// CreateDatabase creates the sandbox's database, empty, as the first
// command that writes would: commands that only read need it to exist.
// It is a copy of a database migrated once per test binary: migrating a
// new file in each of a hundred tests took a sixth of their time. What the
// first run does to a new file is tested where it matters, by runs
// without CreateDatabase, Register or Serve.
func (s *Sandbox) CreateDatabase() {
	s.t.Helper()
	if _, err := os.Stat(s.DB); err == nil {
		return
	}
	empty, err := migrated()
	if err != nil {
		s.t.Fatal(err)
	}
	if err := os.WriteFile(s.DB, empty, 0o600); err != nil {
		s.t.Fatal(err)
	}
}

// migrated returns the bytes of a database file with every migration
// applied and nothing in it, made with sqlite.Open as a first run makes it,
// once per test binary.
var migrated = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "reconi-clitest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "reconi.db")
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		return nil, err
	}
	// Closing the last connection checkpoints the write-ahead log into the
	// file and removes it: the file is the whole database.
	if err := st.Close(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		return nil, fmt.Errorf("clitest: %s-wal is left after closing the database", path)
	}
	return os.ReadFile(path)
})

// Options change one run.
type Options struct {
	// Stdin is what the command reads from standard input.
	Stdin string
	// TTY makes stdin, stdout and stderr terminals (colour stays off).
	TTY bool
	// Env adds variables for this run only.
	Env map[string]string
}

// Result is what one run of reconi did.
type Result struct {
	Args   []string
	Code   int
	Stdout string
	Stderr string
}

// Run runs reconi with no terminal and empty stdin.
func (s *Sandbox) Run(args ...string) Result {
	s.t.Helper()
	return s.RunWith(Options{}, args...)
}

// RunWith runs reconi through cmd.Run with test streams.
func (s *Sandbox) RunWith(o Options, args ...string) Result {
	s.t.Helper()
	ios, in, out, errOut := output.Test()
	in.WriteString(o.Stdin)
	ios.SetStdinTTY(o.TTY)
	ios.SetStdoutTTY(o.TTY)
	ios.SetStderrTTY(o.TTY)
	getenv := func(k string) string {
		if v, ok := o.Env[k]; ok {
			return v
		}
		return s.env[k]
	}
	code := cmd.Run(context.Background(), args, ios, getenv)
	return Result{Args: args, Code: code, Stdout: out.String(), Stderr: errOut.String()}
}

// MustRun runs reconi and stops the test unless it exits 0.
func (s *Sandbox) MustRun(args ...string) Result {
	s.t.Helper()
	r := s.Run(args...)
	if r.Code != cmd.ExitOK {
		s.t.Fatalf("reconi %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
	}
	return r
}

// Expect checks the exit code, stdout and stderr exactly, after Normalize.
// "$ACTOR" in want stands for Actor().
func (r Result) Expect(t testing.TB, code int, stdout, stderr string) {
	t.Helper()
	actor := Actor()
	stdout = strings.ReplaceAll(stdout, "$ACTOR", actor)
	stderr = strings.ReplaceAll(stderr, "$ACTOR", actor)
	gotOut, gotErr := Normalize(r.Stdout), Normalize(r.Stderr)
	if r.Code != code || gotOut != stdout || gotErr != stderr {
		t.Errorf("reconi %s:\nexit %d, want %d\nstdout:\n%s\nwant stdout:\n%s\nstderr:\n%s\nwant stderr:\n%s",
			strings.Join(r.Args, " "), r.Code, code, gotOut, stdout, gotErr, stderr)
	}
}

var (
	rfc3339Time = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})`)
	humanTime   = regexp.MustCompile(`\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?`)
	digit       = regexp.MustCompile(`\d`)
)

// Normalize makes the wall-clock times in reconi's output comparable: an
// RFC 3339 time (JSON, CSV) becomes 2000-01-01T00:00:00Z, and a time shown to
// people keeps its layout and width with every digit 0, so tables stay
// aligned. cmd.Run takes time.Now, so the times themselves are checked
// separately where they matter.
func Normalize(s string) string {
	s = rfc3339Time.ReplaceAllString(s, "2000-01-01T00:00:00Z")
	return humanTime.ReplaceAllStringFunc(s, func(m string) string { return digit.ReplaceAllString(m, "0") })
}

// Example KvK and branch numbers from the KvK test environment.
const (
	KVK    = "69599084"
	Name   = "Test EMZ Dagobert"
	Branch = "000037178598"
)

// Register adds the example organisation, with its branch, to the register,
// with `reconi org register`; a sandbox without a database gets one from
// CreateDatabase first.
func (s *Sandbox) Register() {
	s.t.Helper()
	if s.env["RECONI_DB"] == s.DB && s.env["RECONI_SERVER"] == "" {
		s.CreateDatabase()
	}
	s.MustRun("org", "register", "--kvk", KVK, "--name", Name, "--branch", Branch)
}

// Select starts a draft for the example organisation with org select and
// returns its ID; args are added (--level, --branch, ...).
func (s *Sandbox) Select(args ...string) int64 {
	s.t.Helper()
	r := s.MustRun(append([]string{"org", "select", KVK, "-o", "json", "--jq", ".id"}, args...)...)
	id, err := strconv.ParseInt(strings.TrimSpace(r.Stdout), 10, 64)
	if err != nil {
		s.t.Fatalf("org select printed no ID: %q", r.Stdout)
	}
	return id
}

// Terms returns the conditions the sandbox's database shows, read through
// the embedded backend directly.
func (s *Sandbox) Terms() *reconi.Terms {
	s.t.Helper()
	ctx := reconi.WithActor(context.Background(), reconi.Actor{Name: Actor(), Role: reconi.RoleLocal})
	st, err := sqlite.Open(ctx, s.DB)
	if err != nil {
		s.t.Fatal(err)
	}
	defer st.Close()
	b, err := service.New(ctx, st)
	if err != nil {
		s.t.Fatal(err)
	}
	terms, err := b.Terms(ctx)
	if err != nil {
		s.t.Fatal(err)
	}
	return terms
}

// ExampleCSV is the path of docs/examples/users.csv, the shipped example.
func ExampleCSV(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the repository")
	}
	p := filepath.Join(filepath.Dir(file), "..", "..", "..", "docs", "examples", "users.csv")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the example CSV file is missing: %v", err)
	}
	return p
}
