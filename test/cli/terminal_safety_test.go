package cli_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

// A hostile name is refused at input with a field error that names the
// character, and text a user gave is escaped in error messages: nothing
// reaches the terminal that would clear it, write the clipboard or fake a
// link.
func TestHostileTextNeverReachesTheTerminal(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Register()
	s.Select("--level", "EH3")
	for _, name := range []string{"Jan\x1b[2J", "\x1b]52;c;aGFja2Vk\x07Jan", "\u202enasnaJ"} {
		r := s.RunWith(clitest.Options{TTY: true}, "users", "add", "--first-name", name, "--last-name", "Jansen",
			"--email", "jan@example.nl", "--phone", "0612345678", "--employed=true")
		if r.Code != cmd.ExitInvalid || !strings.Contains(r.Stderr, "first_name: contains the control character U+") ||
			strings.ContainsAny(r.Stderr+r.Stdout, "\x1b\x07\u202e") {
			t.Errorf("users add --first-name %q: exit %d, stdout %q, stderr %q", name, r.Code, r.Stdout, r.Stderr)
		}
	}
	typo := filepath.Join(s.Dir, "x\x1b]8;;evil.example\x1b\\y.db")
	r := s.Run("--db", typo, "status")
	if r.Code != cmd.ExitNotFound || strings.ContainsRune(r.Stderr, '\x1b') || !strings.Contains(r.Stderr, `x\x1b]8;;evil.example\x1b\y.db`) {
		t.Errorf("status on a hostile path: exit %d, stderr %q", r.Code, r.Stderr)
	}
}
