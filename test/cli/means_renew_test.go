package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/test/cli/clitest"
)

// renewAndApply renews every means of the sandbox's organisation for a
// year and submits the draft, checking what each step prints.
func renewAndApply(t *testing.T, s *clitest.Sandbox) {
	t.Helper()
	before := listJSON(t, s, "--org", clitest.KVK)
	r := s.Run("means", "renew", "--expiring-within", "1200d", "--org", clitest.KVK, "--validity", "1y")
	if r.Code != cmd.ExitOK || !strings.Contains(r.Stdout, "\tjan@example.nl\tJan Jansen\tEH3\tactive\t") ||
		!strings.Contains(r.Stdout, "Renewal of an eHerkenning means EH3, 1 year\t2\t€40.50\t€81.00\n") ||
		!strings.Contains(r.Stdout, "Total\t\t\t€98.01\n") || !strings.Contains(r.Stderr, "reconi apply --draft 2") {
		t.Fatalf("renew: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	// A second renewal of the same means is a conflict, exit 5.
	r = s.Run("means", "renew", "jan@example.nl", "--org", clitest.KVK, "--validity", "3y")
	if r.Code != cmd.ExitConflict || !strings.Contains(r.Stderr, "is being renewed by application 2") ||
		!strings.Contains(r.Stderr, "nothing was renewed (a means is in one open renewal at a time): 1 row has a problem\n  jan@example.nl: means: ") {
		t.Fatalf("twice: exit %d\n%s", r.Code, r.Stderr)
	}
	// The renewal is the current draft: apply shows it and submits it.
	r = s.RunWith(clitest.Options{TTY: true}, "apply", "--agree-terms", "--max-price", "98.01", "--notify-email", "hr@example.nl")
	if r.Code != cmd.ExitOK || !strings.Contains(r.Stdout, "Summary of draft 2: Renewal of issued means") ||
		!strings.Contains(r.Stderr, "Submitted renewal 2: 2 means renewed now, 0 users invited to order again") {
		t.Fatalf("apply: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	after := listJSON(t, s, "--org", clitest.KVK)
	for i := range after {
		if !after[i].ExpiresAt.Equal(before[i].ExpiresAt.AddDate(1, 0, 0)) {
			t.Errorf("%s ends %s, want a year after %s", after[i].Email, after[i].ExpiresAt, before[i].ExpiresAt)
		}
	}
	s.Run("status", "2", "-o", "json", "--jq", "[.kind, .state, (.means | length)]").Expect(t, cmd.ExitOK, `["renewal","completed",2]`+"\n", "")
	s.Run("status", "--all", "--jq", "[.[] | .kind] | join(\",\")").Expect(t, cmd.ExitOK, "new,renewal\n", "")
}

func TestMeansRenew(t *testing.T) {
	t.Parallel()
	renewAndApply(t, issued(t))
}

// The same against a server, with a manager's token.
func TestMeansRenewRemote(t *testing.T) {
	t.Parallel()
	s := issued(t)
	url, tokens := s.Serve(service.NewToken{Name: "ci", Role: "manager", Orgs: []string{clitest.KVK}},
		service.NewToken{Name: "desk", Role: "helpdesk"})
	token, helpdesk := tokens[0], tokens[1]
	s.Setenv("RECONI_SERVER", url)
	s.Setenv("RECONI_TOKEN", helpdesk)
	r := s.Run("means", "renew", "jan@example.nl", "--org", clitest.KVK, "--validity", "1y")
	if r.Code != cmd.ExitUnauthorized {
		t.Fatalf("helpdesk renews: exit %d\n%s", r.Code, r.Stderr)
	}
	s.Setenv("RECONI_TOKEN", token)
	renewAndApply(t, s)
}

// -o json prints the draft with its kind and lines.
func TestMeansRenewJSON(t *testing.T) {
	t.Parallel()
	s := issued(t)
	r := s.MustRun("means", "renew", "kees@example.nl", "--org", clitest.KVK, "--validity", "5y", "-o", "json")
	var a reconi.Application
	if err := json.Unmarshal([]byte(r.Stdout), &a); err != nil {
		t.Fatal(err)
	}
	if a.Kind != reconi.AppKindRenewal || a.State != reconi.AppDraft || len(a.Means) != 1 || a.Means[0].Email != "kees@example.nl" ||
		a.Quote.Lines[0].Rule != reconi.RuleRenewal || a.Quote.Lines[0].UnitCents != 12150 {
		t.Errorf("renewal %+v", a)
	}
	// users add refuses a renewal draft; users remove takes a means off.
	r = s.Run("users", "add", "--first-name", "Piet", "--last-name", "Bakker", "--email", "piet@example.nl", "--phone", "0634567890", "--employed=true")
	if r.Code != cmd.ExitConflict || !strings.Contains(r.Stderr, "renewal") {
		t.Errorf("users add: exit %d %s", r.Code, r.Stderr)
	}
	s.MustRun("users", "remove", "kees@example.nl")
	r = s.Run("apply", "--agree-terms")
	if r.Code != cmd.ExitInvalid || !strings.Contains(r.Stderr, "no users") {
		t.Errorf("apply an empty renewal: exit %d %s", r.Code, r.Stderr)
	}
}
