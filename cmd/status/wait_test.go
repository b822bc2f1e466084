// These tests of reconi status stay beside it, not in test/cli with its
// other tests: --wait on a clock of its own (StatusRun, which
// wait_export_test.go takes from the package's internals), on a database
// that clitest and flowtest set up, and --wait's flags. Its flag-parsing
// and end-to-end tests are in test/cli: status_flags_test.go,
// status_test.go, status_wait_test.go.
package status_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/factory"
	"github.com/reconi/reconi/cmd/status"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/clitest"
	"github.com/reconi/reconi/test/cli/cmdtest"
	"github.com/reconi/reconi/test/cli/flowtest"
)

func TestWaitFlags(t *testing.T) {
	tests := []struct {
		name         string
		args         []string
		wantWait     reconi.UserState
		wantTimeout  time.Duration
		wantInterval time.Duration
		wantErr      *cmdtest.ErrWant
	}{
		{name: "no wait", args: []string{"12"}, wantInterval: status.DefaultInterval},
		{name: "issued", args: []string{"12", "--wait", "issued", "--timeout", "10m"}, wantWait: reconi.UserIssued,
			wantTimeout: 10 * time.Minute, wantInterval: 2 * time.Second},
		{name: "upper case, interval", args: []string{"12", "--wait", "Final_Check", "--interval", "500ms"}, wantWait: reconi.UserFinalCheck,
			wantInterval: 500 * time.Millisecond},
		{name: "without an ID", args: []string{"--wait", "issued"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--wait needs the ID", "reconi status APP_ID --wait issued"}}},
		{name: "an end state", args: []string{"12", "--wait", "rejected"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{`"rejected"`, "on the way to issued", "exit code 8"}}},
		{name: "not a state", args: []string{"12", "--wait", "done"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{`"done"`, "invited, details_confirmed", "issued"}}},
		{name: "draft", args: []string{"12", "--wait", "draft"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{`"draft"`}}},
		{name: "--timeout alone", args: []string{"12", "--timeout", "5m"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--timeout goes with --wait"}}},
		{name: "--interval alone", args: []string{"12", "--interval", "5s"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--interval goes with --wait"}}},
		{name: "negative timeout", args: []string{"12", "--wait", "issued", "--timeout", "-1m"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--timeout", "-1m0s"}}},
		{name: "zero interval", args: []string{"12", "--wait", "issued", "--interval", "0s"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--interval"}}},
		{name: "not a duration", args: []string{"12", "--wait", "issued", "--timeout", "ten minutes"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--timeout", "ten minutes"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cmdtest.Capture(t, nil, status.NewCmdStatus, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.Wait != tt.wantWait || got.Timeout != tt.wantTimeout || got.Interval != tt.wantInterval {
				t.Errorf("got wait %q, timeout %s, interval %s; want %q, %s, %s", got.Wait, got.Timeout, got.Interval,
					tt.wantWait, tt.wantTimeout, tt.wantInterval)
			}
			if got.Sleep == nil {
				t.Error("no Sleep by default")
			}
		})
	}
}

// clock is the time --wait sees: each pause moves it on at once, records
// how long it was, and may change the application meanwhile.
type clock struct {
	t      time.Time
	pauses []time.Duration
	during map[int]func() // run in the n-th pause (from 1)
}

func (c *clock) now() time.Time { return c.t }

func (c *clock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.pauses = append(c.pauses, d)
	c.t = c.t.Add(d)
	if fn := c.during[len(c.pauses)]; fn != nil {
		fn()
	}
	return nil
}

func (c *clock) hms() string { return c.t.Local().Format("15:04:05") }

// flaky fails Application once, on the n-th call, as a dropped connection
// to a server would.
type flaky struct {
	reconi.Backend
	calls, failOn int
}

func (f *flaky) Application(ctx context.Context, id int64) (*reconi.Application, error) {
	f.calls++
	if f.calls == f.failOn {
		return nil, errors.New("dial tcp 127.0.0.1:8080: connection refused")
	}
	return f.Backend.Application(ctx, id)
}

// waitRun runs `reconi status args...` against the sandbox's database with
// clk for time, stderr a terminal when tty; wrap may wrap the backend.
func waitRun(t *testing.T, s *clitest.Sandbox, clk *clock, tty bool, wrap func(reconi.Backend) reconi.Backend, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ios, _, out, errOut := output.Test()
	ios.SetStdoutTTY(tty)
	ios.SetStderrTTY(tty)
	ctx := reconi.WithActor(context.Background(), reconi.Actor{Name: "ops", Role: reconi.RoleLocal})
	f := factory.New(ctx, ios, s.Getenv)
	f.Now = clk.now
	f.Config = func() (*config.Config, error) { return config.Load("", "", nil, s.Getenv) }
	open := f.Backend
	f.Backend = func() (reconi.Backend, error) {
		b, err := open()
		if err != nil || wrap == nil {
			return b, err
		}
		return wrap(b), nil
	}
	t.Cleanup(func() { f.Close() })
	c := status.NewCmdStatus(f.Factory, func(ctx context.Context, o *status.Options) error {
		if o.Now == nil || o.Now().IsZero() {
			t.Error("status does not read the Factory's clock")
		}
		o.Sleep = clk.sleep
		return status.StatusRun(ctx, o)
	})
	// As cmdtest.Exec, with the actor cmd.Run puts in the context.
	c.SetArgs(args)
	c.SilenceErrors, c.SilenceUsage = true, true
	c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })
	err = c.ExecuteContext(ctx)
	return out.String(), errOut.String(), err
}

func newClock() *clock {
	return &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), during: map[int]func(){}}
}

func seconds(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = d.Seconds()
	}
	return out
}

func TestWaitBacksOffUntilIssued(t *testing.T) {
	s := clitest.New(t)
	app, piet := flowtest.AtFinalCheck(t, s)
	id := strconv.FormatInt(app, 10)
	clk := newClock()
	var approvedAt string
	clk.during[8] = func() {
		s.MustRun("review", "approve", strconv.FormatInt(piet, 10))
		approvedAt = clk.hms()
	}
	start := clk.hms()
	stdout, stderr, err := waitRun(t, s, clk, true, nil, id, "--wait", "issued", "--timeout", "10m")
	if err != nil {
		t.Fatalf("wait: %v\n%s", err, stderr)
	}
	if got, want := fmt.Sprint(seconds(clk.pauses)), "[2 3 4.5 6.75 10.125 15.1875 22.78125 30]"; got != want {
		t.Errorf("pauses %s, want %s", got, want)
	}
	want := fmt.Sprintf(`Waiting until every user of application %s is issued (at most 10m0s; Ctrl-C stops waiting)
%[2]s  jan@example.nl: issued
%[2]s  piet@example.nl: final_check
%[3]s  piet@example.nl: final_check → issued
✓ Every user of application %[1]s is issued
`, id, start, approvedAt)
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
	if !strings.Contains(stdout, "piet@example.nl  Piet Puk    no        issued") || !strings.Contains(stdout, "History") {
		t.Errorf("stdout does not show the application as status does:\n%s", stdout)
	}
}

func TestWaitTimesOut(t *testing.T) {
	s := clitest.New(t)
	app, _ := flowtest.AtFinalCheck(t, s)
	id := strconv.FormatInt(app, 10)
	clk := newClock()
	stdout, stderr, err := waitRun(t, s, clk, false, nil, id, "--wait", "issued", "--timeout", "1m", "-o", "json", "--jq", "[.users[].state]")
	// The last pause ends at the deadline, where reconi looks once more.
	if got, want := fmt.Sprint(seconds(clk.pauses)), "[2 3 4.5 6.75 10.125 15.1875 18.4375]"; got != want {
		t.Errorf("pauses %s, want %s", got, want)
	}
	var ee *status.ExitError
	if !errors.As(err, &ee) || ee.Code != status.ExitTimeout || cmd.ExitCode(err) != 7 {
		t.Fatalf("error %v (%T), want a timeout", err, err)
	}
	wantMsg := "timed out after 1m0s waiting until every user of application " + id + " is issued: still waiting for piet@example.nl (final_check)"
	if err.Error() != wantMsg {
		t.Errorf("error %q\nwant  %q", err, wantMsg)
	}
	if stdout != `["issued","final_check"]`+"\n" || stderr != "" {
		t.Errorf("stdout %q, stderr %q", stdout, stderr)
	}
}

func TestWaitEndsWhenRejected(t *testing.T) {
	s := clitest.New(t)
	app, piet := flowtest.AtFinalCheck(t, s)
	id := strconv.FormatInt(app, 10)
	clk := newClock()
	clk.during[2] = func() {
		s.MustRun("review", "reject", strconv.FormatInt(piet, 10), "--reason", "not known at the organisation")
	}
	_, stderr, err := waitRun(t, s, clk, true, nil, id, "--wait", "issued")
	var ee *status.ExitError
	if !errors.As(err, &ee) || ee.Code != status.ExitEnded {
		t.Fatalf("error %v, want ExitEnded", err)
	}
	if want := "application " + id + ": the request of piet@example.nl (rejected) ended before it was issued"; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if !strings.Contains(stderr, "(no time limit; Ctrl-C stops waiting)") || !strings.Contains(stderr, "piet@example.nl: final_check → rejected\n") {
		t.Errorf("stderr:\n%s", stderr)
	}
	if len(clk.pauses) != 2 {
		t.Errorf("%d pauses, want 2", len(clk.pauses))
	}
}

// TestWaitForOneState: --wait takes any state on the way to issued, and an
// employed user already issued has passed it.
func TestWaitForOneState(t *testing.T) {
	s := clitest.New(t)
	app, _ := flowtest.AtFinalCheck(t, s)
	id := strconv.FormatInt(app, 10)
	for _, st := range []string{"ordered", "identified", "final_check"} {
		clk := newClock()
		if _, stderr, err := waitRun(t, s, clk, false, nil, id, "--wait", st); err != nil || len(clk.pauses) != 0 || stderr != "" {
			t.Errorf("--wait %s: %v, %d pauses, stderr %q", st, err, len(clk.pauses), stderr)
		}
	}
	// --email waits for one user only.
	clk := newClock()
	_, stderr, err := waitRun(t, s, clk, true, nil, id, "--wait", "issued", "--email", "jan@example.nl")
	if err != nil || !strings.HasSuffix(stderr, "✓ jan@example.nl of application "+id+" is issued\n") {
		t.Errorf("--email jan: %v\n%s", err, stderr)
	}
	_, _, err = waitRun(t, s, clk, false, nil, id, "--wait", "issued", "--email", "kees@example.nl")
	if cmdtest.Kind(err) != reconi.KindNotFound {
		t.Errorf("--email of no user: %v", err)
	}
}

// TestWaitLooksAgainAfterAnError: a failing look after the first is
// reported once and retried; the first look failing ends the wait.
func TestWaitLooksAgainAfterAnError(t *testing.T) {
	s := clitest.New(t)
	app, piet := flowtest.AtFinalCheck(t, s)
	id := strconv.FormatInt(app, 10)
	clk := newClock()
	clk.during[3] = func() { s.MustRun("review", "approve", strconv.FormatInt(piet, 10)) }
	fl := &flaky{failOn: 2}
	_, stderr, err := waitRun(t, s, clk, false, func(b reconi.Backend) reconi.Backend { fl.Backend = b; return fl }, id, "--wait", "issued")
	if err != nil {
		t.Fatalf("wait: %v", err)
	}
	if stderr != "! looking again after: dial tcp 127.0.0.1:8080: connection refused\n" {
		t.Errorf("stderr %q", stderr)
	}

	clk = newClock()
	fl = &flaky{failOn: 1}
	_, _, err = waitRun(t, s, clk, false, func(b reconi.Backend) reconi.Backend { fl.Backend = b; return fl }, id, "--wait", "issued")
	if err == nil || !strings.Contains(err.Error(), "connection refused") || len(clk.pauses) != 0 {
		t.Errorf("a failing first look: %v, %d pauses", err, len(clk.pauses))
	}
}

// cancelling cancels the run after the first look, as Ctrl-C would.
type cancelling struct {
	reconi.Backend
	cancel context.CancelFunc
}

func (c *cancelling) Application(ctx context.Context, id int64) (*reconi.Application, error) {
	defer c.cancel()
	return c.Backend.Application(ctx, id)
}

// TestWaitStopsWhenCancelled: the real pause ends when the context does.
func TestWaitStopsWhenCancelled(t *testing.T) {
	s := clitest.New(t)
	app, _ := flowtest.AtFinalCheck(t, s)
	actor := reconi.WithActor(context.Background(), reconi.Actor{Name: "ops", Role: reconi.RoleLocal})
	ctx, cancel := context.WithCancel(actor)
	defer cancel()
	ios, _, _, _ := output.Test()
	f := factory.New(actor, ios, s.Getenv)
	f.Config = func() (*config.Config, error) { return config.Load("", "", nil, s.Getenv) }
	defer f.Close()
	open := f.Backend
	f.Backend = func() (reconi.Backend, error) {
		b, err := open()
		return &cancelling{Backend: b, cancel: cancel}, err
	}
	c := status.NewCmdStatus(f.Factory, nil)
	c.SetArgs([]string{strconv.FormatInt(app, 10), "--wait", "issued", "--interval", "1h"})
	c.SilenceErrors, c.SilenceUsage = true, true
	start := time.Now()
	err := c.ExecuteContext(ctx)
	if !errors.Is(err, context.Canceled) || cmd.ExitCode(err) != cmd.ExitCancelled || time.Since(start) > 10*time.Second {
		t.Errorf("error %v after %s", err, time.Since(start))
	}
}

// TestWaitCountsManyUsers: the first look counts many users per state
// rather than listing each.
func TestWaitCountsManyUsers(t *testing.T) {
	s := clitest.New(t)
	var people []flowtest.Person
	for i := range 11 {
		people = append(people, flowtest.Person{First: "User", Last: strconv.Itoa(i), Email: fmt.Sprintf("user%d@example.nl", i),
			Phone: fmt.Sprintf("06 123456%02d", i), Employed: true})
	}
	app := flowtest.Submit(t, s, people...)
	id := strconv.FormatInt(app, 10)
	clk := newClock()
	start := clk.hms()
	_, stderr, err := waitRun(t, s, clk, true, nil, id, "--wait", "issued", "--timeout", "1s", "--interval", "1s")
	if cmd.ExitCode(err) != cmd.ExitTimeout {
		t.Errorf("error %v, want a timeout", err)
	}
	want := "Waiting until every user of application " + id + " is issued (at most 1s; Ctrl-C stops waiting)\n" +
		start + "  11 users: 11 invited\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
}
