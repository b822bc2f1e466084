package permissions_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/internal/cmdtest"
	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// remote points the sandbox at a reconi server over its own database, with
// a manager's token for the example organisation.
func remote(t *testing.T, s *cmdtest.Sandbox) {
	t.Helper()
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
	token, _, err := access.CreateToken(ctx, service.NewToken{Name: "ci", Role: "manager", Orgs: []string{cmdtest.KVK}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(httpapi.New(svc, access, httpapi.Options{}).Handler())
	t.Cleanup(ts.Close)
	s.Setenv("RECONI_SERVER", ts.URL)
	s.Setenv("RECONI_TOKEN", token)
}

// Permissions the users could not use are refused against a server as
// embedded: the same message, the same hint, the same exit code, and
// nothing set.
func TestSetRefusedRemote(t *testing.T) {
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
			s := newDraft(t, tt.level, tt.branch)
			remote(t, s)
			args := append([]string{"permissions", "set", "--draft", "1", "--validity", "1y"}, tt.args...)
			s.Run(args...).Expect(t, cmd.ExitInvalid, "", tt.stderr)
			s.Run("status", "1", "--jq", "[.permissions, .validity_years]").Expect(t, cmd.ExitOK, "[null,0]\n", "")
		})
	}
	// What the draft's users can use is set, with the services' UUIDs.
	s := newDraft(t, "EH2+", false)
	remote(t, s)
	s.Run("permissions", "set", "--draft", "1", "--service", rvoSvc, "--validity", "1y", "--jq", ".permissions.service_uuids").
		Expect(t, cmd.ExitOK, `["fcff33b9-3892-5b34-95b2-3433958720bc"]`+"\n", "")
}
