package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/clitest"
	"github.com/reconi/reconi/test/cli/flowtest"
)

var (
	kees = flowtest.Person{First: "Kees", Last: "Bakker", Email: "kees@example.nl", Phone: "06 11223344", Employed: true}
)

func init() { flowtest.E164[kees.Phone] = "+31611223344" }

// issued submits Jan and Kees (both employed) and takes both through their
// steps, so that both hold an active means.
func issued(t *testing.T) *clitest.Sandbox {
	t.Helper()
	s := clitest.New(t)
	id := flowtest.Submit(t, s, flowtest.Jan, kees)
	flowtest.Order(t, s, id, flowtest.Jan)
	flowtest.Order(t, s, id, kees)
	return s
}

func listJSON(t *testing.T, s *clitest.Sandbox, args ...string) []reconi.Means {
	t.Helper()
	r := s.MustRun(append([]string{"means", "list", "-o", "json"}, args...)...)
	var ms []reconi.Means
	if err := json.Unmarshal([]byte(r.Stdout), &ms); err != nil {
		t.Fatalf("%v\n%s", err, r.Stdout)
	}
	return ms
}

func TestMeansListAndShow(t *testing.T) {
	t.Parallel()
	s := issued(t)
	ms := listJSON(t, s, "--org", clitest.KVK)
	if len(ms) != 2 || ms[0].Email != "jan@example.nl" || ms[1].Email != "kees@example.nl" {
		t.Fatalf("means %+v", ms)
	}
	m := ms[0]
	if m.State != reconi.MeansActive || m.Level != "EH3" || !m.ExpiresAt.Equal(m.IssuedAt.AddDate(3, 0, 0)) ||
		len(m.Permissions) != 1 || m.Permissions[0].Scope != reconi.ScopeAllServices {
		t.Errorf("means %+v", m)
	}

	// The JSON field names are an interface: check them by name.
	r := s.MustRun("means", "list", "-o", "json", "--jq", ".[0] | keys | join(\",\")")
	for _, f := range []string{"id", "email", "first_name", "last_name", "organization", "level", "state", "issued_at", "expires_at", "application_id", "permissions"} {
		if !strings.Contains(","+strings.TrimSpace(r.Stdout)+",", ","+f+",") {
			t.Errorf("field %s missing from %s", f, r.Stdout)
		}
	}

	// Nothing ends within 60 days: no output, exit 0.
	s.Run("means", "list", "--expiring-within", "60d").Expect(t, cmd.ExitOK, "", "")
	if got := listJSON(t, s, "--expiring-within", "1200d"); len(got) != 2 {
		t.Errorf("expiring within 1200d: %d means", len(got))
	}

	// A table on a pipe: a tab-separated line per means.
	r = s.MustRun("means", "list")
	if lines := strings.Split(strings.TrimSpace(r.Stdout), "\n"); len(lines) != 2 || !strings.Contains(lines[0], "\tjan@example.nl\tJan Jansen\t") {
		t.Errorf("table:\n%s", r.Stdout)
	}
	// CSV has fixed columns, email among them, ready for --file.
	r = s.MustRun("means", "list", "-o", "csv")
	if !strings.HasPrefix(r.Stdout, "id,user_id,application_id,email,first_name,last_name,organization.kvk,organization.name,level,state,") {
		t.Errorf("csv header: %s", strings.SplitN(r.Stdout, "\n", 2)[0])
	}

	r = s.MustRun("means", "show", "jan@example.nl")
	for _, want := range []string{"Jan Jansen <jan@example.nl>", "State:\tactive", "Permissions:\tall services", "issued"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, r.Stdout)
		}
	}
	s.Run("means", "show", "nobody@example.nl").Expect(t, cmd.ExitNotFound, "", "error: no means found for \"nobody@example.nl\"\n")
	r = s.Run("means", "list", "--state", "gone")
	if r.Code != cmd.ExitUsage || !strings.Contains(r.Stderr, "active, expired or withdrawn") {
		t.Errorf("bad state: exit %d, %s", r.Code, r.Stderr)
	}
	r = s.Run("means", "list", "--expiring-within", "soon")
	if r.Code != cmd.ExitUsage || !strings.Contains(r.Stderr, "60d") {
		t.Errorf("bad span: exit %d, %s", r.Code, r.Stderr)
	}
}

