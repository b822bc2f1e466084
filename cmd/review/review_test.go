package review_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/internal/cmdtest"
	"github.com/reconi/reconi/cmd/internal/flowtest"
	"github.com/reconi/reconi/cmd/review"
	"github.com/reconi/reconi/internal/reconi"
)

func TestListFlags(t *testing.T) {
	f, _ := cmdtest.FlagFactory(t, nil)
	var got *review.ListOptions
	if err := cmdtest.Exec(review.NewCmdList(f, func(_ context.Context, o *review.ListOptions) error {
		got = o
		return nil
	}), "-o", "csv"); err != nil || got == nil || got.Output.Format != "csv" {
		t.Fatalf("list -o csv: %v, %+v", err, got)
	}
	f, _ = cmdtest.FlagFactory(t, nil)
	err := cmdtest.Exec(review.NewCmdList(f, func(context.Context, *review.ListOptions) error {
		t.Error("the run function was called")
		return nil
	}), "17")
	(&cmdtest.ErrWant{Flag: true, Contains: []string{"takes no arguments", `"17"`}}).Check(t, err)
}

func TestDecideFlags(t *testing.T) {
	tests := []struct {
		name       string
		reject     bool
		args       []string
		wantID     int64
		wantReason string
		wantErr    *cmdtest.ErrWant
	}{
		{name: "approve", args: []string{"17"}, wantID: 17},
		{name: "approve #", args: []string{"#17", "-o", "json"}, wantID: 17},
		{name: "reject", reject: true, args: []string{"18", "--reason", " not known at the organisation "}, wantID: 18, wantReason: "not known at the organisation"},
		{name: "reject without a reason", reject: true, args: []string{"18"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--reason is required"}}},
		{name: "reject with a blank reason", reject: true, args: []string{"18", "--reason", "  "},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--reason is required"}}},
		{name: "approve, not an ID", args: []string{"piet"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{`"piet"`, "not a user ID"}}},
		{name: "approve, no ID", args: nil,
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"reconi review list", "got 0"}}},
		{name: "approve, --reason", args: []string{"17", "--reason", "x"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--reason"}}},
		{name: "reject, -o xml", reject: true, args: []string{"18", "--reason", "x", "-o", "xml"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{`"xml"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := cmdtest.FlagFactory(t, nil)
			var got *review.DecideOptions
			run := func(_ context.Context, o *review.DecideOptions) error {
				got = o
				return nil
			}
			c := review.NewCmdApprove(f, run)
			if tt.reject {
				c = review.NewCmdReject(f, run)
			}
			err := cmdtest.Exec(c, tt.args...)
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
			if got.UserID != tt.wantID || got.Reason != tt.wantReason {
				t.Errorf("got %d, %q; want %d, %q", got.UserID, got.Reason, tt.wantID, tt.wantReason)
			}
		})
	}
}

func TestReview(t *testing.T) {
	s := cmdtest.New(t)
	s.CreateDatabase()
	s.RunWith(cmdtest.Options{TTY: true}, "review", "list").Expect(t, cmd.ExitOK, "", "! no users await the final check\n")
	s.Run("review", "list", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")

	app := flowtest.Submit(t, s)
	flowtest.Order(t, s, app, flowtest.Jan)
	flowtest.Order(t, s, app, flowtest.Piet)
	jan := strconv.FormatInt(flowtest.UserID(t, s, app, flowtest.Jan.Email), 10)
	piet := strconv.FormatInt(flowtest.UserID(t, s, app, flowtest.Piet.Email), 10)
	s.Run("review", "approve", piet).Expect(t, cmd.ExitConflict, "",
		"error: user "+piet+" (piet@example.nl) is not awaiting the final check (state identification_pending)\n")
	s.MustRun("identification", "complete", piet, "--result", "passed")

	s.RunWith(cmdtest.Options{TTY: true}, "review", "list").Expect(t, cmd.ExitOK,
		"ID  EMAIL            NAME      ORGANISATION                  LEVEL  SINCE\n"+
			piet+"   piet@example.nl  Piet Puk  Test EMZ Dagobert (69599084)  EH3    0000-00-00 00:00\n", "")
	r := s.MustRun("review", "list", "-o", "json")
	var reviews []reconi.Review
	if err := json.Unmarshal([]byte(r.Stdout), &reviews); err != nil || len(reviews) != 1 ||
		reviews[0].User.Email != flowtest.Piet.Email || reviews[0].Organization.KVK != cmdtest.KVK || reviews[0].Since.IsZero() {
		t.Errorf("review list -o json: %v\n%s", err, r.Stdout)
	}

	// Refusals: Jan is issued already, 999 is nobody, a reason is needed.
	s.Run("review", "approve", jan).Expect(t, cmd.ExitConflict, "",
		"error: user "+jan+" (jan@example.nl) is not awaiting the final check (state issued)\n")
	s.Run("review", "reject", "999", "--reason", "x").Expect(t, cmd.ExitNotFound, "", "error: user 999 not found\n")
	s.Run("review", "reject", piet).Expect(t, cmd.ExitUsage, "",
		"error: --reason is required: say why the request is rejected; the authorization manager is told\nRun 'reconi review reject --help' for usage.\n")
	s.Run("review", "approve", "0").Expect(t, cmd.ExitInvalid, "",
		"error: user: \"0\" is not a user ID: want a positive number like 17 (see reconi status APP_ID or reconi review list)\n")

	s.RunWith(cmdtest.Options{TTY: true}, "review", "approve", piet).Expect(t, cmd.ExitOK,
		"ID  EMAIL            NAME      APPLICATION  STATE\n"+
			piet+"   piet@example.nl  Piet Puk  "+strconv.FormatInt(app, 10)+"            issued\n",
		"✓ Approved piet@example.nl: the means is issued\n")
	s.Run("review", "list", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
	// The user is emailed that the means is issued.
	var issued bool
	for _, m := range flowtest.Outbox(t, s, "--to", flowtest.Piet.Email) {
		issued = issued || strings.Contains(m.Subject, "Your eHerkenning was issued")
	}
	if !issued {
		t.Error("no email to Piet that the means was issued")
	}

	// Reject, in a second application.
	app2 := flowtest.Submit(t, s, flowtest.Piet)
	flowtest.Order(t, s, app2, flowtest.Piet)
	piet2 := strconv.FormatInt(flowtest.UserID(t, s, app2, flowtest.Piet.Email), 10)
	s.MustRun("identification", "complete", piet2, "--result", "passed")
	s.Run("review", "reject", piet2, "--reason", "not known at the organisation", "-o", "json", "--jq", ".state").
		Expect(t, cmd.ExitOK, "rejected\n", "")
	r = s.MustRun("status", strconv.FormatInt(app2, 10))
	if !strings.Contains(r.Stdout, "final_check → rejected\tfinal check rejected: not known at the organisation") {
		t.Errorf("status after reject:\n%s", r.Stdout)
	}
	s.Run("review", "reject", piet2, "--reason", "again").Expect(t, cmd.ExitConflict, "",
		"error: user "+piet2+" (piet@example.nl) is not awaiting the final check (state rejected)\n")
}
