// Flag-parsing tests of reconi cancel: the command alone, through cmdtest,
// with its run function captured and no database. Its end-to-end tests are in
// cancel_test.go, beside this file.
package cli_test

import (
	"testing"

	"github.com/reconi/reconi/cmd/cancel"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestCancelFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		tty     bool
		want    cancel.Options
		wantErr *cmdtest.ErrWant
	}{
		{name: "yes", args: []string{"12", "--yes"}, want: cancel.Options{AppID: 12, Yes: true}},
		{name: "one user, -y", args: []string{"#12", "-y", "--email", "Jan@Example.NL", "--reason", " left "},
			want: cancel.Options{AppID: 12, Yes: true, Email: "Jan@example.nl", Reason: "left"}},
		{name: "a terminal asks", args: []string{"12"}, tty: true, want: cancel.Options{AppID: 12}},
		{name: "no terminal, no --yes", args: []string{"12"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--yes is required", "nothing was cancelled"}}},
		{name: "not an email", args: []string{"12", "--yes", "--email", "jan"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{`"jan"`, "email"}}},
		{name: "no ID", args: []string{"--yes"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"the application ID", "got 0"}}},
		{name: "not an ID", args: []string{"jan@example.nl", "--yes"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{`"jan@example.nl"`, "application ID"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := cmdtest.FlagFactory(t, nil)
			f.IOStreams.SetStdinTTY(tt.tty)
			f.IOStreams.SetStdoutTTY(tt.tty)
			got := cmdtest.CaptureWith(t, f, cancel.NewCmdCancel, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.AppID != tt.want.AppID || got.Yes != tt.want.Yes || got.Email != tt.want.Email || got.Reason != tt.want.Reason {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
		})
	}
}
