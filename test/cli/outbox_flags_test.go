// Flag-parsing tests of reconi outbox: each command alone, through cmdtest,
// with its run function captured and no database. Its end-to-end tests are in
// outbox_test.go and outbox_retry_test.go, beside this file.
package cli_test

import (
	"context"
	"testing"

	"github.com/reconi/reconi/cmd/outbox"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestOutboxListFlags(t *testing.T) {
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

func TestOutboxShowFlags(t *testing.T) {
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
