package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/test/cli/clitest"
	"github.com/reconi/reconi/test/cli/flowtest"
)

// issuedJan submits Jan (employed, all services for 3 years) and takes him
// through his steps, so that he holds an active means.
func issuedJan(t *testing.T) *clitest.Sandbox {
	t.Helper()
	s := clitest.New(t)
	id := flowtest.Submit(t, s, flowtest.Jan)
	flowtest.Order(t, s, id, flowtest.Jan)
	return s
}

func jansPermissions(t *testing.T, s *clitest.Sandbox) string {
	t.Helper()
	return strings.TrimSpace(s.MustRun("means", "list", "--email", "jan@example.nl", "--jq", "[.[0].permissions[] | .scope + \":\" + .provider] | join(\",\")").Stdout)
}

// grantAndWithdraw grants Jan Kadaster for a year, submits it, and
// withdraws it again, checking what each step prints.
func grantAndWithdraw(t *testing.T, s *clitest.Sandbox) {
	t.Helper()
	r := s.Run("permissions", "grant", "--org", clitest.KVK, "--email", "jan@example.nl", "--provider", "kadaster", "--validity", "1y")
	if r.Code != cmd.ExitOK || !strings.Contains(r.Stdout, "\tjan@example.nl\tJan Jansen\tEH3\tactive\t") ||
		!strings.Contains(r.Stdout, "Extra permission EH3, 1 year\t1\t€15.00\t€15.00\n") || !strings.Contains(r.Stdout, "Total\t\t\t€18.15\n") ||
		!strings.Contains(r.Stderr, "reconi apply --draft 2") {
		t.Fatalf("grant: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if got := jansPermissions(t, s); got != "all_services:" {
		t.Errorf("before apply: %s", got)
	}
	r = s.RunWith(clitest.Options{TTY: true}, "apply", "--agree-terms", "--max-price", "18.15")
	if r.Code != cmd.ExitOK || !strings.Contains(r.Stdout, "Summary of draft 2: Permission change of issued means") ||
		!strings.Contains(r.Stderr, "Submitted permission change 2: 1 means gained all services of Kadaster") {
		t.Fatalf("apply: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if got := jansPermissions(t, s); got != "all_services:,providers:Kadaster" {
		t.Errorf("after apply: %s", got)
	}
	s.Run("status", "2", "-o", "json", "--jq", "[.kind, .state]").Expect(t, cmd.ExitOK, `["change","completed"]`+"\n", "")

	// Withdrawing: without --yes and a terminal, nothing; a dry run,
	// nothing; then at once.
	args := []string{"permissions", "withdraw", "--org", clitest.KVK, "--email", "jan@example.nl", "--provider", "Kadaster", "--reason", "changed role"}
	if r := s.Run(args...); r.Code != cmd.ExitUsage || !strings.Contains(r.Stderr, "--yes is required") {
		t.Fatalf("no --yes: exit %d %s", r.Code, r.Stderr)
	}
	s.Run(append(args, "--dry-run", "-o", "json", "--jq", "[.dry_run, (.withdrawn | length)]")...).Expect(t, cmd.ExitOK, "[true,1]\n", "")
	r = s.Run(append(args, "--yes", "-o", "json")...)
	var res reconi.PermissionWithdrawResult
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil || len(res.Withdrawn) != 1 || res.Withdrawn[0].Provider != "Kadaster" || res.DryRun {
		t.Fatalf("withdraw: %v %s %s", err, r.Stdout, r.Stderr)
	}
	if got := jansPermissions(t, s); got != "all_services:" {
		t.Errorf("after withdraw: %s", got)
	}
	// Again: Jan holds no such permission any more; exit 3 and why.
	r = s.Run(append(args, "--yes")...)
	if r.Code != cmd.ExitInvalid || !strings.Contains(r.Stderr, "  --email jan@example.nl: email: means 1 holds no such permission (it holds: all services)") {
		t.Errorf("again: exit %d %s", r.Code, r.Stderr)
	}
}

func TestPermissionsGrantAndWithdraw(t *testing.T) {
	t.Parallel()
	grantAndWithdraw(t, issuedJan(t))
}

// The same against a server, with a manager's token; helpdesk may neither
// grant nor withdraw.
func TestPermissionsGrantAndWithdrawRemote(t *testing.T) {
	t.Parallel()
	s := issuedJan(t)
	url, tokens := s.Serve(service.NewToken{Name: "ci", Role: "manager", Orgs: []string{clitest.KVK}},
		service.NewToken{Name: "desk", Role: "helpdesk"})
	manager, helpdesk := tokens[0], tokens[1]
	s.Setenv("RECONI_SERVER", url)
	s.Setenv("RECONI_TOKEN", helpdesk)
	for _, args := range [][]string{
		{"permissions", "grant", "--org", clitest.KVK, "--email", "jan@example.nl", "--all-services", "--validity", "1y"},
		{"permissions", "withdraw", "--org", clitest.KVK, "--email", "jan@example.nl", "--all", "--reason", "x", "--yes"},
	} {
		if r := s.Run(args...); r.Code != cmd.ExitUnauthorized {
			t.Errorf("helpdesk %s: exit %d %s", args[1], r.Code, r.Stderr)
		}
	}
	s.Setenv("RECONI_TOKEN", manager)
	grantAndWithdraw(t, s)
}

// Step 9's rules, per user: a service above the means' level is refused.
func TestPermissionsGrantRules(t *testing.T) {
	t.Parallel()
	s := issuedJan(t)
	r := s.Run("permissions", "grant", "--org", clitest.KVK, "--email", "jan@example.nl", "--service", "urn:etoegang:DV:00000001000000000002:services:2", "--validity", "1y")
	if r.Code != cmd.ExitInvalid || !strings.Contains(r.Stderr, "\n  --email jan@example.nl: email: means 1 (EH3): service: UWV Mijn Gegevensdiensten") ||
		!strings.Contains(r.Stderr, "requires EH4: an EH3 means cannot be used there\n") {
		t.Errorf("EH4 service: exit %d %s", r.Code, r.Stderr)
	}
	// Jan holds all services: a grant of RVO would charge for nothing, and says so.
	r = s.Run("permissions", "grant", "--org", clitest.KVK, "--email", "jan@example.nl", "--provider", "RVO", "--validity", "1y")
	if r.Code != cmd.ExitOK || !strings.Contains(r.Stderr, "! jan@example.nl (means 1) already holds all services of RVO until ") ||
		!strings.Contains(r.Stderr, " or later: this grant charges for nothing new there\n") {
		t.Errorf("held already: exit %d %s", r.Code, r.Stderr)
	}
	// A user with no means is named by the --email given, not "line 1".
	r = s.Run("permissions", "grant", "--org", clitest.KVK, "--email", "nobody@example.nl", "--provider", "RVO", "--validity", "1y")
	if r.Code != cmd.ExitInvalid || !strings.Contains(r.Stderr, "\n  --email nobody@example.nl: means: names no means issued for organisation "+clitest.KVK+"\n") {
		t.Errorf("no means: exit %d %s", r.Code, r.Stderr)
	}
}
