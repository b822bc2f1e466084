package cli_test

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/clitest"
	"github.com/reconi/reconi/test/cli/flowtest"
)

func TestCancel(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	app := flowtest.Submit(t, s)
	id := strconv.FormatInt(app, 10)
	flowtest.Order(t, s, app, flowtest.Jan)

	// Without a terminal --yes is required; CI and --no-input count as no
	// terminal.
	usage := "error: --yes is required when reconi cannot ask (no terminal, --no-input or CI); nothing was cancelled\nRun 'reconi cancel --help' for usage.\n"
	s.Run("cancel", id).Expect(t, cmd.ExitUsage, "", usage)
	s.RunWith(clitest.Options{TTY: true, Env: map[string]string{"CI": "true"}}, "cancel", id).Expect(t, cmd.ExitUsage, "", usage)
	s.RunWith(clitest.Options{TTY: true}, "cancel", id, "--no-input").Expect(t, cmd.ExitUsage, "", usage)

	// On a terminal reconi lists what it cancels and asks; no cancels nothing.
	s.RunWith(clitest.Options{TTY: true, Stdin: "n\n"}, "cancel", id).Expect(t, cmd.ExitCancelled, "",
		"Application "+id+" for Test EMZ Dagobert: this cancels the requests of\n"+
			"  Piet Puk <piet@example.nl> (invited)\n"+
			"Cancel 1 request? This cannot be undone. [y/N] Nothing was cancelled.\n")
	if st := flowtest.State(t, s, app, flowtest.Piet.Email); st != reconi.UserInvited {
		t.Errorf("after no: %s", st)
	}

	// Refusals: Jan is issued already, Kees is not a user.
	s.Run("cancel", id, "--yes", "--email", "jan@example.nl").Expect(t, cmd.ExitConflict, "",
		"error: the request of jan@example.nl is no longer in progress (state issued)\n")
	s.Run("cancel", id, "--yes", "--email", "kees@example.nl").Expect(t, cmd.ExitNotFound, "",
		"error: \"kees@example.nl\" is not a user of application "+id+"\n")
	s.Run("cancel", "999", "--yes").Expect(t, cmd.ExitNotFound, "", "error: application 999 not found\n")

	// Yes on the terminal cancels Piet; Jan keeps his means.
	s.RunWith(clitest.Options{TTY: true, Stdin: "y\n"}, "cancel", id, "--reason", "left the company").Expect(t, cmd.ExitOK,
		"EMAIL            NAME        STATE\n"+
			"jan@example.nl   Jan Jansen  issued\n"+
			"piet@example.nl  Piet Puk    cancelled\n",
		"Application "+id+" for Test EMZ Dagobert: this cancels the requests of\n"+
			"  Piet Puk <piet@example.nl> (invited)\n"+
			"Cancel 1 request? This cannot be undone. [y/N] ✓ Cancelled 1 request in application "+id+"\n")
	r := s.MustRun("status", id, "--email", "piet@example.nl", "-o", "json", "--jq", ".history[-1] | .to + \" \" + .reason")
	if r.Stdout != "cancelled left the company\n" {
		t.Errorf("history: %q", r.Stdout)
	}
	s.Run("cancel", id, "--yes").Expect(t, cmd.ExitConflict, "", "error: application "+id+" has no request in progress\n")
	// A pipeline waiting for every user to be issued learns it never will.
	r = s.Run("status", id, "--wait", "issued", "-o", "json", "--jq", "[.users[].state]")
	r.Expect(t, cmd.ExitEnded, `["issued","cancelled"]`+"\n",
		`{"error":{"kind":"ended","message":"application `+id+`: the request of piet@example.nl (cancelled) ended before it was issued"}}`+"\n")
}

// TestCancelWithYes cancels a whole application without a terminal.
func TestCancelWithYes(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	app := flowtest.Submit(t, s)
	id := strconv.FormatInt(app, 10)
	r := s.MustRun("cancel", id, "--yes", "-o", "json")
	var a reconi.Application
	if err := json.Unmarshal([]byte(r.Stdout), &a); err != nil || len(a.Users) != 2 {
		t.Fatalf("cancel -o json: %v\n%s", err, r.Stdout)
	}
	for _, u := range a.Users {
		if u.State != reconi.UserCancelled {
			t.Errorf("%s is %s", u.Email, u.State)
		}
	}
	if r.Stderr != "" {
		t.Errorf("stderr %q", r.Stderr)
	}
	// The links stop working.
	link := flowtest.Link(t, s, app, flowtest.Jan.Email)
	s.RunWith(clitest.Options{Stdin: link}, "invite", "show", "-").Expect(t, cmd.ExitConflict, "",
		"error: this request was cancelled by the authorization manager\n")

	draft := strconv.FormatInt(s.Select("--level", "EH3"), 10)
	s.Run("cancel", draft, "--yes").Expect(t, cmd.ExitConflict, "",
		"error: application "+draft+" is a draft: remove users with reconi users remove instead, or discard the draft with reconi drafts discard "+draft+"\n")
}
