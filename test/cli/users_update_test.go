package cli_test

import (
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/test/cli/clitest"
	"github.com/reconi/reconi/test/cli/flowtest"
)

// users update, embedded: a mistyped address gets a new invitation, the
// old link stops working, later states are refused by name.
func TestUsersUpdate(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	app := flowtest.Submit(t, s)
	old := flowtest.Link(t, s, app, flowtest.Jan.Email)

	s.Run("users", "update", "1", "--email", "jan@example.nl", "--new-email", "jan.jansen@example.nl").
		Expect(t, cmd.ExitOK, "Email:\tjan.jansen@example.nl\nMobile:\t+31612345678\nState:\tinvited\n", "")
	s.RunWith(clitest.Options{Stdin: old + "\n"}, "invite", "show", "-").
		Expect(t, cmd.ExitNotFound, "", "error: this invitation link is not valid; check that the whole link was copied\n")
	flowtest.Step(t, s, flowtest.Link(t, s, app, "jan.jansen@example.nl"), "show", "-")
	r := s.MustRun("users", "show", "jan.jansen@example.nl")
	if !strings.Contains(r.Stdout, "details corrected: email jan@example.nl → jan.jansen@example.nl") {
		t.Errorf("history lacks the correction:\n%s", r.Stdout)
	}

	s.Run("users", "update", "1", "--email", "jan.jansen@example.nl", "--new-email", "Piet@example.nl").
		Expect(t, cmd.ExitConflict, "", "error: piet@example.nl is already a user of application 1\n")
	r = s.Run("users", "update", "1", "--email", "jan.jansen@example.nl", "--phone", "020 1234567")
	if r.Code != cmd.ExitInvalid || !strings.Contains(r.Stderr, "phone") {
		t.Errorf("a landline: exit %d\n%s", r.Code, r.Stderr)
	}
	s.Run("users", "update", "1", "--email", "nobody@example.nl", "--phone", "0623456789").
		Expect(t, cmd.ExitNotFound, "", "error: \"nobody@example.nl\" is not a user of application 1\n")

	flowtest.Order(t, s, app, flowtest.Piet)
	s.Run("users", "update", "1", "--email", "piet@example.nl", "--phone", "0623456789").Expect(t, cmd.ExitConflict, "",
		"error: the request of piet@example.nl is identification_pending: only users before phone_verified (draft, invited, details_confirmed) can be corrected\n")
}

// users update against a server: managers and operators may, over HTTP
// as embedded.
func TestUsersUpdateRemote(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	app := flowtest.Submit(t, s)
	url, tok := s.Serve(service.NewToken{Name: "ops", Role: "operator"})
	ops := clitest.Remote(url, tok[0])
	s.RunWith(ops, "users", "update", "1", "--email", "piet@example.nl", "--new-email", "piet.puk@example.nl", "-o", "json", "--jq", "[.email, .state]").
		Expect(t, cmd.ExitOK, `["piet.puk@example.nl","invited"]`+"\n", "")
	flowtest.Link(t, s, app, "piet.puk@example.nl")
	r := s.RunWith(ops, "users", "show", "piet.puk@example.nl")
	if r.Code != 0 || !strings.Contains(r.Stdout, "ops") || !strings.Contains(r.Stdout, "details corrected") {
		t.Errorf("users show over HTTP: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
}
