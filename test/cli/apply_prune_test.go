package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/apply"
	"github.com/reconi/reconi/internal/manifest"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/clitest"
	"github.com/reconi/reconi/test/cli/flowtest"
)

// TestApplyPrune: leavers of the HR export are reported by plan, kept by
// apply without --prune, refused above the limit, and withdrawn with it.
func TestApplyPrune(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	kees := flowtest.Person{First: "Kees", Last: "Bakker", Email: "kees@example.nl", Phone: "06 11223344", Employed: true}
	anna := flowtest.Person{First: "Anna", Last: "Smit", Email: "anna@example.nl", Phone: "06 55667788", Employed: true}
	flowtest.E164[kees.Phone], flowtest.E164[anna.Phone] = "+31611223344", "+31655667788"
	id := flowtest.Submit(t, s, flowtest.Jan, kees, anna)
	for _, p := range []flowtest.Person{flowtest.Jan, kees, anna} {
		flowtest.Order(t, s, id, p)
	}
	// The HR export still has Jan and Anna: Kees left.
	file := s.WriteFile("hr.yaml", `organization: "`+clitest.KVK+`"
level: EH3
users:
  - {first_name: Jan, last_name: Jansen, email: jan@example.nl, phone: "06 12345678", employed: true}
  - {first_name: Anna, last_name: Smit, email: anna@example.nl, phone: "06 55667788", employed: true}
permissions: {all_services: true}
validity: 3y
`)
	r := s.Run("plan", "-f", file)
	if r.Code != 0 || !strings.Contains(r.Stdout, "withdraw\tkees@example.nl") || !strings.Contains(r.Stderr, "; 1 leaver holds an active means the manifest does not name (--prune withdraws it)") {
		t.Fatalf("plan without --prune: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	// A leaver's row says what the means says: no phone, employed or source
	// it would only make up.
	s.Run("plan", "-f", file, "-o", "json", "--jq", `.users[] | select(.action == "withdraw") | [.email, has("phone"), has("employed"), has("source"), .means_id > 0]`).
		Expect(t, 0, `["kees@example.nl",false,false,false,true]`+"\n", "No changes: 0 to add, 2 already present (of 2 users); 1 leaver holds an active means the manifest does not name (--prune withdraws it)\n")
	s.Run("plan", "-f", file, "-o", "json", "--jq", `[.users[] | select(.action != "withdraw") | .employed]`).Expect(t, 0, "[true,true]\n", "No changes: 0 to add, 2 already present (of 2 users); 1 leaver holds an active means the manifest does not name (--prune withdraws it)\n")
	r = s.Run("plan", "-f", file, "--prune")
	if r.Code != 2 || !strings.Contains(r.Stderr, "--prune --agree-terms") {
		t.Fatalf("plan --prune: exit %d\n%s", r.Code, r.Stderr)
	}
	s.MustRun("apply", "-f", file, "--agree-terms")
	if n := len(activeMeans(t, s)); n != 3 {
		t.Fatalf("%d active means after apply without --prune, want 3", n)
	}
	r = s.MustRun("apply", "-f", file, "--agree-terms", "--prune", "-o", "json")
	var res apply.FileResult
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil {
		t.Fatal(err)
	}
	if res.Withdrawn == nil || len(res.Withdrawn.Withdrawn) != 1 || res.Withdrawn.Withdrawn[0].Email != "kees@example.nl" ||
		res.Application != nil || res.Plan.Withdraw != 1 || res.Plan.Users[2].Action != manifest.ActionWithdraw {
		t.Fatalf("apply --prune: %s", r.Stdout)
	}
	if n := len(activeMeans(t, s)); n != 2 {
		t.Fatalf("%d active means after --prune, want 2", n)
	}
	r = s.MustRun("means", "show", "kees@example.nl", "-o", "json", "--jq", ".[0].withdraw_reason")
	if strings.TrimSpace(r.Stdout) != "not in "+file {
		t.Errorf("reason %q", r.Stdout)
	}
	// A rerun changes nothing.
	r = s.MustRun("apply", "-f", file, "--agree-terms", "--prune")
	if !strings.Contains(r.Stderr, "Nothing to do") {
		t.Errorf("rerun: %s", r.Stderr)
	}

	// An export that lost everyone: refused above the limit.
	lost := s.WriteFile("lost.yaml", `organization: "`+clitest.KVK+`"
level: EH3
users:
  - {first_name: Someone, last_name: Else, email: someone@example.nl, phone: "06 12345678", employed: true}
permissions: {all_services: true}
validity: 3y
`)
	r = s.Run("apply", "-f", lost, "--agree-terms", "--prune")
	if r.Code != cmd.ExitInvalid || !strings.Contains(r.Stderr, "withdraw 2 of the 2 active means") || !strings.Contains(r.Stderr, "--prune-limit PERCENT allows more") {
		t.Fatalf("above the limit: exit %d\n%s", r.Code, r.Stderr)
	}
	if n := len(activeMeans(t, s)); n != 2 {
		t.Fatalf("%d active means after a refused prune, want 2", n)
	}
	r = s.Run("apply", "--prune", "--agree-terms")
	if r.Code != cmd.ExitUsage || !strings.Contains(r.Stderr, "work with -f FILE") {
		t.Errorf("--prune without -f: exit %d, %s", r.Code, r.Stderr)
	}
}

func activeMeans(t *testing.T, s *clitest.Sandbox) []reconi.Means {
	t.Helper()
	r := s.MustRun("means", "list", "--state", "active", "-o", "json")
	var ms []reconi.Means
	if err := json.Unmarshal([]byte(r.Stdout), &ms); err != nil {
		t.Fatal(err)
	}
	return ms
}
