// Flag-parsing tests of reconi identification: each command alone, through
// cmdtest, with its run function captured and no database. Its end-to-end
// tests are in identification_test.go, beside this file.
package cli_test

import (
	"testing"

	"github.com/reconi/reconi/cmd/identification"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestIdentificationCompleteFlags(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantID     int64
		wantPassed bool
		wantNote   string
		wantErr    *cmdtest.ErrWant
	}{
		{name: "passed", args: []string{"17", "--result", "passed"}, wantID: 17, wantPassed: true},
		{name: "failed with a note", args: []string{"#18", "--result", "FAILED", "--note", "  document expired "}, wantID: 18, wantNote: "document expired"},
		{name: "no result", args: []string{"17"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--result is required", "passed or failed"}}},
		{name: "another result", args: []string{"17", "--result", "ok"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{`"ok"`, "--result"}}},
		{name: "not an ID", args: []string{"jan@example.nl", "--result", "passed"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{`"jan@example.nl"`, "not a user ID"}}},
		{name: "no ID", args: []string{"--result", "passed"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"the user's ID", "got 0"}}},
		{name: "-o xml", args: []string{"17", "--result", "passed", "-o", "xml"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{`"xml"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cmdtest.Capture(t, nil, identification.NewCmdComplete, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.UserID != tt.wantID || got.Passed != tt.wantPassed || got.Note != tt.wantNote {
				t.Errorf("got %d, %v, %q; want %d, %v, %q", got.UserID, got.Passed, got.Note, tt.wantID, tt.wantPassed, tt.wantNote)
			}
		})
	}
}
