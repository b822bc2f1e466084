package cli_test

import (
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/test/cli/clitest"
	"github.com/reconi/reconi/test/cli/flowtest"
)

// invite resend, embedded: the same link, a new one, the limit, history.
func TestInviteResend(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	app := flowtest.Submit(t, s)
	first := flowtest.Link(t, s, app, flowtest.Jan.Email)

	s.Run("invite", "resend", "1", "--email", "Jan@example.nl").Expect(t, cmd.ExitOK, "Email:\tjan@example.nl\nState:\tinvited\n", "")
	if got := flowtest.Link(t, s, app, flowtest.Jan.Email); got != first {
		t.Errorf("a resend while the link is valid sent another link")
	}
	r := s.RunWith(clitest.Options{TTY: true}, "invite", "resend", "1", "--email", "jan@example.nl", "--new-link")
	if r.Code != cmd.ExitOK || !strings.Contains(r.Stderr, "new invitation link") || !strings.Contains(r.Stderr, "old link no longer works") {
		t.Errorf("--new-link: exit %d\n%s", r.Code, r.Stderr)
	}
	fresh := flowtest.Link(t, s, app, flowtest.Jan.Email)
	if fresh == first {
		t.Fatal("--new-link sent the old link")
	}
	s.RunWith(clitest.Options{Stdin: first + "\n"}, "invite", "show", "-").
		Expect(t, cmd.ExitNotFound, "", "error: this invitation link is not valid; check that the whole link was copied\n")
	flowtest.Step(t, s, fresh, "show", "-")

	s.Run("invite", "resend", "1", "--email", "jan@example.nl", "-o", "json", "--jq", ".state").Expect(t, cmd.ExitOK, "invited\n", "")
	r = s.Run("invite", "resend", "1", "--email", "jan@example.nl")
	if r.Code != cmd.ExitConflict || !strings.Contains(r.Stderr, "3 times within the hour") {
		t.Errorf("a fourth resend: exit %d\n%s", r.Code, r.Stderr)
	}

	// The person's view shows each resend and its delivery.
	r = s.MustRun("users", "show", "jan@example.nl")
	if n := strings.Count(r.Stdout, "invitation sent again"); n != 3 {
		t.Errorf("%d resends in the history, want 3:\n%s", n, r.Stdout)
	}
	if n := strings.Count(r.Stdout, "\temail\t"); n != 4 {
		t.Errorf("%d email deliveries, want 4:\n%s", n, r.Stdout)
	}

	s.Run("invite", "resend", "1", "--email", "nobody@example.nl").
		Expect(t, cmd.ExitNotFound, "", "error: \"nobody@example.nl\" is not a user of application 1\n")
	s.Run("invite", "resend", "9", "--email", "jan@example.nl").Expect(t, cmd.ExitNotFound, "", "error: application 9 not found\n")
	flowtest.Order(t, s, app, flowtest.Piet)
	s.Run("invite", "resend", "1", "--email", "piet@example.nl").Expect(t, cmd.ExitConflict, "",
		"error: the request of piet@example.nl is identification_pending: only an invitation not yet ordered (invited, details_confirmed, phone_verified) or one that expired can be sent again\n")
}

// invite resend against a server: the helpdesk may resend, not correct.
func TestInviteResendRemote(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	app := flowtest.Submit(t, s)
	url, tok := s.Serve(service.NewToken{Name: "desk", Role: "helpdesk"}, service.NewToken{Name: "beheer", Role: "manager", Orgs: []string{clitest.KVK}},
		service.NewToken{Name: "other", Role: "manager", Orgs: []string{"68750110"}})
	desk, manager, other := clitest.Remote(url, tok[0]), clitest.Remote(url, tok[1]), clitest.Remote(url, tok[2])
	first := flowtest.Link(t, s, app, flowtest.Jan.Email)

	s.RunWith(desk, "invite", "resend", "1", "--email", "jan@example.nl").Expect(t, cmd.ExitOK, "Email:\tjan@example.nl\nState:\tinvited\n", "")
	s.RunWith(manager, "invite", "resend", "1", "--email", "jan@example.nl", "--new-link", "-o", "json", "--jq", ".email").
		Expect(t, cmd.ExitOK, "jan@example.nl\n", "")
	if flowtest.Link(t, s, app, flowtest.Jan.Email) == first {
		t.Error("--new-link over HTTP sent the old link")
	}
	s.RunWith(other, "invite", "resend", "1", "--email", "jan@example.nl").Expect(t, cmd.ExitNotFound, "", "error: application 1 not found\n")
	r := s.RunWith(desk, "users", "show", "jan@example.nl")
	if r.Code != 0 || !strings.Contains(r.Stdout, "desk") || strings.Count(r.Stdout, "\temail\t") != 3 {
		t.Errorf("the helpdesk's view: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}

	r = s.RunWith(desk, "users", "update", "1", "--email", "jan@example.nl", "--phone", "0623456789")
	if r.Code != cmd.ExitUnauthorized || !strings.Contains(r.Stderr, "helpdesk") {
		t.Errorf("the helpdesk corrected a user: exit %d\n%s", r.Code, r.Stderr)
	}
	s.RunWith(manager, "users", "update", "1", "--email", "jan@example.nl", "--phone", "0623456789").
		Expect(t, cmd.ExitOK, "Email:\tjan@example.nl\nMobile:\t+31623456789\nState:\tinvited\n", "")
}
