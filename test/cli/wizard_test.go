package cli_test

import (
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

// answers joins the answers to the wizard's questions, one a line.
func answers(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

func TestWizard(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Register()
	csv := s.WriteFile("more.csv", "first_name,last_name,email,phone,employed\nSanne,de Vries,sanne@example.nl,06 23456789,nee\nPiet,Puk,piet@example.nl,06 87654321,ja\n")
	r := s.RunWith(clitest.Options{TTY: true, Stdin: answers(
		"1", // organisation: the only one
		"3", // level EH3
		"n", // no branch
		"3", // done, with no users yet: refused
		"1", // add a user
		"Jan", "Jansen", "jan@example", "jan@example.nl", "06 12345678", "", "y",
		"1", // add the same user again: refused, go on
		"Jan", "Jansen", "jan@example.nl", "06 12345678", "", "y",
		"2", csv, // import a file
		"3",           // done
		"y", "y", "1", // permissions directly, all services, 1 year
		"y", // agree
	)}, "wizard")
	if r.Code != cmd.ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	for _, want := range []string{
		"Step 3-6: organisation, level and branch\n",
		"✓ Started draft 1 for Test EMZ Dagobert (69599084) at EH3\n",
		"Step 7: users\n",
		"! add at least one user first\n",
		"email: \"jan@example\" has no valid domain: want an address like jan@example.nl\n",
		"✓ Added jan@example.nl\n",
		"X jan@example.nl is already a user of draft 1\n",
		"✓ Added 2 users from " + csv + "\n",
		"Step 9: permissions and validity\n",
		"Step 10: summary and conditions\n",
		"✓ Submitted application 1: 3 users invited; follow it with reconi status 1\n",
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.Stderr)
		}
	}
	if !strings.HasPrefix(r.Stdout, "Summary of draft 1\n") {
		t.Errorf("stdout:\n%s", r.Stdout)
	}
	s.Run("status", "--jq", ".[] | [.id, .level, .state, .users_total] | @tsv").Expect(t, cmd.ExitOK, "1\tEH3\tsubmitted\t3\n", "")
	s.Run("status", "1", "--jq", ".permissions.scope, .validity_years").Expect(t, cmd.ExitOK, "all_services\n1\n", "")
}

