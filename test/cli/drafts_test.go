package cli_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

// sandboxes runs fn embedded and against a server.
func sandboxes(t *testing.T, fn func(t *testing.T, s *clitest.Sandbox)) {
	for _, remote := range []bool{false, true} {
		t.Run(fmt.Sprintf("remote=%v", remote), func(t *testing.T) {
			t.Parallel()
			s := clitest.New(t)
			s.Register()
			if remote {
				s.UseServer()
			}
			fn(t, s)
		})
	}
}

// twoDrafts starts draft 1 (EH3, one user) and draft 2 (EH2+, the current
// one), and submits application 3.
func twoDrafts(t *testing.T, s *clitest.Sandbox) {
	t.Helper()
	s.Select("--level", "EH3")
	s.MustRun("users", "add", "--first-name", "Jan", "--last-name", "Jansen", "--email", "jan@example.nl",
		"--phone", "0612345678", "--employed=true")
	s.Select("--level", "EH3")
	s.MustRun("users", "add", "--first-name", "Sanne", "--last-name", "de Vries", "--email", "sanne@example.nl",
		"--phone", "0623456789", "--employed=true")
	s.MustRun("permissions", "set", "--provider", "RVO", "--validity", "1y")
	s.MustRun("apply", "--agree-terms", "-o", "json")
	s.Select("--level", "EH2+")
}

