package invite_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/internal/cmdtest"
	"github.com/reconi/reconi/cmd/internal/flowtest"
	"github.com/reconi/reconi/cmd/invite"
	"github.com/reconi/reconi/internal/reconi"
)

const token = "jzDDIV6FkT2hQegQMA1HvLUJClGW1BmqQSnmDOS9rrg"

func TestParseToken(t *testing.T) {
	for _, in := range []string{
		token,
		"  " + token + "\n",
		"http://127.0.0.1:8080/invite/" + token,
		"https://reconi.example.nl/base/invite/" + token + "/",
		"https://reconi.example.nl/invite/" + token + "/confirm",
		"https://reconi.example.nl/invite/" + token + "?lang=nl",
		"https://reconi.example.nl/invite/" + token + "#top",
	} {
		got, err := invite.ParseToken(in)
		if err != nil || got != token {
			t.Errorf("ParseToken(%q) = %q, %v; want %q", in, got, err, token)
		}
	}
	for _, in := range []string{"", "   ", "http://127.0.0.1:8080/invite/", "not a token", "https://example.nl/other/" + token, "tök"} {
		_, err := invite.ParseToken(in)
		if cmdtest.Kind(err) != reconi.KindInvalid {
			t.Errorf("ParseToken(%q): error %v, want an invalid token", in, err)
			continue
		}
		if strings.TrimSpace(in) != "" && strings.Contains(err.Error(), strings.TrimSpace(in)) {
			t.Errorf("ParseToken(%q): the error %q repeats the secret", in, err)
		}
	}
}

