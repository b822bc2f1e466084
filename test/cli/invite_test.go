package cli_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/invite"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/clitest"
	"github.com/reconi/reconi/test/cli/flowtest"
)

const token = "jzDDIV6FkT2hQegQMA1HvLUJClGW1BmqQSnmDOS9rrg"

// TestUserFlow takes Jan (employed) and Piet (not employed) from the
// invitation email to issued, with every command a person would type.
func TestInviteUserFlow(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	app := flowtest.Submit(t, s)
	link := flowtest.Link(t, s, app, flowtest.Jan.Email)
	secret, err := invite.ParseToken(link)
	if err != nil {
		t.Fatal(err)
	}
	noSecret := func(r clitest.Result) {
		t.Helper()
		if strings.Contains(r.Stdout+r.Stderr, secret) {
			t.Errorf("reconi %s printed the invitation token", strings.Join(r.Args, " "))
		}
	}
	in := func(tty bool) clitest.Options { return clitest.Options{Stdin: link + "\n", TTY: tty} }

	// Step 1: the details, as the page shows them.
	r := s.RunWith(in(true), "invite", "show", "-")
	r.Expect(t, cmd.ExitOK, `Name:             Jan Jansen
Email:            jan@example.nl
Mobile:           +31612345678
Employed:         yes: the means is issued when you order
Organisation:     Test EMZ Dagobert (69599084)
Means:            eHerkenning EH3, valid 3 years
Branch:           none (all establishments)
Permissions:      all services of all providers
Link valid until: 0000-00-00 00:00
State:            invited
Next:             if these details are right, approve them and get an SMS code: reconi invite confirm -
`, "Paste the link from the invitation email and press Enter: ")
	noSecret(r)

	// The whole link as an argument works too; hints then say LINK.
	r = s.Run("invite", "show", link)
	if r.Code != 0 || !strings.Contains(r.Stdout, "State:\tinvited\nNext:\tif these details are right, approve them and get an SMS code: reconi invite confirm LINK\n") {
		t.Errorf("invite show LINK: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	noSecret(r)

	r = s.RunWith(in(false), "invite", "show", "-", "-o", "json")
	var inv reconi.Invitation
	if err := json.Unmarshal([]byte(r.Stdout), &inv); err != nil || r.Code != 0 {
		t.Fatalf("invite show -o json: exit %d, %v\n%s", r.Code, err, r.Stdout)
	}
	if inv.Next != "confirm" || inv.User.Email != flowtest.Jan.Email || inv.Level != "EH3" || inv.ValidityYears != 3 || inv.CodeSentAt != nil {
		t.Errorf("invite show -o json: %+v", inv)
	}

	// Ordering before the phone is verified is refused.
	r = s.RunWith(in(false), "invite", "order", "-")
	r.Expect(t, cmd.ExitConflict, "", "error: the order needs a verified phone number first (state invited)\n")

	// Step 2: approve; a code goes out by SMS.
	r = s.RunWith(in(true), "invite", "confirm", "-")
	r.Expect(t, cmd.ExitOK, `State: details_confirmed
Next:  enter the code sent to +31612345678: reconi invite verify - --code CODE (no code? reconi invite confirm - sends a new one)
`, "Paste the link from the invitation email and press Enter: ✓ Details confirmed\n✓ A 6-digit code was sent by SMS to +31612345678\n")
	code := flowtest.Code(t, s, "+31612345678")

	// Asking for a new code at once is rate-limited.
	r = s.RunWith(in(false), "invite", "confirm", "-")
	if r.Code != cmd.ExitConflict || !strings.Contains(r.Stderr, "wait") {
		t.Errorf("a second code at once: exit %d, stderr %q", r.Code, r.Stderr)
	}

	// Step 3: a wrong code counts as a try; a malformed one does not reach
	// the backend.
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	s.RunWith(in(false), "invite", "verify", "-", "--code", wrong).
		Expect(t, cmd.ExitInvalid, "", "error: code: the code is not right; 4 tries left\n")
	s.RunWith(in(false), "invite", "verify", "-", "--code", "12345").
		Expect(t, cmd.ExitInvalid, "", "error: code: \"12345\" is not a code: want the 6 digits from the SMS, like 123456\n")
	s.RunWith(in(false), "invite", "verify", "-").
		Expect(t, cmd.ExitUsage, "", "error: --code is required: the 6-digit code from the SMS\nRun 'reconi invite verify --help' for usage.\n")
	r = s.RunWith(in(false), "invite", "verify", "-", "--code", code)
	r.Expect(t, cmd.ExitOK, "State:\tphone_verified\nNext:\torder the means: reconi invite order -\n", "")

	// Step 4: Jan is employed, so the means is issued at once.
	r = s.RunWith(in(false), "invite", "order", "-", "-o", "json")
	if err := json.Unmarshal([]byte(r.Stdout), &inv); err != nil || r.Code != 0 {
		t.Fatalf("invite order -o json: exit %d, %v\n%s%s", r.Code, err, r.Stdout, r.Stderr)
	}
	if inv.User.State != reconi.UserIssued || inv.Next != "done" {
		t.Errorf("after order: state %s, next %s", inv.User.State, inv.Next)
	}
	s.RunWith(in(false), "invite", "confirm", "-").
		Expect(t, cmd.ExitConflict, "", "error: there is nothing left to confirm: the request is issued\n")

	// Piet is not employed: identification and the final check come first.
	piet := flowtest.Link(t, s, app, flowtest.Piet.Email)
	flowtest.Step(t, s, piet, "confirm", "-")
	flowtest.Step(t, s, piet, "verify", "-", "--code", flowtest.Code(t, s, "+31687654321"))
	r = s.RunWith(clitest.Options{Stdin: piet, TTY: true}, "invite", "order", "-")
	if r.Code != 0 || !strings.Contains(r.Stdout, "State:            identification_pending\n") ||
		!strings.Contains(r.Stdout, "Next:             identify yourself with the broker's partner before 2") ||
		!strings.Contains(r.Stderr, "✓ Ordered an eHerkenning means EH3 for Test EMZ Dagobert\n") {
		t.Errorf("invite order for Piet: exit %d\n%s%s", r.Code, r.Stdout, r.Stderr)
	}
	pietID := flowtest.UserID(t, s, app, flowtest.Piet.Email)
	ids := flowtest.Outbox(t, s, "--channel", "identification")
	if len(ids) != 1 || ids[0].UserID != pietID || ids[0].To != flowtest.Piet.Email {
		t.Fatalf("identification requests: %+v", ids)
	}
	s.MustRun("identification", "complete", itoa(pietID), "--result", "passed")
	r = s.MustRun("review", "list")
	if !strings.HasPrefix(r.Stdout, itoa(pietID)+"\tpiet@example.nl\tPiet Puk\tTest EMZ Dagobert (69599084)\tEH3\t") {
		t.Errorf("review list: %q", r.Stdout)
	}
	s.MustRun("review", "approve", itoa(pietID))

	// Both issued, in status and for a pipeline waiting on it.
	r = s.MustRun("status", itoa(app))
	for _, want := range []string{"jan@example.nl\tJan Jansen\tyes\tissued\t", "piet@example.nl\tPiet Puk\tno\tissued\t",
		"phone_verified → ordered\tordered", "final_check → issued\tfinal check approved"} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("status %d does not show %q:\n%s", app, want, r.Stdout)
		}
	}
	s.MustRun("status", itoa(app), "--wait", "issued", "--timeout", "10s")

	// Once done, the link still shows where the request stands.
	s.RunWith(clitest.Options{Stdin: piet}, "invite", "show", "-", "-o", "json", "--jq", ".next + \" \" + .user.state").
		Expect(t, cmd.ExitOK, "done issued\n", "")
}

