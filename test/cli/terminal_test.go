package cli_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/reconi/reconi/test/reconibin"
)

// These tests run the built reconi binary on a pseudo-terminal that never
// answers a query, like the Linux console: a query for the background
// colour, as bubbletea v1 made in its init, waits there for its 5 s
// timeout.

func TestMain(m *testing.M) { os.Exit(reconibin.Main(m)) }

// silentTerminal is reconi running on a pseudo-terminal whose other end
// reads everything and answers nothing.
type silentTerminal struct {
	t      *testing.T
	cmd    *exec.Cmd
	ptmx   *os.File
	mu     sync.Mutex
	screen bytes.Buffer
	read   chan struct{} // closed when the terminal's output ends
	exited chan struct{} // closed when reconi has exited
	start  time.Time
	err    error // Wait's error, once exited is closed
}

func startOnTerminal(t *testing.T, extraEnv []string, args ...string) *silentTerminal {
	t.Helper()
	bin := reconibin.Path(t)
	dir := t.TempDir()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	// A terminal that would answer: not dumb, not screen or tmux. No CI, so
	// that reconi may ask.
	cmd.Env = append([]string{
		"HOME=" + dir,
		"TERM=xterm-256color",
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"PATH=" + os.Getenv("PATH"),
		reconibin.Env,
	}, extraEnv...)
	start := time.Now()
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 100})
	if errors.Is(err, pty.ErrUnsupported) {
		t.Skip("no pseudo-terminals here:", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	s := &silentTerminal{t: t, cmd: cmd, ptmx: ptmx, read: make(chan struct{}), exited: make(chan struct{}), start: start}
	go func() {
		defer close(s.read)
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			s.mu.Lock()
			s.screen.Write(buf[:n])
			s.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() {
		s.err = cmd.Wait()
		close(s.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-s.exited:
		default:
			_ = cmd.Process.Kill()
			<-s.exited
		}
		ptmx.Close()
	})
	return s
}

func (s *silentTerminal) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.screen.String()
}

// waitFor waits until the terminal shows text.
func (s *silentTerminal) waitFor(text string, limit time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(limit)
	for !strings.Contains(s.output(), text) {
		if time.Now().After(deadline) {
			s.t.Fatalf("the terminal did not show %q within %v:\n%s", text, limit, s.output())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// wait waits up to limit for reconi to exit and returns its exit code and
// how long it ran.
func (s *silentTerminal) wait(limit time.Duration) (int, time.Duration) {
	s.t.Helper()
	select {
	case <-s.exited:
	case <-time.After(limit):
		s.t.Fatalf("reconi had not exited after %v; the terminal shows:\n%s", limit, s.output())
	}
	took := time.Since(s.start)
	var exit *exec.ExitError
	switch {
	case s.err == nil:
		return 0, took
	case errors.As(s.err, &exit):
		return exit.ExitCode(), took
	}
	s.t.Fatal(s.err)
	return 0, took
}

// typeKeys sends keys as if typed on the terminal: with the terminal's line
// discipline, Ctrl-C (\x03) interrupts the process.
func (s *silentTerminal) typeKeys(keys string) {
	s.t.Helper()
	if _, err := io.WriteString(s.ptmx, keys); err != nil {
		s.t.Fatal(err)
	}
}

// A terminal that does not answer a colour query does not hold reconi up.
// bubbletea v1 asked in its init and waited 5 s for the answer; the bound
// is generous for a busy machine, not a speed target.
func TestHelpOnSilentTerminal(t *testing.T) {
	t.Parallel()
	term := startOnTerminal(t, nil, "--help")
	code, took := term.wait(30 * time.Second)
	if code != 0 {
		t.Fatalf("reconi --help exited %d:\n%s", code, term.output())
	}
	<-term.read
	if !strings.Contains(term.output(), "Usage:") {
		t.Errorf("no help on the terminal:\n%s", term.output())
	}
	t.Logf("reconi --help ran for %v", took)
	if took >= 2*time.Second {
		t.Errorf("reconi --help ran for %v on a terminal that answers no query, want well under the 5 s of a colour query's timeout", took)
	}
}

// Ctrl-C at a line-by-line question cancels the command at once (exit
// 130); it does not wait for another line.
func TestInterruptAccessiblePrompt(t *testing.T) {
	t.Parallel()
	term := startOnTerminal(t, []string{"RECONI_ACCESSIBLE=1"}, "org", "select", "69599084")
	term.waitFor("level", 30*time.Second)
	term.typeKeys("\x03")
	if code, _ := term.wait(10 * time.Second); code != 130 {
		t.Errorf("exit code %d after Ctrl-C, want 130:\n%s", code, term.output())
	}
	<-term.read
	if strings.Contains(term.output(), "error") {
		t.Errorf("Ctrl-C is reported as an error:\n%s", term.output())
	}
}

// Ctrl-C in the interactive fields cancels too.
func TestInterruptInteractivePrompt(t *testing.T) {
	t.Parallel()
	term := startOnTerminal(t, nil, "org", "select", "69599084")
	term.waitFor("EH3", 30*time.Second)
	term.typeKeys("\x03")
	if code, _ := term.wait(10 * time.Second); code != 130 {
		t.Errorf("exit code %d after Ctrl-C, want 130:\n%s", code, term.output())
	}
}
