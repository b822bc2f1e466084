// Flag-parsing tests of reconi review: each command alone, through cmdtest,
// with its run function captured and no database. Its end-to-end tests are in
// review_test.go, beside this file.
package cli_test

import (
	"context"
	"testing"

	"github.com/reconi/reconi/cmd/review"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestReviewListFlags(t *testing.T) {
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

func TestReviewDecideFlags(t *testing.T) {
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
