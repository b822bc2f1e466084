package cli_test

import (
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

// A manifest asking for permissions its users could not use is refused by
// plan -f and apply -f, embedded and against a server, naming the place in
// the manifest; nothing is written.
func TestPlanRefusesUnusablePermissions(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, level, branch, perms, want string
	}{
		{"provider above the level", "EH2+", "", "{providers: [RVO, Belastingdienst]}",
			`permissions.providers[1]: none of Belastingdienst's services can be used with an EH2+ means: the lowest level they need is EH3`},
		{"provider refusing branch users", "EH3", "000037178598", "{providers: [UWV]}",
			`permissions.providers[0]: none of UWV's services an EH3 means can use accepts users bound to a branch, and this draft is restricted to branch 000037178598`},
		{"service refusing branch users", "EH3", "000037178598", `{services: ["urn:etoegang:DV:00000001000000000001:services:1"]}`,
			`permissions.services[0]: Belastingdienst Mijn Belastingdienst Zakelijk (urn:etoegang:DV:00000001000000000001:services:1) does not accept users bound to a branch`},
	} {
		for _, where := range []string{"embedded", "remote"} {
			t.Run(tt.name+" "+where, func(t *testing.T) {
				t.Parallel()
				yaml := strings.Replace(strings.Replace(planManifest, "level: EH3", "level: "+tt.level, 1), "{all_services: true}", tt.perms, 1)
				if tt.branch != "" {
					yaml += "branch: \"" + tt.branch + "\"\n"
				}
				s, file := newSandbox(t, yaml)
				if where == "remote" {
					s.UseServer()
				}
				for _, args := range [][]string{{"plan", "-f", file}, {"apply", "-f", file, "--agree-terms"}} {
					r := s.Run(args...)
					if r.Code != cmd.ExitInvalid && !(args[0] == "plan" && r.Code == 1) || r.Stdout != "" ||
						!strings.Contains(r.Stderr, file+" is not valid:\n  "+file+":6: "+tt.want) {
						t.Errorf("%s: exit %d, stdout %q, stderr %q, want %q", args[0], r.Code, r.Stdout, r.Stderr, tt.want)
					}
				}
				s.Run("status", "--org", clitest.KVK, "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
			})
		}
	}
}