func TestMeansWithdraw(t *testing.T) {
	t.Parallel()
	s := issued(t)
	// Without a terminal --yes is needed, and nothing happens without it.
	r := s.Run("means", "withdraw", "jan@example.nl", "--org", clitest.KVK, "--reason", "left")
	if r.Code != cmd.ExitUsage || !strings.Contains(r.Stderr, "--yes is required") {
		t.Fatalf("no --yes: exit %d, %s", r.Code, r.Stderr)
	}
	// Every bad row at once, named by argument and file line; nothing withdrawn.
	file := s.WriteFile("leavers.csv", "id,email\n1,kees@example.nl\n2,nobody@example.nl\n")
	r = s.Run("means", "withdraw", "not-an-email", "--file", file, "--org", clitest.KVK, "--reason", "left", "--yes")
	if r.Code != cmd.ExitInvalid || !strings.Contains(r.Stderr, "argument 1 (not-an-email)") ||
		!strings.Contains(r.Stderr, "line 3: "+file+": email: nobody@example.nl holds no means issued for organisation "+clitest.KVK) {
		t.Fatalf("bad rows: exit %d\n%s", r.Code, r.Stderr)
	}
	if got := listJSON(t, s, "--state", "active"); len(got) != 2 {
		t.Fatalf("%d active after a refused withdrawal, want 2", len(got))
	}
	// A dry run changes nothing.
	tty := clitest.Options{TTY: true}
	r = s.RunWith(tty, "means", "withdraw", "--file", s.WriteFile("one.csv", "email\nkees@example.nl\n"), "--org", clitest.KVK, "--reason", "left", "--dry-run")
	if !strings.Contains(r.Stderr, "Would withdraw 1 means") {
		t.Errorf("dry run: %s", r.Stderr)
	}
	r = s.MustRun("means", "withdraw", "jan@example.nl", "--org", clitest.KVK, "--reason", "left the company", "--yes", "-o", "json")
	var res reconi.WithdrawResult
	if err := json.Unmarshal([]byte(r.Stdout), &res); err != nil || len(res.Withdrawn) != 1 || res.Withdrawn[0].State != reconi.MeansWithdrawn {
		t.Fatalf("withdraw: %v %s", err, r.Stdout)
	}
	// A rerun is a no-op.
	r = s.RunWith(tty, "means", "withdraw", "jan@example.nl", "--org", clitest.KVK, "--reason", "left the company", "--yes")
	if !strings.Contains(r.Stderr, "Withdrew 0 means of organisation "+clitest.KVK+"; 1 means withdrawn before, unchanged") {
		t.Errorf("rerun: %s", r.Stderr)
	}
	// The user and the history know.
	ms := flowtest.Outbox(t, s, "--to", "jan@example.nl")
	if !strings.Contains(ms[len(ms)-1].Subject, "withdrawn") {
		t.Errorf("last mail to Jan: %q", ms[len(ms)-1].Subject)
	}
	r = s.MustRun("means", "show", "jan@example.nl")
	if !strings.Contains(r.Stdout, "left the company") || !strings.Contains(r.Stdout, "withdrawn") {
		t.Errorf("show after withdrawal:\n%s", r.Stdout)
	}
}

// TestMeansWithdrawAsks: on a terminal reconi lists what it withdraws and
// asks; "n" leaves everything as it was.
func TestMeansWithdrawAsks(t *testing.T) {
	t.Parallel()
	s := issued(t)
	r := s.RunWith(clitest.Options{TTY: true, Stdin: "n\n", Env: map[string]string{"RECONI_ACCESSIBLE": "1"}},
		"means", "withdraw", "kees@example.nl", "--org", clitest.KVK, "--reason", "left")
	if r.Code != cmd.ExitCancelled || !strings.Contains(r.Stderr, "Kees Bakker <kees@example.nl>") || !strings.Contains(r.Stderr, "Nothing was withdrawn") {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
	if got := listJSON(t, s, "--state", "active"); len(got) != 2 {
		t.Fatalf("%d active after no, want 2", len(got))
	}
}
