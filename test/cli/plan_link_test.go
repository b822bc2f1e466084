package cli_test

import (
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
	"github.com/reconi/reconi/test/cli/flowtest"
)

// One person, one means: Jan holds a means for the example organisation;
// another organisation's manifest names him, and plan shows him as link,
// apply links his means, and means list and status show it.
func TestPlanLink(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	id := flowtest.Submit(t, s, flowtest.Jan)
	flowtest.Order(t, s, id, flowtest.Jan)
	s.MustRun("org", "register", "--kvk", "68750110", "--name", "Other B.V.")
	file := s.WriteFile("other.yaml", strings.Replace(planManifest, `organization: "69599084"`, `organization: "68750110"`, 1))

	r := s.Run("plan", "-f", file)
	if r.Code != 2 || !strings.Contains(r.Stdout, "link\tjan@example.nl\tJan Jansen\tlinks means 1, held for Test EMZ Dagobert (69599084)\n") ||
		!strings.Contains(r.Stdout, "new\tsanne@example.nl\tSanne de Vries\t\n") ||
		!strings.Contains(r.Stdout, "Link a means the user already holds to the organisation, EH3\t1\t€15.00\t€15.00\n") ||
		!strings.Contains(r.Stderr, "2 to add (1 by linking the means they hold)") {
		t.Fatalf("plan: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	s.Run("plan", "-f", file, "--jq", "[.new, .link, (.users[] | .action)]").Expect(t, 2, `[2,1,"link","new"]`+"\n",
		"Changes to apply: 2 to add (1 by linking the means they hold), 0 already present (of 2 users); apply them with: reconi apply -f "+file+" --agree-terms\n")

	r = s.Run("apply", "-f", file, "--agree-terms", "--jq", "[.application.id, (.application.users | map(.state)), (.application.links | map(.means_id))]")
	if r.Code != cmd.ExitOK || r.Stdout != `[2,["issued","invited"],[1]]`+"\n" {
		t.Fatalf("apply: exit %d\n%s\n%s", r.Code, r.Stdout, r.Stderr)
	}
	r = s.MustRun("means", "list", "--org", "68750110")
	if !strings.Contains(r.Stdout, "\tjan@example.nl\tJan Jansen\tOther B.V. (68750110)\tEH3\tactive (link to 1)\t") {
		t.Errorf("means list:\n%s", r.Stdout)
	}
	s.Run("means", "list", "--org", "68750110", "--jq", ".[0].linked_to").Expect(t, cmd.ExitOK, "1\n", "")
	r = s.MustRun("status", "2")
	if !strings.Contains(r.Stdout, "Linked:\t1 already holds a means, linked instead of bought: jan@example.nl (means 1 of Test EMZ Dagobert, EH3)\n") {
		t.Errorf("status:\n%s", r.Stdout)
	}
}
