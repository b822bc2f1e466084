package cli_test

import (
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

// On a terminal permissions set asks, in the web wizard's order, for what
// is missing: directly? all services? else providers or services, picked
// from the catalogue; and the validity.
func TestPermissionsSetAsks(t *testing.T) {
	t.Parallel()
	const jq = "[.permissions.direct, .permissions.scope, .permissions.providers, .permissions.services, .validity_years]"
	tests := []struct {
		name   string
		level  string
		args   []string
		stdin  string
		want   string
		stderr []string
	}{
		{name: "all services", level: "EH2+", stdin: "y\ny\n2\n", want: `[true,"all_services",null,null,3]`,
			stderr: []string{"Add permissions directly?", "All services of all providers", "Validity of the permissions", "2. 3 years"}},
		{name: "the defaults", level: "EH2+", stdin: "\n\n\n", want: `[true,"all_services",null,null,3]`},
		// The catalogue's providers in order: Belastingdienst, Douane,
		// Kadaster, RVO, UWV. Nothing chosen is asked again.
		{name: "providers", level: "EH3", stdin: "y\nn\n1\n0\n4\n3\n0\n1\n", want: `[true,"providers",["Kadaster","RVO"],null,1]`,
			stderr: []string{"Which permissions then?", "Providers (all their services, future ones included)", "choose at least one provider\n"}},
		// At EH2+ only RVO has a service an EH2+ means can use: the other
		// providers are not offered (they would be refused).
		{name: "providers at EH2+", level: "EH2+", stdin: "y\nn\n1\n1\n0\n1\n", want: `[true,"providers",["RVO"],null,1]`,
			stderr: []string{"1.   RVO\n", "1. ✓ RVO\n"}},
		// At EH2+ only Mijn RVO is on offer.
		{name: "services", level: "EH2+", stdin: "y\nn\n2\n1\n0\n3\n", want: `[true,"services",null,["` + rvoSvc + `"],5]`,
			stderr: []string{"1.   RVO: Mijn RVO (EH2+)\n", "1. ✓ RVO: Mijn RVO (EH2+)\n"}},
		{name: "not directly", level: "EH3", stdin: "n\n1\n", want: `[false,"none",null,null,1]`,
			stderr: []string{"! no permissions are added: the users cannot log in anywhere until permissions are granted to them\n"}},
		{name: "validity only", level: "EH3", args: []string{"--provider", "RVO"}, stdin: "3\n", want: `[true,"providers",["RVO"],null,5]`},
		{name: "scope only, --direct given", level: "EH3", args: []string{"--direct", "--validity", "1y"}, stdin: "y\n", want: `[true,"all_services",null,null,1]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := permissionsNewDraft(t, tt.level, false)
			r := s.RunWith(clitest.Options{TTY: true, Stdin: tt.stdin}, append([]string{"permissions", "set", "--jq", jq}, tt.args...)...)
			if r.Code != cmd.ExitOK || r.Stdout != tt.want+"\n" {
				t.Fatalf("exit %d, stdout %q, want %q; stderr:\n%s", r.Code, r.Stdout, tt.want, r.Stderr)
			}
			for _, want := range tt.stderr {
				if !strings.Contains(r.Stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, r.Stderr)
				}
			}
			if strings.Contains(tt.name, "only") && strings.Contains(r.Stderr, "Add permissions directly?") {
				t.Errorf("asked whether to add directly:\n%s", r.Stderr)
			}
		})
	}
}

// Without someone to answer, the missing flags are usage errors, as before.
func TestPermissionsSetDoesNotAsk(t *testing.T) {
	t.Parallel()
	s := permissionsNewDraft(t, "EH3", false)
	const noValidity = "error: --validity is required: 1y, 3y or 5y\nRun 'reconi permissions set --help' for usage.\n"
	const noScope = "error: choose what the users may use: --all-services, --provider NAME or --service ID (or --direct=false for nothing yet)\n" +
		"Run 'reconi permissions set --help' for usage.\n"
	s.RunWith(clitest.Options{Stdin: "y\n"}, "permissions", "set", "--all-services").Expect(t, cmd.ExitUsage, "", noValidity)
	s.RunWith(clitest.Options{TTY: true, Stdin: "y\n"}, "permissions", "set", "--all-services", "--no-input").Expect(t, cmd.ExitUsage, "", noValidity)
	s.RunWith(clitest.Options{Stdin: "y\n"}, "permissions", "set", "--validity", "1y").Expect(t, cmd.ExitUsage, "", noScope)
	s.RunWith(clitest.Options{TTY: true, Stdin: "y\n", Env: map[string]string{"CI": "true"}}, "permissions", "set", "--validity", "1y").Expect(t, cmd.ExitUsage, "", noScope)
	// Conflicting flags are not asked about either.
	s.RunWith(clitest.Options{TTY: true, Stdin: "y\n"}, "permissions", "set", "--all-services", "--provider", "RVO").Expect(t, cmd.ExitUsage, "",
		"error: choose one of --all-services, --provider or --service, not --all-services and --provider together\nRun 'reconi permissions set --help' for usage.\n")
	// The end of the input is a cancel.
	r := s.RunWith(clitest.Options{TTY: true, Stdin: "y\nn\n1\n"}, "permissions", "set", "--validity", "1y")
	if r.Code != cmd.ExitCancelled {
		t.Errorf("exit %d, stderr:\n%s", r.Code, r.Stderr)
	}
	s.Run("status", "1", "--jq", ".permissions").Expect(t, cmd.ExitOK, "null\n", "")
}