func TestDraftsList(t *testing.T) {
	t.Parallel()
	sandboxes(t, func(t *testing.T, s *clitest.Sandbox) {
		s.Run("drafts", "list", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
		twoDrafts(t, s)
		s.Run("drafts", "list").Expect(t, cmd.ExitOK, ""+
			"1\tTest EMZ Dagobert\t69599084\tEH3\t1\tjust now\tjust now\tnew\n"+
			"3 *\tTest EMZ Dagobert\t69599084\tEH2+\t0\tjust now\tjust now\tnew\n", "")
		s.Run("drafts", "list", "--jq", ".[] | [.id, .organization.kvk, .level, .users_total, .current] | @tsv").
			Expect(t, cmd.ExitOK, "1\t69599084\tEH3\t1\tfalse\n3\t69599084\tEH2+\t0\ttrue\n", "")
		r := s.MustRun("drafts", "list", "-o", "csv")
		if lines := strings.Split(strings.TrimSpace(r.Stdout), "\n"); len(lines) != 3 ||
			lines[0] != "id,kind,organization.kvk,organization.name,level,branch,users_total,created_at,updated_at,current" {
			t.Errorf("csv:\n%s", r.Stdout)
		}
		s.Run("drafts", "list", "--org", clitest.KVK, "--jq", ".[].id").Expect(t, cmd.ExitOK, "1\n3\n", "")
		// status leaves the drafts out unless asked.
		s.Run("status", "--jq", ".[].id").Expect(t, cmd.ExitOK, "2\n", "")
		s.Run("status", "--state", "draft", "--jq", ".[].id").Expect(t, cmd.ExitOK, "1\n3\n", "")
		s.Run("status", "--all", "--jq", ".[].id").Expect(t, cmd.ExitOK, "1\n2\n3\n", "")
	})
}

func TestDraftsUse(t *testing.T) {
	t.Parallel()
	sandboxes(t, func(t *testing.T, s *clitest.Sandbox) {
		twoDrafts(t, s)
		s.RunWith(clitest.Options{TTY: true}, "drafts", "use", "1").Expect(t, cmd.ExitOK, "",
			"✓ Draft 1 for Test EMZ Dagobert (69599084) at EH3, 1 user, is the current draft\n")
		// The commands after org select work on it.
		s.Run("users", "list", "--jq", ".[].email").Expect(t, cmd.ExitOK, "jan@example.nl\n", "")
		s.Run("drafts", "list", "--jq", ".[] | select(.current) | .id").Expect(t, cmd.ExitOK, "1\n", "")
		s.Run("drafts", "use", "2", "-o", "json").Expect(t, cmd.ExitConflict, "",
			`{"error":{"kind":"conflict","message":"application 2 is submitted, not a draft: follow it with reconi status 2"}}`+"\n")
		s.Run("drafts", "use", "99").Expect(t, cmd.ExitNotFound, "", "error: application 99 not found\n")
		s.Run("drafts", "use").Expect(t, cmd.ExitUsage, "", "error: reconi drafts use wants the draft ID (got 0 arguments)\nRun 'reconi drafts use --help' for usage.\n")
		s.Run("drafts", "list", "--jq", ".[] | select(.current) | .id").Expect(t, cmd.ExitOK, "1\n", "")
	})
}

func TestDraftsDiscard(t *testing.T) {
	t.Parallel()
	sandboxes(t, func(t *testing.T, s *clitest.Sandbox) {
		twoDrafts(t, s)
		s.MustRun("drafts", "use", "1")
		// Without a terminal, --yes is required.
		s.Run("drafts", "discard", "1").Expect(t, cmd.ExitUsage, "",
			"error: --yes is required when reconi cannot ask (no terminal, --no-input or CI); nothing was discarded\nRun 'reconi drafts discard --help' for usage.\n")
		// On a terminal it asks; no keeps it.
		s.RunWith(clitest.Options{TTY: true, Stdin: "n\n"}, "drafts", "discard", "1").Expect(t, cmd.ExitCancelled, "",
			"Discard draft 1 for Test EMZ Dagobert (69599084) at EH3 and its 1 user? [y/N] Nothing was discarded.\n")
		s.Run("drafts", "list", "--jq", ".[].id").Expect(t, cmd.ExitOK, "1\n3\n", "")
		s.RunWith(clitest.Options{TTY: true, Stdin: "y\n"}, "drafts", "discard", "1", "--reason", "wrong level").Expect(t, cmd.ExitOK, "",
			"Discard draft 1 for Test EMZ Dagobert (69599084) at EH3 and its 1 user? [y/N] ✓ Discarded draft 1 for Test EMZ Dagobert (69599084); its history stays: reconi status 1\n")
		s.Run("drafts", "list", "--jq", ".[].id").Expect(t, cmd.ExitOK, "3\n", "")
		// It was the current draft: there is none now.
		s.Run("users", "list").Expect(t, cmd.ExitInvalid, "",
			"error: draft: no draft selected: start one with 'reconi org select KVK --level LEVEL', carry on with one with 'reconi drafts use ID' (reconi drafts list), or name one with --draft ID\n")
		s.Run("status", "1", "--jq", ".state, .users_total, (.history[-1] | [.from, .to, .reason] | @tsv)").Expect(t, cmd.ExitOK,
			"discarded\n0\ndraft\tdiscarded\twrong level (1 user removed)\n", "")
		s.Run("status", "--state", "discarded", "--jq", ".[].id").Expect(t, cmd.ExitOK, "1\n", "")
		// Only a draft; the conflict names the state.
		s.Run("drafts", "discard", "1", "--yes").Expect(t, cmd.ExitConflict, "", "error: draft 1 was already discarded\n")
		s.Run("drafts", "discard", "2", "--yes", "-o", "json").Expect(t, cmd.ExitConflict, "",
			`{"error":{"kind":"conflict","message":"application 2 is submitted, not a draft: only a draft can be discarded; stop its requests with reconi cancel 2"}}`+"\n")
		s.RunWith(clitest.Options{TTY: true, Stdin: "y\n"}, "drafts", "discard", "2").Expect(t, cmd.ExitConflict, "",
			"error: application 2 is submitted, not a draft: only a draft can be discarded; stop its requests with reconi cancel 2\n")
		s.Run("drafts", "discard", "99", "--yes").Expect(t, cmd.ExitNotFound, "", "error: application 99 not found\n")
		// A draft that is not the current one leaves the current one be.
		s.Select("--level", "EH3")
		s.Run("drafts", "discard", "3", "--yes", "-o", "json", "--jq", "[.id, .state, .users_total]").Expect(t, cmd.ExitOK, `[3,"discarded",0]`+"\n", "")
		s.Run("drafts", "list", "--jq", ".[] | [.id, .current] | @tsv").Expect(t, cmd.ExitOK, "4\ttrue\n", "")
		s.Run("users", "add", "--draft", "3", "--first-name", "Piet", "--last-name", "Puk", "--email", "piet@example.nl",
			"--phone", "0687654321", "--employed=true").Expect(t, cmd.ExitConflict, "", "error: draft 3 was discarded and can no longer be changed\n")
	})
}
