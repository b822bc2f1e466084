package cli_test

import (
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
	"github.com/reconi/reconi/test/cli/clitest"
)

// server serves a database of its own and returns its URL and a helpdesk
// token.
func server(t *testing.T) (url, token string) {
	t.Helper()
	ctx := reconi.WithActor(context.Background(), reconi.Actor{Name: "server", Role: reconi.RoleLocal})
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := service.New(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	access := service.NewAccess(st, time.Now)
	token, _, err = access.CreateToken(ctx, service.NewToken{Name: "desk", Role: "helpdesk"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(httpapi.New(svc, access, httpapi.Options{}).Handler())
	t.Cleanup(ts.Close)
	return ts.URL, token
}

// auth login creates the profile it names, in a config file that need not
// exist; other commands still refuse a profile nobody created.
func TestAuthLoginCreatesTheProfile(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.CreateDatabase()
	url, token := server(t)
	s.Run("--profile", "ci", "org", "list").Expect(t, cmd.ExitInvalid, "",
		`error: config: profile "ci" is not defined in `+s.ConfigFile()+" (under profiles:); reconi auth login --profile ci creates it\n")

	s.RunWith(clitest.Options{Stdin: "not-a-token\n"}, "auth", "login", "--server", url, "--with-token", "--profile", "ci").
		Expect(t, cmd.ExitUnauthorized, "", "error: invalid token: run reconi auth login\n")
	if _, err := os.Stat(s.ConfigFile()); err == nil {
		t.Fatal("a refused login wrote the config file")
	}

	r := s.RunWith(clitest.Options{Stdin: token + "\n", TTY: true}, "auth", "login", "--server", url, "--with-token", "--profile", "ci")
	if r.Code != cmd.ExitOK || !strings.Contains(r.Stderr, `saved in profile "ci"`) {
		t.Fatalf("login: %d\n%s", r.Code, r.Stderr)
	}
	fi, err := os.Stat(s.ConfigFile())
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("config file: %v, mode %v; want 0600", err, fi.Mode().Perm())
	}
	s.Run("--profile", "ci", "auth", "status", "--jq", "[.profile, .backend, .actor.role] | join(\" \")").
		Expect(t, cmd.ExitOK, "ci server helpdesk\n", "")
	s.RunWith(clitest.Options{Env: map[string]string{"RECONI_PROFILE": "ci"}}, "org", "list", "-o", "json").
		Expect(t, cmd.ExitOK, "[]\n", "")
	// The default profile is untouched: still the local database.
	s.Run("auth", "status", "--jq", ".backend").Expect(t, cmd.ExitOK, "local\n", "")

	s.Run("--profile", "ci", "auth", "logout").Expect(t, cmd.ExitOK, "", "")
	s.Run("--profile", "ci", "org", "list").Expect(t, cmd.ExitUnauthorized, "", "error: no token: run reconi auth login, or pass --token / RECONI_TOKEN\n")
	if b, _ := os.ReadFile(s.ConfigFile()); strings.Contains(string(b), token) {
		t.Errorf("the token is still in the config file after logout:\n%s", b)
	}
}
