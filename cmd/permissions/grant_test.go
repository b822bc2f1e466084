package permissions_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/internal/cmdtest"
	"github.com/reconi/reconi/cmd/internal/flowtest"
	"github.com/reconi/reconi/cmd/permissions"
	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// issuedJan submits Jan (employed, all services for 3 years) and takes him
// through his steps, so that he holds an active means.
func issuedJan(t *testing.T) *cmdtest.Sandbox {
	t.Helper()
	s := cmdtest.New(t)
	id := flowtest.Submit(t, s, flowtest.Jan)
	flowtest.Order(t, s, id, flowtest.Jan)
	return s
}

func jansPermissions(t *testing.T, s *cmdtest.Sandbox) string {
	t.Helper()
	return strings.TrimSpace(s.MustRun("means", "list", "--email", "jan@example.nl", "--jq", "[.[0].permissions[] | .scope + \":\" + .provider] | join(\",\")").Stdout)
}

// grantAndWithdraw grants Jan Kadaster for a year, submits it, and
// withdraws it again, checking what each step prints.
func grantAndWithdraw(t *testing.T, s *cmdtest.Sandbox) {
	t.Helper()
	r := s.Run("permissions", "grant", "--org", cmdtest.KVK, "--email", "jan@example.nl", "--provider", "kadaster", "--validity", "1y")
	if r.Code != cmd.ExitOK || !strings.Contains(r.Stdout, "\tjan@example.nl\tJan Jansen\tEH3\tactive\t") ||
		!strings.Contains(r.Stdout, "Extra permission EH3, 1 year\t1\t€15.00\t€15.00\n") || !strings.Contains(r.Stdout, "Total\t\t\t€18.15\n") ||
		!strings.Contains(r.Stderr, "reconi apply --draft 2") {
		t.Fatalf("grant: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if got := jansPermissions(t, s); got != "all_services:" {
		t.Errorf("before apply: %s", got)
	}
	r = s.RunWith(cmdtest.Options{TTY: true}, "apply", "--agree-terms", "--max-price", "18.15")
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
	args := []string{"permissions", "withdraw", "--org", cmdtest.KVK, "--email", "jan@example.nl", "--provider", "Kadaster", "--reason", "changed role"}
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

func TestGrantAndWithdraw(t *testing.T) {
	t.Parallel()
	grantAndWithdraw(t, issuedJan(t))
}

// The same against a server, with a manager's token; helpdesk may neither
// grant nor withdraw.
func TestGrantAndWithdrawRemote(t *testing.T) {
	t.Parallel()
	s := issuedJan(t)
	ctx := reconi.WithActor(context.Background(), reconi.Actor{Name: "server", Role: reconi.RoleLocal})
	st, err := sqlite.Open(ctx, s.DB)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := service.New(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	access := service.NewAccess(st, time.Now)
	manager, _, err := access.CreateToken(ctx, service.NewToken{Name: "ci", Role: "manager", Orgs: []string{cmdtest.KVK}})
	if err != nil {
		t.Fatal(err)
	}
	helpdesk, _, err := access.CreateToken(ctx, service.NewToken{Name: "desk", Role: "helpdesk"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(httpapi.New(svc, access, httpapi.Options{}).Handler())
	t.Cleanup(ts.Close)
	s.Setenv("RECONI_SERVER", ts.URL)
	s.Setenv("RECONI_TOKEN", helpdesk)
	for _, args := range [][]string{
		{"permissions", "grant", "--org", cmdtest.KVK, "--email", "jan@example.nl", "--all-services", "--validity", "1y"},
		{"permissions", "withdraw", "--org", cmdtest.KVK, "--email", "jan@example.nl", "--all", "--reason", "x", "--yes"},
	} {
		if r := s.Run(args...); r.Code != cmd.ExitUnauthorized {
			t.Errorf("helpdesk %s: exit %d %s", args[1], r.Code, r.Stderr)
		}
	}
	s.Setenv("RECONI_TOKEN", manager)
	grantAndWithdraw(t, s)
}

// Step 9's rules, per user: a service above the means' level is refused.
func TestGrantRules(t *testing.T) {
	t.Parallel()
	s := issuedJan(t)
	r := s.Run("permissions", "grant", "--org", cmdtest.KVK, "--email", "jan@example.nl", "--service", "urn:etoegang:DV:00000001000000000002:services:2", "--validity", "1y")
	if r.Code != cmd.ExitInvalid || !strings.Contains(r.Stderr, "\n  --email jan@example.nl: email: means 1 (EH3): service: UWV Mijn Gegevensdiensten") ||
		!strings.Contains(r.Stderr, "requires EH4: an EH3 means cannot be used there\n") {
		t.Errorf("EH4 service: exit %d %s", r.Code, r.Stderr)
	}
	// Jan holds all services: a grant of RVO would charge for nothing, and says so.
	r = s.Run("permissions", "grant", "--org", cmdtest.KVK, "--email", "jan@example.nl", "--provider", "RVO", "--validity", "1y")
	if r.Code != cmd.ExitOK || !strings.Contains(r.Stderr, "! jan@example.nl (means 1) already holds all services of RVO until ") ||
		!strings.Contains(r.Stderr, " or later: this grant charges for nothing new there\n") {
		t.Errorf("held already: exit %d %s", r.Code, r.Stderr)
	}
	// A user with no means is named by the --email given, not "line 1".
	r = s.Run("permissions", "grant", "--org", cmdtest.KVK, "--email", "nobody@example.nl", "--provider", "RVO", "--validity", "1y")
	if r.Code != cmd.ExitInvalid || !strings.Contains(r.Stderr, "\n  --email nobody@example.nl: means: names no means issued for organisation "+cmdtest.KVK+"\n") {
		t.Errorf("no means: exit %d %s", r.Code, r.Stderr)
	}
}

func TestGrantAndWithdrawFlags(t *testing.T) {
	t.Parallel()
	got := cmdtest.Capture(t, nil, permissions.NewCmdGrant, nil, "--org", "69599084", "--email", "a@example.nl", "--email", "b@example.nl",
		"--provider", "RVO", "--validity", "5y")
	if got.In.KVK != "69599084" || len(got.In.Emails) != 2 || got.In.Providers[0] != "RVO" || got.In.ValidityYears != 5 {
		t.Errorf("grant %+v", got.In)
	}
	w := cmdtest.Capture(t, nil, permissions.NewCmdWithdraw, nil, "--org", "69599084", "--email", "a@example.nl", "--all", "--reason", "x", "--dry-run")
	if !w.In.All || !w.In.DryRun || w.In.Reason != "x" {
		t.Errorf("withdraw %+v", w.In)
	}
	for _, tc := range []struct {
		grant bool
		args  []string
		want  string
	}{
		{true, []string{"--email", "a@example.nl", "--all-services", "--validity", "1y"}, "--org is required"},
		{true, []string{"--org", "69599084", "--all-services", "--validity", "1y"}, "--email is required"},
		{true, []string{"--org", "69599084", "--email", "a@example.nl", "--validity", "1y"}, "--all-services, --provider NAME or --service ID"},
		{true, []string{"--org", "69599084", "--email", "a@example.nl", "--all-services", "--provider", "RVO", "--validity", "1y"}, "not --all-services and --provider together"},
		{true, []string{"--org", "69599084", "--email", "a@example.nl", "--all-services"}, "--validity is required"},
		{false, []string{"--org", "69599084", "--email", "a@example.nl", "--reason", "x", "--yes"}, "one of --provider NAME, --service ID or --all"},
		{false, []string{"--org", "69599084", "--email", "a@example.nl", "--all", "--provider", "RVO", "--reason", "x", "--yes"}, "one of"},
		{false, []string{"--org", "69599084", "--email", "a@example.nl", "--all", "--yes"}, "--reason is required"},
		{false, []string{"--org", "69599084", "--all", "--reason", "x", "--yes"}, "--email is required"},
	} {
		f, _ := cmdtest.FlagFactory(t, nil)
		c := permissions.NewCmdGrant(f, func(context.Context, *permissions.GrantOptions) error { return nil })
		if !tc.grant {
			c = permissions.NewCmdWithdraw(f, func(context.Context, *permissions.WithdrawOptions) error { return nil })
		}
		if err := cmdtest.Exec(c, tc.args...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want %q", tc.args, err, tc.want)
		}
	}
}
