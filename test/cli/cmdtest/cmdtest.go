// Package cmdtest helps test reconi's commands at the flag-parsing layer: a
// Factory whose Backend fails the test when opened (FlagFactory), one
// command built by its NewCmdX constructor and run as the root command would
// run it (Exec), and the Options its run function receives (Capture). The
// flag-parsing tests live in test/cli (<noun>_flags_test.go), in the one test
// binary of the end-to-end tests, which run reconi through cmd.Run against a
// real SQLite file (helpers in test/cli/clitest); cmd/status's tests of
// --wait, which need the package's internals, use it beside the command.
package cmdtest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/notify"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// FlagFactory returns a Factory for flag-parsing tests: test streams, a
// Config resolved from env alone (XDG directories in a temp dir unless env
// says otherwise), and a Backend (and Store, Local, Senders) that fails the
// test when called, because parsing flags must never reach it. The database file env names must still
// be missing when the test ends. stdout is what the command printed.
func FlagFactory(t testing.TB, env map[string]string) (f *cmdutil.Factory, stdout *bytes.Buffer) {
	t.Helper()
	dir := t.TempDir()
	full := map[string]string{
		"RECONI_DB":       filepath.Join(dir, "reconi.db"),
		"XDG_CONFIG_HOME": filepath.Join(dir, "config"),
		"XDG_STATE_HOME":  filepath.Join(dir, "state"),
		"XDG_DATA_HOME":   filepath.Join(dir, "data"),
		"HOME":            filepath.Join(dir, "home"),
	}
	for k, v := range env {
		full[k] = v
	}
	getenv := func(k string) string { return full[k] }
	ios, _, stdout, _ := output.Test()
	f = &cmdutil.Factory{
		IOStreams: ios,
		Getenv:    getenv,
		Config: func() (*config.Config, error) {
			return config.Load("", "", nil, getenv)
		},
		Backend: func() (reconi.Backend, error) {
			t.Errorf("the Backend was opened while parsing flags")
			return nil, errors.New("no backend in flag-parsing tests")
		},
		RemoteBackend: func(string, string) (reconi.Backend, error) {
			t.Errorf("a remote Backend was opened while parsing flags")
			return nil, errors.New("no backend in flag-parsing tests")
		},
		Store: func() (store.Store, error) {
			t.Errorf("the database was opened while parsing flags")
			return nil, errors.New("no database in flag-parsing tests")
		},
		Local: func() (cmdutil.Local, error) {
			t.Errorf("the local service was opened while parsing flags")
			return nil, errors.New("no database in flag-parsing tests")
		},
		Senders: func() (map[reconi.Channel]notify.Sender, *notify.Config, error) {
			t.Errorf("the delivery channels were built while parsing flags")
			return nil, nil, errors.New("no delivery in flag-parsing tests")
		},
	}
	f.NewProfileConfig = f.Config
	t.Cleanup(func() {
		if _, err := os.Stat(full["RECONI_DB"]); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("parsing flags created the database file %s", full["RECONI_DB"])
		}
	})
	return f, stdout
}

// Exec runs a command built by a NewCmdX constructor with args, as the root
// command would: cobra's own flag errors become *cmdutil.FlagError.
func Exec(c *cobra.Command, args ...string) error {
	c.SetArgs(args)
	c.SilenceErrors = true
	c.SilenceUsage = true
	c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &cmdutil.FlagError{Err: err} })
	_, err := c.ExecuteContextC(context.Background())
	return err
}

// Kind returns the domain error kind of err ("" when err is not a *reconi.Error).
func Kind(err error) reconi.Kind {
	var e *reconi.Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

// ErrWant describes the error a flag-parsing test expects.
type ErrWant struct {
	// Flag wants a *cmdutil.FlagError (exit code 2); otherwise a
	// *reconi.Error of Kind.
	Flag bool
	Kind reconi.Kind
	// Contains are parts of the message, such as the flag's name.
	Contains []string
}

// Check fails the test unless err is what w describes.
func (w ErrWant) Check(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", w.Contains)
	}
	if got := cmdutil.IsFlagError(err); got != w.Flag {
		t.Errorf("error %q (%T): flag error %v, want %v", err, err, got, w.Flag)
	}
	if !w.Flag && Kind(err) != w.Kind {
		t.Errorf("error %q: kind %q, want %q", err, Kind(err), w.Kind)
	}
	for _, c := range w.Contains {
		if !strings.Contains(err.Error(), c) {
			t.Errorf("error %q does not name %q", err, c)
		}
	}
}

// Capture runs the command a NewCmdX constructor builds, with args and a
// FlagFactory over env, and returns the Options its run function received. When
// wantErr is set it checks the error instead, that the run function was not
// called, and returns nil; otherwise an error, or a run function never
// called, fails the test.
func Capture[O any](t testing.TB, env map[string]string, newCmd func(*cmdutil.Factory, func(context.Context, *O) error) *cobra.Command,
	wantErr *ErrWant, args ...string) *O {
	t.Helper()
	f, _ := FlagFactory(t, env)
	return CaptureWith(t, f, newCmd, wantErr, args...)
}

// CaptureWith is Capture with a Factory the test made and changed (a
// terminal, stdin).
func CaptureWith[O any](t testing.TB, f *cmdutil.Factory, newCmd func(*cmdutil.Factory, func(context.Context, *O) error) *cobra.Command,
	wantErr *ErrWant, args ...string) *O {
	t.Helper()
	var got *O
	err := Exec(newCmd(f, func(_ context.Context, o *O) error {
		got = o
		return nil
	}), args...)
	if wantErr != nil {
		wantErr.Check(t, err)
		if got != nil {
			t.Error("the run function was called")
		}
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	if got == nil {
		t.Fatal("the run function was not called")
	}
	return got
}