// TestRefusals: a link that is not valid, and one of a cancelled request.
func TestInviteRefusals(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	app := flowtest.Submit(t, s, flowtest.Jan)
	link := flowtest.Link(t, s, app, flowtest.Jan.Email)

	s.Run("invite", "show", "http://127.0.0.1:8080/invite/"+token).
		Expect(t, cmd.ExitNotFound, "", "error: this invitation link is not valid; check that the whole link was copied\n")
	s.Run("invite", "show", "-").
		Expect(t, cmd.ExitInvalid, "", "error: token: standard input was empty: with \"-\", give the link from the invitation email on standard input\n")
	s.Run("invite", "show", "my link").
		Expect(t, cmd.ExitInvalid, "", "error: token: this is not an invitation link or token: copy the whole link from the invitation email\n")
	s.Run("invite", "show").
		Expect(t, cmd.ExitUsage, "", "error: reconi invite show wants the link from the invitation email, its token, or - to read it from standard input (got 0 arguments)\nRun 'reconi invite show --help' for usage.\n")

	s.MustRun("cancel", itoa(app), "--yes")
	for _, step := range []string{"show", "confirm", "order"} {
		s.RunWith(clitest.Options{Stdin: link}, "invite", step, "-").
			Expect(t, cmd.ExitConflict, "", "error: this request was cancelled by the authorization manager\n")
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
