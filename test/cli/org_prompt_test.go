package cli_test

import (
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

// On a terminal org select asks for the organisation and the level when
// they are missing; it reads the answers line by line from stdin, as huh's
// accessible mode does.
func TestOrgSelectAsks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		stdin  string
		level  string
		stderr []string
	}{
		{"level", []string{clitest.KVK}, "2\n", "EH2+", []string{"Assurance level of the new users' means", "3. EH3   substantial"}},
		{"level, after a wrong answer", []string{clitest.KVK}, "7\nEH3\n3\n", "EH3", []string{"Invalid: must be a number between 1 and 3"}},
		{"level, the default", []string{clitest.KVK}, "\n", "EH3", nil},
		{"organisation and level", nil, "1\n1\n", "EH2", []string{"Organisation to add users to", "1. Test EMZ Dagobert (69599084)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := clitest.New(t)
			s.Register()
			r := s.RunWith(clitest.Options{TTY: true, Stdin: tt.stdin}, append([]string{"org", "select", "-o", "json", "--jq", "[.id, .level]"}, tt.args...)...)
			if r.Code != cmd.ExitOK || r.Stdout != `[1,"`+tt.level+`"]`+"\n" {
				t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.Code, r.Stdout, r.Stderr)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(r.Stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, r.Stderr)
				}
			}
		})
	}
}

// Without someone to answer, the missing argument or flag is a usage
// error that names it, as before.
func TestOrgSelectDoesNotAsk(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Register()
	const noLevel = "error: --level is required: EH2, EH2+ or EH3\nRun 'reconi org select --help' for usage.\n"
	const noKVK = "error: reconi org select wants the organisation's KvK number (got 0 arguments)\nRun 'reconi org select --help' for usage.\n"
	ci := map[string]string{"CI": "true"}
	s.RunWith(clitest.Options{Stdin: "1\n"}, "org", "select", clitest.KVK).Expect(t, cmd.ExitUsage, "", noLevel)
	s.RunWith(clitest.Options{TTY: true, Stdin: "1\n"}, "org", "select", clitest.KVK, "--no-input").Expect(t, cmd.ExitUsage, "", noLevel)
	s.RunWith(clitest.Options{TTY: true, Stdin: "1\n", Env: ci}, "org", "select", clitest.KVK).Expect(t, cmd.ExitUsage, "", noLevel)
	s.RunWith(clitest.Options{Stdin: "1\n"}, "org", "select", "--level", "EH3").Expect(t, cmd.ExitUsage, "", noKVK)
	s.RunWith(clitest.Options{TTY: true, Stdin: "1\n"}, "org", "select", "--no-input", "--level", "EH3").Expect(t, cmd.ExitUsage, "", noKVK)
	s.Run("status", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
}

// The end of the input is a cancel, also after a wrong answer.
func TestOrgSelectEndOfInput(t *testing.T) {
	t.Parallel()
	for _, stdin := range []string{"", "9\n"} {
		s := clitest.New(t)
		s.Register()
		r := s.RunWith(clitest.Options{TTY: true, Stdin: stdin}, "org", "select", clitest.KVK)
		if r.Code != cmd.ExitCancelled || r.Stdout != "" {
			t.Errorf("stdin %q: exit %d, stdout %q", stdin, r.Code, r.Stdout)
		}
		s.Run("status", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
	}
}

// An empty register cannot be chosen from.
func TestOrgSelectEmptyRegister(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.RunWith(clitest.Options{TTY: true, Stdin: "1\n"}, "org", "select").Expect(t, cmd.ExitNotFound, "",
		"error: the organisation register is empty (an operator adds one with: reconi org register --kvk KVK --name NAME)\n")
}
