package output

import (
	"os"
	"testing"
)

// unsetenv removes key for the duration of the test; t.Setenv first so it is restored afterwards.
func unsetenv(t *testing.T, key string) {
	t.Helper()
	t.Setenv(key, "")
	os.Unsetenv(key)
}

func TestSystemColor(t *testing.T) {
	tests := []struct {
		name      string
		noColor   *string
		term      string
		stdoutTTY bool
		want      bool
	}{
		{name: "terminal", term: "xterm-256color", stdoutTTY: true, want: true},
		{name: "pipe", term: "xterm-256color", stdoutTTY: false, want: false},
		{name: "NO_COLOR=1", noColor: ptr("1"), term: "xterm", stdoutTTY: true, want: false},
		{name: "NO_COLOR=false still disables", noColor: ptr("false"), term: "xterm", stdoutTTY: true, want: false},
		{name: "NO_COLOR empty but set", noColor: ptr(""), term: "xterm", stdoutTTY: true, want: false},
		{name: "dumb terminal", term: "dumb", stdoutTTY: true, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			unsetenv(t, "NO_COLOR")
			if tt.noColor != nil {
				t.Setenv("NO_COLOR", *tt.noColor)
			}
			t.Setenv("TERM", tt.term)
			ios := newSystem(true, tt.stdoutTTY, true)
			if got := ios.ColorEnabled(); got != tt.want {
				t.Errorf("ColorEnabled() = %v, want %v", got, tt.want)
			}
		})
	}

	t.Run("System", func(t *testing.T) {
		t.Setenv("NO_COLOR", "1")
		ios := System()
		if ios.ColorEnabled() {
			t.Error("ColorEnabled() = true with NO_COLOR set")
		}
		if ios.In != os.Stdin || ios.Out != os.Stdout || ios.ErrOut != os.Stderr {
			t.Error("System() is not bound to os.Stdin, os.Stdout and os.Stderr")
		}
	})
}

func TestCanPrompt(t *testing.T) {
	tests := []struct {
		name        string
		ci          *string
		stdinTTY    bool
		stdoutTTY   bool
		neverPrompt bool
		want        bool
	}{
		{name: "terminal", stdinTTY: true, stdoutTTY: true, want: true},
		{name: "CI=true", ci: ptr("true"), stdinTTY: true, stdoutTTY: true, want: false},
		{name: "CI=1", ci: ptr("1"), stdinTTY: true, stdoutTTY: true, want: false},
		{name: "CI=false", ci: ptr("false"), stdinTTY: true, stdoutTTY: true, want: true},
		{name: "CI=0", ci: ptr("0"), stdinTTY: true, stdoutTTY: true, want: true},
		{name: "CI empty", ci: ptr(""), stdinTTY: true, stdoutTTY: true, want: true},
		{name: "--no-input", stdinTTY: true, stdoutTTY: true, neverPrompt: true, want: false},
		{name: "CI=true and --no-input unset", ci: ptr("true"), stdinTTY: true, stdoutTTY: true, neverPrompt: false, want: false},
		{name: "stdin piped", stdinTTY: false, stdoutTTY: true, want: false},
		{name: "stdout piped", stdinTTY: true, stdoutTTY: false, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			unsetenv(t, "CI")
			if tt.ci != nil {
				t.Setenv("CI", *tt.ci)
			}
			ios := newSystem(tt.stdinTTY, tt.stdoutTTY, true)
			ios.SetNeverPrompt(tt.neverPrompt) // as root.go would, from the --no-input flag
			if got := ios.CanPrompt(); got != tt.want {
				t.Errorf("CanPrompt() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTestStreams(t *testing.T) {
	ios, _, _, _ := Test()
	if ios.IsStdinTTY() || ios.IsStdoutTTY() || ios.IsStderrTTY() || ios.ColorEnabled() || ios.CanPrompt() {
		t.Fatal("Test() streams should start with terminals and colour off")
	}
	ios.SetStdinTTY(true)
	ios.SetStdoutTTY(true)
	ios.SetStderrTTY(true)
	ios.SetColorEnabled(true)
	if !ios.IsStdinTTY() || !ios.IsStdoutTTY() || !ios.IsStderrTTY() || !ios.ColorEnabled() || !ios.CanPrompt() {
		t.Fatal("setters did not take effect")
	}
}

func TestColorScheme(t *testing.T) {
	tests := []struct {
		name string
		got  func(ColorScheme) string
		on   string
		off  string
	}{
		{"Bold", func(c ColorScheme) string { return c.Bold("x") }, "\x1b[1mx\x1b[0m", "x"},
		{"Red", func(c ColorScheme) string { return c.Red("x") }, "\x1b[31mx\x1b[0m", "x"},
		{"Green", func(c ColorScheme) string { return c.Green("x") }, "\x1b[32mx\x1b[0m", "x"},
		{"Yellow", func(c ColorScheme) string { return c.Yellow("x") }, "\x1b[33mx\x1b[0m", "x"},
		{"Gray", func(c ColorScheme) string { return c.Gray("x") }, "\x1b[90mx\x1b[0m", "x"},
		{"WarningIcon", ColorScheme.WarningIcon, "\x1b[33m!\x1b[0m", "!"},
		{"SuccessIcon", ColorScheme.SuccessIcon, "\x1b[32m✓\x1b[0m", "✓"},
		{"FailureIcon", ColorScheme.FailureIcon, "\x1b[31mX\x1b[0m", "X"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(ColorScheme{enabled: true}); got != tt.on {
				t.Errorf("colour on: got %q, want %q", got, tt.on)
			}
			if got := tt.got(ColorScheme{}); got != tt.off {
				t.Errorf("colour off: got %q, want %q", got, tt.off)
			}
		})
	}
}

func TestWarnfSuccessf(t *testing.T) {
	tests := []struct {
		name      string
		stderrTTY bool
		color     bool
		want      string
	}{
		{name: "pipe", want: "! 2 rows skipped\n"},
		{name: "terminal", stderrTTY: true, want: "! 2 rows skipped\n✓ Imported 5 users\n"},
		{name: "terminal with colour", stderrTTY: true, color: true,
			want: "\x1b[33m!\x1b[0m 2 rows skipped\n\x1b[32m✓\x1b[0m Imported 5 users\n"},
		// Colour is decided for stdout; stderr going to a file still gets plain text.
		{name: "colour but stderr piped", color: true, want: "! 2 rows skipped\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errOut := Test()
			ios.SetStderrTTY(tt.stderrTTY)
			ios.SetColorEnabled(tt.color)
			ios.Warnf("%d rows skipped\n", 2)
			ios.Successf("Imported %d users", 5)
			if got := errOut.String(); got != tt.want {
				t.Errorf("stderr = %q, want %q", got, tt.want)
			}
			if out.Len() != 0 {
				t.Errorf("stdout = %q, want nothing", out)
			}
		})
	}
}

func ptr(s string) *string { return &s }