func TestWizardNeedsATerminal(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Register()
	const refused = "error: reconi wizard asks its questions on a terminal; without one (or with --no-input, or CI=true) use org select, users add or import, permissions set and apply, or apply -f FILE\n" +
		"Run 'reconi wizard --help' for usage.\n"
	s.RunWith(clitest.Options{Stdin: "1\n"}, "wizard").Expect(t, cmd.ExitUsage, "", refused)
	s.RunWith(clitest.Options{TTY: true, Stdin: "1\n"}, "wizard", "--no-input").Expect(t, cmd.ExitUsage, "", refused)
	s.RunWith(clitest.Options{TTY: true, Stdin: "1\n", Env: map[string]string{"CI": "true"}}, "wizard").Expect(t, cmd.ExitUsage, "", refused)
	s.Run("status", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
}

// The end of the input (Ctrl-D) stops the wizard where it is; the draft it
// started stays the current draft, for the other commands to carry on.
func TestWizardEndOfInput(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Register()
	r := s.RunWith(clitest.Options{TTY: true, Stdin: answers("1", "2", "n", "1", "Jan", "Jansen")}, "wizard")
	if r.Code != cmd.ExitCancelled || r.Stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	s.Run("status", "--all", "--jq", ".[] | [.id, .level, .state, .users_total] | @tsv").Expect(t, cmd.ExitOK, "1\tEH2+\tdraft\t0\n", "")
	s.MustRun("users", "add", "--first-name", "Jan", "--last-name", "Jansen", "--email", "jan@example.nl", "--phone", "0612345678", "--employed")
	s.Run("users", "list", "--jq", ".[].application_id").Expect(t, cmd.ExitOK, "1\n", "")
}

// Answering no to the conditions submits nothing.
func TestWizardDecline(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Register()
	r := s.RunWith(clitest.Options{TTY: true, Stdin: answers("1", "1", "y", "1",
		"1", "Jan", "Jansen", "jan@example.nl", "06 12345678", "1985-04-12", "n",
		"3", "n", "1", "n")}, "wizard")
	if r.Code != cmd.ExitCancelled || !strings.HasSuffix(r.Stderr, "Nothing was submitted. Draft 1 is kept: resume it with 'reconi apply --draft 1' (or 'reconi drafts use 1', then the wizard or apply), or discard it with 'reconi drafts discard 1'.\n") {
		t.Fatalf("exit %d\nstderr:\n%s", r.Code, r.Stderr)
	}
	// The branch, the user's details and no permissions were all taken.
	s.Run("status", "1", "--jq", "[.level, .branch, .state, .permissions.scope, .validity_years, (.users[] | [.email, .date_of_birth, .employed])]").
		Expect(t, cmd.ExitOK, `["EH2","000037178598","draft","none",1,["jan@example.nl","1985-04-12",false]]`+"\n", "")
	if !strings.Contains(r.Stderr, "! restricting users to a branch is not advised") || !strings.Contains(r.Stderr, "! no permissions are added") {
		t.Errorf("warnings missing:\n%s", r.Stderr)
	}
}

// The wizard offers to resume the current draft: yes goes on at step 7
// with its users and offers to keep its permissions.
func TestWizardResume(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Register()
	s.Select("--level", "EH2+")
	s.MustRun("users", "add", "--first-name", "Jan", "--last-name", "Jansen", "--email", "jan@example.nl",
		"--phone", "0612345678", "--employed=true")
	s.MustRun("permissions", "set", "--provider", "RVO", "--validity", "3y")
	r := s.RunWith(clitest.Options{TTY: true, Stdin: answers(
		"y", // resume draft 1
		"3", // done with the one user
		"y", // keep the permissions
		"y", // agree
	)}, "wizard")
	if r.Code != cmd.ExitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	for _, want := range []string{
		"Resume the current draft 1 for Test EMZ Dagobert (69599084) at EH2+, with 1 user?",
		"✓ Resuming draft 1\n",
		"Keep the permissions set before (all services of RVO, 3 years)?",
		"✓ Submitted application 1: 1 user invited; follow it with reconi status 1\n",
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.Stderr)
		}
	}
	if strings.Contains(r.Stderr, "Step 3-6") {
		t.Errorf("a resumed draft was asked for its organisation again:\n%s", r.Stderr)
	}
	s.Run("status", "--jq", ".[] | [.id, .level, .state, .users_total] | @tsv").Expect(t, cmd.ExitOK, "1\tEH2+\tsubmitted\t1\n", "")
	s.Run("status", "1", "--jq", ".permissions.providers[0], .validity_years").Expect(t, cmd.ExitOK, "RVO\n3\n", "")

	// A submitted draft is not offered again: the wizard starts anew.
	r = s.RunWith(clitest.Options{TTY: true, Stdin: answers("1", "3", "n")}, "wizard")
	if strings.Contains(r.Stderr, "Resume") || !strings.Contains(r.Stderr, "✓ Started draft 2") {
		t.Errorf("after submitting, stderr:\n%s", r.Stderr)
	}
}

// No to resuming starts a new draft, which becomes the current one.
func TestWizardResumeDeclined(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Register()
	s.Select("--level", "EH3")
	r := s.RunWith(clitest.Options{TTY: true, Stdin: answers("n", "1", "2", "n")}, "wizard")
	if !strings.Contains(r.Stderr, "Resume the current draft 1") || !strings.Contains(r.Stderr, "✓ Started draft 2 for Test EMZ Dagobert (69599084) at EH2+") {
		t.Errorf("stderr:\n%s", r.Stderr)
	}
	s.Run("drafts", "list", "--jq", ".[] | [.id, .current] | @tsv").Expect(t, cmd.ExitOK, "1\tfalse\n2\ttrue\n", "")
}
