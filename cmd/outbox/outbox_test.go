package outbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/internal/cmdtest"
	"github.com/reconi/reconi/cmd/internal/flowtest"
	"github.com/reconi/reconi/cmd/outbox"
	"github.com/reconi/reconi/internal/reconi"
)

func TestListFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    reconi.OutboxFilter
		wantErr *cmdtest.ErrWant
	}{
		{name: "all"},
		{name: "every filter", args: []string{"--to", "jan@example.nl", "--channel", "EMAIL", "--state", "kept", "--app", "12", "-L", "5"},
			want: reconi.OutboxFilter{To: "jan@example.nl", Channel: "email", State: "kept", ApplicationID: 12, Limit: 5}},
		{name: "a mobile number as written", args: []string{"--to", "06 12345678", "--channel", "sms"},
			want: reconi.OutboxFilter{To: "+31612345678", Channel: "sms"}},
		{name: "identification requests", args: []string{"--channel", "identification", "--limit", "0"},
			want: reconi.OutboxFilter{Channel: "identification"}},
		{name: "another channel", args: []string{"--channel", "fax"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{`"fax"`, "--channel", "email, sms, identification"}}},
		{name: "another state", args: []string{"--state", "lost"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{`"lost"`, "--state", "pending, sent, kept, failed"}}},
		{name: "negative limit", args: []string{"--limit", "-1"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--limit"}}},
		{name: "not an application", args: []string{"--app", "x"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{`"x"`}}},
		{name: "an argument", args: []string{"jan@example.nl"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"takes no arguments"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cmdtest.Capture(t, nil, outbox.NewCmdList, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.Filter != tt.want {
				t.Errorf("got %+v, want %+v", got.Filter, tt.want)
			}
		})
	}
}

func TestShowFlags(t *testing.T) {
	f, _ := cmdtest.FlagFactory(t, nil)
	var got *outbox.ShowOptions
	if err := cmdtest.Exec(outbox.NewCmdShow(f, func(_ context.Context, o *outbox.ShowOptions) error {
		got = o
		return nil
	}), "#3", "-o", "yaml"); err != nil || got == nil || got.ID != 3 || got.Output.Format != "yaml" {
		t.Fatalf("show #3 -o yaml: %v %+v", err, got)
	}
	for _, tc := range []struct {
		args []string
		want cmdtest.ErrWant
	}{
		{[]string{"three"}, cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{`"three"`, "message ID"}}},
		{[]string{"0"}, cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{`"0"`}}},
		{nil, cmdtest.ErrWant{Flag: true, Contains: []string{"the message ID", "got 0"}}},
	} {
		f, _ := cmdtest.FlagFactory(t, nil)
		err := cmdtest.Exec(outbox.NewCmdShow(f, func(context.Context, *outbox.ShowOptions) error {
			t.Errorf("show %q: the run function was called", tc.args)
			return nil
		}), tc.args...)
		tc.want.Check(t, err)
	}
}

func TestOutbox(t *testing.T) {
	s := cmdtest.New(t)
	s.CreateDatabase()
	s.RunWith(cmdtest.Options{TTY: true}, "outbox", "list").Expect(t, cmd.ExitOK, "", "! no messages match\n")
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
	s.RunWith(cmdtest.Options{TTY: true}, "outbox", "list").Expect(t, cmd.ExitOK,
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
	if got := cmdtest.Normalize(r.Stdout); !strings.HasPrefix(got, head) || !strings.Contains(got, "\n"+link+"\n") ||
		!strings.Contains(got, "\nDear Jan,\n") || strings.HasSuffix(got, "\n\n") {
		t.Errorf("outbox show 1:\n%s", got)
	}
	s.RunWith(cmdtest.Options{TTY: true}, "outbox", "show", "3").Expect(t, cmd.ExitOK,
		"ID:          3\nChannel:     sms\nTo:          +31612345678\nState:       "+state+"\nCreated:     0000-00-00 00:00:00\n"+
			"Application: "+id+"\nUser:        1\n\nUw eHerkenning code is "+code+" (10 min geldig). Your eHerkenning code is "+code+".\n", "")
	s.Run("outbox", "show", "3", "-o", "json", "--jq", ".channel + \" \" + .to").Expect(t, cmd.ExitOK, "sms +31612345678\n", "")
	s.Run("outbox", "show", "999").Expect(t, cmd.ExitNotFound, "", "error: message 999 not found\n")
	s.Run("outbox", "list", "--channel", "fax").Expect(t, cmd.ExitUsage, "",
		"error: invalid value \"fax\" for --channel: want one of email, sms, identification\nRun 'reconi outbox list --help' for usage.\n")
}
