package plan_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/internal/cmdtest"
	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// serve points the sandbox at a reconi server over its own database, with
// a manager's token for the example organisation.
func serve(t *testing.T, s *cmdtest.Sandbox) {
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
				yaml := strings.Replace(strings.Replace(manifest, "level: EH3", "level: "+tt.level, 1), "{all_services: true}", tt.perms, 1)
				if tt.branch != "" {
					yaml += "branch: \"" + tt.branch + "\"\n"
				}
				s, file := newSandbox(t, yaml)
				if where == "remote" {
					serve(t, s)
				}
				for _, args := range [][]string{{"plan", "-f", file}, {"apply", "-f", file, "--agree-terms"}} {
					r := s.Run(args...)
					if r.Code != cmd.ExitInvalid && !(args[0] == "plan" && r.Code == 1) || r.Stdout != "" ||
						!strings.Contains(r.Stderr, file+" is not valid:\n  "+file+": "+tt.want) {
						t.Errorf("%s: exit %d, stdout %q, stderr %q, want %q", args[0], r.Code, r.Stdout, r.Stderr, tt.want)
					}
				}
				s.Run("status", "--org", cmdtest.KVK, "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
			})
		}
	}
}