func TestParseCode(t *testing.T) {
	for in, want := range map[string]string{"123456": "123456", " 123 456 ": "123456", "000000": "000000"} {
		if got, err := invite.ParseCode(in); err != nil || got != want {
			t.Errorf("ParseCode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"12345", "1234567", "12345a", "", "１２３４５６"} {
		if _, err := invite.ParseCode(in); cmdtest.Kind(err) != reconi.KindInvalid {
			t.Errorf("ParseCode(%q): error %v, want invalid", in, err)
		}
	}
}

func TestStepFlags(t *testing.T) {
	constructors := map[string]func(*cmdutil.Factory, func(context.Context, *invite.Options) error) *cobra.Command{
		"show": invite.NewCmdShow, "confirm": invite.NewCmdConfirm, "verify": invite.NewCmdVerify, "order": invite.NewCmdOrder,
	}
	tests := []struct {
		name      string
		step      string
		args      []string
		stdin     string
		want      invite.Options
		wantFmt   string
		wantErr   *cmdtest.ErrWant
		stdinOnly bool
	}{
		{name: "token", step: "show", args: []string{token}, want: invite.Options{Token: token}, wantFmt: "table"},
		{name: "link, json", step: "show", args: []string{"http://127.0.0.1:8080/invite/" + token, "-o", "json"}, want: invite.Options{Token: token}, wantFmt: "json"},
		{name: "stdin", step: "confirm", args: []string{"-"}, stdin: "http://127.0.0.1:8080/invite/" + token + "\n", want: invite.Options{Token: token, FromStdin: true}, wantFmt: "table"},
		{name: "stdin without newline", step: "order", args: []string{"-"}, stdin: token, want: invite.Options{Token: token, FromStdin: true}, wantFmt: "table"},
		{name: "stdin, first line only", step: "order", args: []string{"-"}, stdin: token + "\nsomething else\n", want: invite.Options{Token: token, FromStdin: true}, wantFmt: "table"},
		{name: "verify", step: "verify", args: []string{"-", "--code", "123 456"}, stdin: token, want: invite.Options{Token: token, FromStdin: true, Code: "123456"}, wantFmt: "table"},
		{name: "empty stdin", step: "show", args: []string{"-"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{"standard input was empty"}}},
		{name: "not a token", step: "show", args: []string{"see my email"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{"not an invitation link or token"}}},
		{name: "no argument", step: "confirm",
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"the link from the invitation email", "got 0"}}},
		{name: "two arguments", step: "order", args: []string{token, token},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"got 2"}}},
		{name: "verify without --code", step: "verify", args: []string{token},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--code is required"}}},
		{name: "verify, a code of 5 digits", step: "verify", args: []string{token, "--code", "12345"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{`"12345"`, "6 digits"}}},
		{name: "--code on show", step: "show", args: []string{token, "--code", "123456"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--code"}}},
		{name: "-o xml", step: "order", args: []string{token, "-o", "xml"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{`"xml"`, "-o/--output"}}},
	}
	for _, tt := range tests {
		t.Run(tt.step+"/"+tt.name, func(t *testing.T) {
			f, _ := cmdtest.FlagFactory(t, nil)
			f.IOStreams.In = strings.NewReader(tt.stdin)
			var got *invite.Options
			err := cmdtest.Exec(constructors[tt.step](f, func(_ context.Context, o *invite.Options) error {
				got = o
				return nil
			}), tt.args...)
			if tt.wantErr != nil {
				tt.wantErr.Check(t, err)
				if got != nil {
					t.Error("the run function was called")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Fatal("the run function was not called")
			}
			if got.Token != tt.want.Token || got.FromStdin != tt.want.FromStdin || got.Code != tt.want.Code || got.Output.Format != tt.wantFmt {
				t.Errorf("got token %q, stdin %v, code %q, format %q; want %q, %v, %q, %q",
					got.Token, got.FromStdin, got.Code, got.Output.Format, tt.want.Token, tt.want.FromStdin, tt.want.Code, tt.wantFmt)
			}
		})
	}
}

// TestPromptForToken: with "-" on a terminal the link is asked for, on
// stderr, so that it is pasted rather than typed into the command line.
func TestPromptForToken(t *testing.T) {
	f, _ := cmdtest.FlagFactory(t, nil)
	f.IOStreams.In = strings.NewReader(token + "\n")
	f.IOStreams.SetStdinTTY(true)
	errOut := &strings.Builder{}
	f.IOStreams.ErrOut = errOut
	var got string
	if err := cmdtest.Exec(invite.NewCmdShow(f, func(_ context.Context, o *invite.Options) error {
		got = o.Token
		return nil
	}), "-"); err != nil {
		t.Fatal(err)
	}
	if got != token || !strings.Contains(errOut.String(), "Paste the link") {
		t.Errorf("token %q, stderr %q", got, errOut.String())
	}
}

// TestUserFlow takes Jan (employed) and Piet (not employed) from the
// invitation email to issued, with every command a person would type.
func TestUserFlow(t *testing.T) {
	s := cmdtest.New(t)
	app := flowtest.Submit(t, s)
	link := flowtest.Link(t, s, app, flowtest.Jan.Email)
	secret, err := invite.ParseToken(link)
	if err != nil {
		t.Fatal(err)
	}
	noSecret := func(r cmdtest.Result) {
		t.Helper()
		if strings.Contains(r.Stdout+r.Stderr, secret) {
			t.Errorf("reconi %s printed the invitation token", strings.Join(r.Args, " "))
		}
	}
	in := func(tty bool) cmdtest.Options { return cmdtest.Options{Stdin: link + "\n", TTY: tty} }

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
	r = s.RunWith(cmdtest.Options{Stdin: piet, TTY: true}, "invite", "order", "-")
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
	s.RunWith(cmdtest.Options{Stdin: piet}, "invite", "show", "-", "-o", "json", "--jq", ".next + \" \" + .user.state").
		Expect(t, cmd.ExitOK, "done issued\n", "")
}

// TestRefusals: a link that is not valid, and one of a cancelled request.
func TestRefusals(t *testing.T) {
	s := cmdtest.New(t)
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
		s.RunWith(cmdtest.Options{Stdin: link}, "invite", step, "-").
			Expect(t, cmd.ExitConflict, "", "error: this request was cancelled by the authorization manager\n")
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
