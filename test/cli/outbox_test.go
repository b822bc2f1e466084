package cli_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
	"github.com/reconi/reconi/test/cli/flowtest"
)

func TestOutbox(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.CreateDatabase()
	s.RunWith(clitest.Options{TTY: true}, "outbox", "list").Expect(t, cmd.ExitOK, "", "! no messages match\n")
	s.Run("outbox", "list", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")

	app := flowtest.Submit(t, s)
	id := strconv.FormatInt(app, 10)
	// Messages are pending until delivered; when the embedded commands
	// deliver before they exit, and nothing is configured, they are kept.
	state := strings.TrimSpace(s.MustRun("outbox", "show", "1", "-o", "json", "--jq", ".state").Stdout)
	if state != "pending" && state != "kept" {
		t.Fatalf("a new message is %q", state)
	}
	col := fmt.Sprintf("%-*s", max(len("STATE"), len(state))+2, "STATE")
	s.RunWith(clitest.Options{TTY: true}, "outbox", "list").Expect(t, cmd.ExitOK,
		"ID  CHANNEL  TO               SUBJECT                                             "+col+"CREATED\n"+
			"1   email    jan@example.nl   Uw eHerkenning aanvraag / Your eHerkenning request  "+fmt.Sprintf("%-*s", len(col), state)+"0000-00-00 00:00\n"+
			"2   email    piet@example.nl  Uw eHerkenning aanvraag / Your eHerkenning request  "+fmt.Sprintf("%-*s", len(col), state)+"0000-00-00 00:00\n", "")

	// Confirming sends an SMS; --to finds it by the number as the user
	// wrote it. An SMS has no subject, so the list shows its text.
	flowtest.Step(t, s, flowtest.Link(t, s, app, flowtest.Jan.Email), "confirm", "-")
	code := flowtest.Code(t, s, "+31612345678")
	r := s.MustRun("outbox", "list", "--to", "06 12345678")
	want := "3\tsms\t+31612345678\tUw eHerkenning code is " + code + " (10 min geldig). Your eHerkenning code is " + code + ".\t" + state + "\t"
	if !strings.HasPrefix(r.Stdout, want) || strings.Count(r.Stdout, "\n") != 1 {
		t.Errorf("outbox list --to: %q\nwant %q...", r.Stdout, want)
	}

	// The documented JSON fields.
	r = s.MustRun("outbox", "list", "--app", id, "--channel", "email", "--limit", "1", "-o", "json")
	var raw []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &raw); err != nil || len(raw) != 1 {
		t.Fatalf("outbox list -o json: %v\n%s", err, r.Stdout)
	}
	for _, k := range []string{"id", "channel", "to", "subject", "body", "state", "created_at", "application_id", "user_id", "attempts", "sent_at"} {
		if _, ok := raw[0][k]; !ok {
			t.Errorf("outbox list -o json has no %q: %v", k, raw[0])
		}
	}
	if raw[0]["to"] != "jan@example.nl" || raw[0]["channel"] != "email" || raw[0]["state"] != state {
		t.Errorf("outbox list --limit 1: %v", raw[0])
	}
	s.Run("outbox", "list", "--state", "sent", "-o", "csv").Expect(t, cmd.ExitOK,
		"id,channel,to,subject,body,state,attempts,last_error,application_id,user_id,created_at,sent_at\n", "")

	// show: the headers, a blank line, the body as written.
	r = s.MustRun("outbox", "show", "1")
	link := flowtest.Link(t, s, app, flowtest.Jan.Email)
	head := "ID:\t1\nChannel:\temail\nTo:\tjan@example.nl\nSubject:\tUw eHerkenning aanvraag / Your eHerkenning request\n" +
		"State:\t" + state + "\nCreated:\t0000-00-00 00:00:00\nApplication:\t" + id + "\nUser:\t1\n\nBeste Jan,\n"
	if got := clitest.Normalize(r.Stdout); !strings.HasPrefix(got, head) || !strings.Contains(got, "\n"+link+"\n") ||
		!strings.Contains(got, "\nDear Jan,\n") || strings.HasSuffix(got, "\n\n") {
		t.Errorf("outbox show 1:\n%s", got)
	}
	s.RunWith(clitest.Options{TTY: true}, "outbox", "show", "3").Expect(t, cmd.ExitOK,
		"ID:          3\nChannel:     sms\nTo:          +31612345678\nState:       "+state+"\nCreated:     0000-00-00 00:00:00\n"+
			"Application: "+id+"\nUser:        1\n\nUw eHerkenning code is "+code+" (10 min geldig). Your eHerkenning code is "+code+".\n", "")
	s.Run("outbox", "show", "3", "-o", "json", "--jq", ".channel + \" \" + .to").Expect(t, cmd.ExitOK, "sms +31612345678\n", "")
	s.Run("outbox", "show", "999").Expect(t, cmd.ExitNotFound, "", "error: message 999 not found\n")
	s.Run("outbox", "list", "--channel", "fax").Expect(t, cmd.ExitUsage, "",
		"error: invalid value \"fax\" for --channel: want one of email, sms, identification\nRun 'reconi outbox list --help' for usage.\n")
}
