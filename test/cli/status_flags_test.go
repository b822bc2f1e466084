// Flag-parsing tests of reconi status: the command alone, through cmdtest,
// with its run function captured and no database. Its end-to-end tests are in
// status_test.go and status_wait_test.go, beside this file. The tests of
// --wait (its flags, and waiting on a clock of its own) stay beside the
// command, in cmd/status/wait_test.go, whose clock needs the command's
// internals (wait_export_test.go).
package cli_test

import (
	"testing"

	"github.com/reconi/reconi/cmd/status"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestStatusFlags(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantID     int64
		wantFilter reconi.ApplicationFilter
		wantFormat string
		wantErr    *cmdtest.ErrWant
	}{
		{name: "all", wantFormat: "table"},
		{name: "one", args: []string{"12"}, wantID: 12, wantFormat: "table"},
		{name: "one with #", args: []string{"#12", "-o", "json"}, wantID: 12, wantFormat: "json"},
		{name: "filters", args: []string{"--org", "69599084", "--state", "invited", "--email", "jan@example.nl", "-o", "csv"},
			wantFilter: reconi.ApplicationFilter{KVK: "69599084", State: "invited", Email: "jan@example.nl"}, wantFormat: "csv"},
		{name: "not an ID", args: []string{"abc"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{`"abc"`, "application ID"}}},
		{name: "zero", args: []string{"0"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{`"0"`, "positive number"}}},
		{name: "two IDs", args: []string{"1", "2"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"at most one application ID", "got 2"}}},
		{name: "-o xml", args: []string{"-o", "xml"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{`"xml"`, "-o/--output"}}},
		{name: "unknown flag", args: []string{"--wat"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--wat"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// status works on applications by ID, never on the current draft.
			got := cmdtest.Capture(t, map[string]string{"RECONI_DRAFT": "99"}, status.NewCmdStatus, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.AppID != tt.wantID || got.Filter != tt.wantFilter || got.Output.Format != tt.wantFormat {
				t.Errorf("got ID %d, filter %+v, format %q; want %d, %+v, %q", got.AppID, got.Filter, got.Output.Format, tt.wantID, tt.wantFilter, tt.wantFormat)
			}
		})
	}
}
