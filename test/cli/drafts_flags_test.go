// Flag-parsing tests of reconi drafts: each command alone, through cmdtest,
// with its run function captured and no database. Its end-to-end tests are in
// drafts_test.go, beside this file.
package cli_test

import (
	"testing"

	"github.com/reconi/reconi/cmd/drafts"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestDraftsDiscardFlags(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantID     int64
		wantReason string
		wantYes    bool
		wantErr    *cmdtest.ErrWant
	}{
		{name: "yes", args: []string{"12", "--yes"}, wantID: 12, wantYes: true},
		{name: "reason", args: []string{"#12", "-y", "--reason", "  wrong organisation "}, wantID: 12, wantYes: true, wantReason: "wrong organisation"},
		{name: "no ID", args: []string{"--yes"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"the draft ID", "got 0"}}},
		{name: "not an ID", args: []string{"abc", "--yes"}, wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{`"abc"`}}},
		// Flag parsing has no terminal: --yes is required.
		{name: "without --yes", args: []string{"12"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--yes is required", "nothing was discarded"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cmdtest.Capture(t, nil, drafts.NewCmdDiscard, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.ID != tt.wantID || got.Reason != tt.wantReason || got.Yes != tt.wantYes {
				t.Errorf("got %d %q %v; want %d %q %v", got.ID, got.Reason, got.Yes, tt.wantID, tt.wantReason, tt.wantYes)
			}
		})
	}
}

func TestDraftsUseAndListFlags(t *testing.T) {
	if got := cmdtest.Capture(t, nil, drafts.NewCmdUse, nil, "7"); got.ID != 7 {
		t.Errorf("use 7: ID %d", got.ID)
	}
	cmdtest.Capture(t, nil, drafts.NewCmdUse, &cmdtest.ErrWant{Flag: true, Contains: []string{"the draft ID", "got 2"}}, "7", "8")
	if got := cmdtest.Capture(t, nil, drafts.NewCmdList, nil, "--org", "69599084", "-o", "csv"); got.KVK != "69599084" || got.Output.Format != "csv" {
		t.Errorf("list: %+v", got)
	}
	cmdtest.Capture(t, nil, drafts.NewCmdList, &cmdtest.ErrWant{Flag: true, Contains: []string{"extra"}}, "extra")
}
