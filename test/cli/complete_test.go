package cli_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/test/cli/clitest"
	"github.com/reconi/reconi/test/cli/flowtest"
)

// complete runs cobra's hidden __complete as the shell does and returns the
// suggestions and the directive line.
func complete(t *testing.T, s *clitest.Sandbox, o clitest.Options, args ...string) (lines []string, stderr string) {
	t.Helper()
	r := s.RunWith(o, append([]string{"__complete"}, args...)...)
	if r.Code != 0 {
		t.Fatalf("__complete %s: exit %d\n%s", strings.Join(args, " "), r.Code, r.Stderr)
	}
	return strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n"), r.Stderr
}

// directive is what cobra prints on stderr after the suggestions; shells
// throw stderr away. Anything else there is text a user would see.
const (
	noFiles      = ":4"
	failedSilent = ":5"
)

func TestCompletionFromTheBackend(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	app := flowtest.Submit(t, s)        // 1: Jan and Piet, submitted
	draft := s.Select("--level", "EH3") // 2: the current draft
	s.MustRun("users", "add", "--first-name", "Anna", "--last-name", "de Vries", "--email", "anna@example.nl", "--phone", "0623456789", "--employed=true")
	if app != 1 || draft != 2 {
		t.Fatalf("applications %d and %d", app, draft)
	}

	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"org", "select", ""}, []string{"69599084\tTest EMZ Dagobert", noFiles}},
		{[]string{"org", "select", "6959"}, []string{"69599084\tTest EMZ Dagobert", noFiles}},
		{[]string{"org", "select", "1"}, []string{noFiles}},
		{[]string{"org", "select", "69599084", ""}, []string{noFiles}},
		{[]string{"means", "list", "--org", ""}, []string{"69599084\tTest EMZ Dagobert", noFiles}},
		{[]string{"status", ""}, []string{"1\tTest EMZ Dagobert, EH3, submitted, 2 users", "2\tTest EMZ Dagobert, EH3, draft, 1 user", noFiles}},
		{[]string{"status", "2"}, []string{"2\tTest EMZ Dagobert, EH3, draft, 1 user", noFiles}},
		{[]string{"status", "3"}, []string{noFiles}},
		{[]string{"cancel", ""}, []string{"1\tTest EMZ Dagobert, EH3, submitted, 2 users", "2\tTest EMZ Dagobert, EH3, draft, 1 user", noFiles}},
		{[]string{"users", "add", "--draft", ""}, []string{"2\tTest EMZ Dagobert, EH3, draft, 1 user", noFiles}},
		{[]string{"drafts", "use", ""}, []string{"2\tTest EMZ Dagobert, EH3, draft, 1 user", noFiles}},
		{[]string{"drafts", "discard", ""}, []string{"2\tTest EMZ Dagobert, EH3, draft, 1 user", noFiles}},
		{[]string{"outbox", "list", "--app", "1"}, []string{"1\tTest EMZ Dagobert, EH3, submitted, 2 users", noFiles}},
		{[]string{"invite", "resend", "1", "--email", ""}, []string{"jan@example.nl\tJan Jansen, invited", "piet@example.nl\tPiet Puk, invited", noFiles}},
		{[]string{"users", "update", "1", "--email", "P"}, []string{"piet@example.nl\tPiet Puk, invited", noFiles}},
		{[]string{"cancel", "1", "--email", "j"}, []string{"jan@example.nl\tJan Jansen, invited", noFiles}},
		{[]string{"users", "remove", ""}, []string{"anna@example.nl\tAnna de Vries, draft", noFiles}},
		{[]string{"users", "remove", "--draft", "1", ""}, []string{"jan@example.nl\tJan Jansen, invited", "piet@example.nl\tPiet Puk, invited", noFiles}},
		{[]string{"permissions", "set", "--service", "urn:etoegang:DV:00000001000000000005"}, []string{"urn:etoegang:DV:00000001000000000005:services:1\tRVO: Mijn RVO (EH2+)", noFiles}},
	} {
		got, stderr := complete(t, s, clitest.Options{}, tc.args...)
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("__complete %q:\n%s\nwant:\n%s", tc.args, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
		if !strings.HasPrefix(stderr, "Completion ended with directive:") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("__complete %q wrote to stderr: %q", tc.args, stderr)
		}
	}
	// The same through a server, for what the token may see.
	url, tok := s.Serve(service.NewToken{Name: "beheer", Role: "manager", Orgs: []string{clitest.KVK}},
		service.NewToken{Name: "other", Role: "manager", Orgs: []string{"68750110"}})
	remote, other := clitest.Remote(url, tok[0]), clitest.Remote(url, tok[1])
	for _, tc := range []struct {
		o    clitest.Options
		args []string
		want []string
	}{
		{remote, []string{"status", "1"}, []string{"1\tTest EMZ Dagobert, EH3, submitted, 2 users", noFiles}},
		{remote, []string{"invite", "resend", "1", "--email", "pi"}, []string{"piet@example.nl\tPiet Puk, invited", noFiles}},
		{remote, []string{"org", "show", ""}, []string{"69599084\tTest EMZ Dagobert", noFiles}},
		{other, []string{"status", ""}, []string{noFiles}},
		{other, []string{"invite", "resend", "1", "--email", ""}, []string{failedSilent}},
	} {
		got, stderr := complete(t, s, tc.o, tc.args...)
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("remote __complete %q:\n%s\nwant:\n%s", tc.args, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
		if strings.Count(stderr, "\n") != 1 {
			t.Errorf("remote __complete %q wrote to stderr: %q", tc.args, stderr)
		}
	}

	got, _ := complete(t, s, clitest.Options{}, "permissions", "set", "--provider", "")
	if len(got) < 3 || got[len(got)-1] != noFiles || !strings.Contains(strings.Join(got, "\n"), "Belastingdienst") {
		t.Errorf("providers: %q", got)
	}
}

