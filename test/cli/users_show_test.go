package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/clitest"
)

// users show: one person's requests, history and deliveries.
func TestUsersShow(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	s.MustRun(append(jan, "--employed=true")...)
	s.MustRun("permissions", "set", "--all-services", "--validity", "1y")
	s.MustRun("apply", "--agree-terms", "-o", "json")

	r := s.MustRun("users", "show", "Jan@example.nl")
	for _, want := range []string{"Jan Jansen <jan@example.nl>", "State:\tinvited", "Link expires:\t", "invitation sent", "\temail\t", "\tkept\t"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, r.Stdout)
		}
	}
	r = s.RunWith(clitest.Options{TTY: true}, "users", "show", "jan@example.nl")
	for _, want := range []string{"WHEN", "MESSAGE  CHANNEL"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("terminal show lacks %q:\n%s", want, r.Stdout)
		}
	}

	// JSON: the field names are an interface; message bodies never appear.
	r = s.MustRun("users", "show", "jan@example.nl", "--org", clitest.KVK, "-o", "json")
	var p reconi.Person
	if err := json.Unmarshal([]byte(r.Stdout), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Requests) != 1 || p.Requests[0].User.State != reconi.UserInvited || len(p.Requests[0].Messages) == 0 {
		t.Errorf("person %+v", p)
	}
	if strings.Contains(r.Stdout, `"body"`) || strings.Contains(r.Stdout, "http") {
		t.Errorf("the JSON shows a message body:\n%s", r.Stdout)
	}

	// Cancelled: the reason shows.
	s.MustRun("cancel", "1", "--email", "jan@example.nl", "--reason", "left the company", "--yes")
	r = s.MustRun("users", "show", "jan@example.nl")
	if !strings.Contains(r.Stdout, "State:\tcancelled") || !strings.Contains(r.Stdout, "Reason:\t") || !strings.Contains(r.Stdout, "left the company") {
		t.Errorf("cancelled:\n%s", r.Stdout)
	}

	s.Run("users", "show", "nobody@example.nl").Expect(t, cmd.ExitNotFound, "", "error: no request for nobody@example.nl\n")
}
