// Package output is the only place in reconi that knows about terminals, colour, tables and the
// machine-readable formats (json, yaml, csv, --jq). Commands get an *IOStreams from their factory
// and print through it; tests use Test() and switch the terminal on and off.
package output

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
)

// IOStreams holds the three standard streams and what is known about them.
// Data goes to Out; warnings, progress and errors go to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY     bool
	stdoutTTY    bool
	stderrTTY    bool
	colorEnabled bool
	neverPrompt  bool // --no-input
	ci           bool // kept apart from neverPrompt so SetNeverPrompt(false) cannot undo it
}

// System returns streams bound to the process's stdin, stdout and stderr.
func System() *IOStreams {
	return newSystem(isTerminal(os.Stdin), isTerminal(os.Stdout), isTerminal(os.Stderr))
}

// newSystem is System with the terminal detection passed in, so tests can pretend to be on a TTY.
func newSystem(stdinTTY, stdoutTTY, stderrTTY bool) *IOStreams {
	return &IOStreams{
		In:           os.Stdin,
		Out:          os.Stdout,
		ErrOut:       os.Stderr,
		stdinTTY:     stdinTTY,
		stdoutTTY:    stdoutTTY,
		stderrTTY:    stderrTTY,
		colorEnabled: stdoutTTY && colorAllowed(),
		ci:           isCI(),
	}
}

func isTerminal(f *os.File) bool {
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

// colorAllowed follows https://no-color.org: NO_COLOR set to anything turns colour off,
// as does a terminal that declares itself dumb.
func colorAllowed() bool {
	if _, set := os.LookupEnv("NO_COLOR"); set {
		return false
	}
	return os.Getenv("TERM") != "dumb"
}

// isCI reports whether we run under CI, where nobody can answer a prompt.
func isCI() bool {
	v := strings.TrimSpace(os.Getenv("CI"))
	return v != "" && v != "0" && !strings.EqualFold(v, "false")
}

// Test returns streams backed by buffers, with every terminal off and colour off.
func Test() (ios *IOStreams, in *bytes.Buffer, out *bytes.Buffer, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

func (s *IOStreams) IsStdinTTY() bool   { return s.stdinTTY }
func (s *IOStreams) IsStdoutTTY() bool  { return s.stdoutTTY }
func (s *IOStreams) IsStderrTTY() bool  { return s.stderrTTY }
func (s *IOStreams) ColorEnabled() bool { return s.colorEnabled }

func (s *IOStreams) SetStdinTTY(v bool)     { s.stdinTTY = v }
func (s *IOStreams) SetStdoutTTY(v bool)    { s.stdoutTTY = v }
func (s *IOStreams) SetStderrTTY(v bool)    { s.stderrTTY = v }
func (s *IOStreams) SetColorEnabled(v bool) { s.colorEnabled = v }

// SetNeverPrompt turns prompting off, as --no-input does.
func (s *IOStreams) SetNeverPrompt(v bool) { s.neverPrompt = v }

// CanPrompt reports whether a person can be asked something: stdin and stdout are terminals,
// and neither --no-input nor CI said otherwise.
func (s *IOStreams) CanPrompt() bool {
	return s.stdinTTY && s.stdoutTTY && !s.neverPrompt && !s.ci
}

// ColorScheme colours text meant for Out.
func (s *IOStreams) ColorScheme() ColorScheme {
	return ColorScheme{enabled: s.colorEnabled}
}

// errColorScheme colours text meant for ErrOut: stderr redirected to a file gets no escape codes
// even when stdout is a terminal.
func (s *IOStreams) errColorScheme() ColorScheme {
	return ColorScheme{enabled: s.colorEnabled && s.stderrTTY}
}

// Warnf writes "! message" to ErrOut.
func (s *IOStreams) Warnf(format string, args ...any) {
	s.notef(s.errColorScheme().WarningIcon(), format, args...)
}

// Successf writes "✓ message" to ErrOut, but only when stderr is a terminal: success chatter is
// for people, scripts read the exit code.
func (s *IOStreams) Successf(format string, args ...any) {
	if !s.stderrTTY {
		return
	}
	s.notef(s.errColorScheme().SuccessIcon(), format, args...)
}

// notef writes one note; names and other text in args may be a user's, so
// control characters are escaped (see Safe).
func (s *IOStreams) notef(icon, format string, args ...any) {
	msg := Safe(strings.TrimSuffix(fmt.Sprintf(format, args...), "\n"))
	fmt.Fprintf(s.ErrOut, "%s %s\n", icon, msg)
}

// ColorScheme wraps text in ANSI colours when colour is enabled and returns it unchanged otherwise.
type ColorScheme struct {
	enabled bool
}

func (c ColorScheme) Enabled() bool { return c.enabled }

func (c ColorScheme) Bold(s string) string   { return c.wrap("1", s) }
func (c ColorScheme) Red(s string) string    { return c.wrap("31", s) }
func (c ColorScheme) Green(s string) string  { return c.wrap("32", s) }
func (c ColorScheme) Yellow(s string) string { return c.wrap("33", s) }
func (c ColorScheme) Gray(s string) string   { return c.wrap("90", s) }

func (c ColorScheme) WarningIcon() string { return c.Yellow("!") }
func (c ColorScheme) SuccessIcon() string { return c.Green("✓") }
func (c ColorScheme) FailureIcon() string { return c.Red("X") }

func (c ColorScheme) wrap(code, s string) string {
	if !c.enabled || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}