// A backend that cannot be reached, a database that is missing or is not
// one: no suggestions, no text, no new database file, and no wait.
func TestCompletionSilentOnError(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	garbage := s.WriteFile("garbage.db", strings.Repeat("not a database\n", 100))
	missing := filepath.Join(s.Dir, "nowhere", "reconi.db")
	for name, env := range map[string]map[string]string{
		"server down":      {"RECONI_SERVER": "http://127.0.0.1:1", "RECONI_TOKEN": "rci_x"},
		"missing database": {"RECONI_DB": missing},
		"not a database":   {"RECONI_DB": garbage},
		"bad config":       {"RECONI_PROFILE": "nope"},
	} {
		for _, args := range [][]string{{"status", ""}, {"org", "select", ""}, {"users", "remove", "--draft", "1", ""}, {"invite", "resend", "1", "--email", ""}} {
			start := time.Now()
			got, stderr := complete(t, s, clitest.Options{Env: env}, args...)
			if len(got) != 1 || got[0] != failedSilent {
				t.Errorf("%s: __complete %q = %q, want only %s", name, args, got, failedSilent)
			}
			if stderr != "Completion ended with directive: ShellCompDirectiveError, ShellCompDirectiveNoFileComp\n" {
				t.Errorf("%s: __complete %q wrote to stderr: %q", name, args, stderr)
			}
			if d := time.Since(start); d > 3*time.Second {
				t.Errorf("%s: __complete %q took %s", name, args, d)
			}
		}
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("completion created the database %s", missing)
	}
}

// A command retries a server that says "try again later"; a completion,
// which a shell waits on, asks once and offers nothing.
func TestCompletionAsksABusyServerOnce(t *testing.T) {
	t.Parallel()
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	s := clitest.New(t)
	env := map[string]string{"RECONI_SERVER": srv.URL, "RECONI_TOKEN": "rci_x"}
	got, _ := complete(t, s, clitest.Options{Env: env}, "status", "")
	if len(got) != 1 || got[0] != failedSilent {
		t.Errorf("__complete status = %q, want only %s", got, failedSilent)
	}
	if n := asked.Load(); n != 1 {
		t.Errorf("completion asked the server %d times, want once", n)
	}
}

// Completing fixed values, and --help, never open the database: with a
// database path that cannot exist, they still answer and create nothing.
func TestStaticCompletionNeedsNoDatabase(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	for _, args := range [][]string{
		{"outbox", "list", "--state", ""},
		{"status", "--state", "iss"},
		{"org", "select", "69599084", "--level", ""},
		{"permissions", "set", "--validity", ""},
		{"status", "-o", ""},
		{""},
	} {
		got, _ := complete(t, s, clitest.Options{}, args...)
		if len(got) < 2 {
			t.Errorf("__complete %q = %q", args, got)
		}
	}
	s.MustRun("invite", "resend", "--help")
	s.MustRun("users", "update", "--help")
	if _, err := os.Stat(s.DB); !os.IsNotExist(err) {
		t.Errorf("static completion or --help opened the database %s", s.DB)
	}
}
