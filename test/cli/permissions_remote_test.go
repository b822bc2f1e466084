package cli_test

import (
	"testing"

	"github.com/reconi/reconi/cmd"
)

// Permissions the users could not use are refused against a server as
// embedded: the same message, the same hint, the same exit code, and
// nothing set.
func TestPermissionsSetRefusedRemote(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		level  string
		branch bool
		args   []string
		stderr string
	}{
		{"Belastingdienst above the level", "EH2+", false, []string{"--provider", "Belastingdienst"},
			"error: provider: none of Belastingdienst's services can be used with an EH2+ means: the lowest level they need is EH3; start a draft at EH3 to grant Belastingdienst (see reconi services list --provider 'Belastingdienst')\n"},
		{"UWV on a branch", "EH3", true, []string{"--provider", "UWV"},
			"error: provider: none of UWV's services an EH3 means can use accepts users bound to a branch, and this draft is restricted to branch 000037178598; start a draft without --branch to grant UWV\n"},
		{"Belastingdienst service on a branch", "EH3", true, []string{"--service", belastingSvc},
			"error: service: Belastingdienst Mijn Belastingdienst Zakelijk (urn:etoegang:DV:00000001000000000001:services:1) does not accept users bound to a branch, and this draft is restricted to branch 000037178598; start a draft without --branch to grant it\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := permissionsNewDraft(t, tt.level, tt.branch)
			s.UseServer()
			args := append([]string{"permissions", "set", "--draft", "1", "--validity", "1y"}, tt.args...)
			s.Run(args...).Expect(t, cmd.ExitInvalid, "", tt.stderr)
			s.Run("status", "1", "--jq", "[.permissions, .validity_years]").Expect(t, cmd.ExitOK, "[null,0]\n", "")
		})
	}
	// What the draft's users can use is set, with the services' UUIDs.
	s := permissionsNewDraft(t, "EH2+", false)
	s.UseServer()
	s.Run("permissions", "set", "--draft", "1", "--service", rvoSvc, "--validity", "1y", "--jq", ".permissions.service_uuids").
		Expect(t, cmd.ExitOK, `["fcff33b9-3892-5b34-95b2-3433958720bc"]`+"\n", "")
}
