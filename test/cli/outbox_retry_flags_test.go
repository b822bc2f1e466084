package cli_test

import (
	"slices"
	"testing"

	"github.com/reconi/reconi/cmd/outbox"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestOutboxRetryFlags(t *testing.T) {
	failed := reconi.OutboxFilter{State: "failed"}
	tests := []struct {
		name    string
		args    []string
		ids     []int64
		all     bool
		filter  reconi.OutboxFilter
		wantErr *cmdtest.ErrWant
	}{
		{name: "IDs", args: []string{"12", "#13"}, ids: []int64{12, 13}, filter: failed},
		{name: "all failed", args: []string{"--all"}, all: true, filter: failed},
		{name: "all kept email of an application", args: []string{"--all", "--state", "KEPT", "--channel", "email", "--app", "42"},
			all: true, filter: reconi.OutboxFilter{State: "kept", Channel: "email", ApplicationID: 42}},
		{name: "nothing named",
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"by ID", "--all"}}},
		{name: "IDs and --all", args: []string{"--all", "3"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"by ID", "--all"}}},
		{name: "a selector with IDs", args: []string{"3", "--channel", "sms"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--channel", "--all"}}},
		{name: "a state that is not sent again", args: []string{"--all", "--state", "sent"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{`"sent"`, "--state", "failed or kept"}}},
		{name: "another channel", args: []string{"--all", "--channel", "fax"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{`"fax"`, "email, sms, identification"}}},
		{name: "not an ID", args: []string{"3", "three"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{`"three"`, "message ID", "reconi outbox list"}}},
		{name: "not an application", args: []string{"--all", "--app", "x"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{"app", `"x"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cmdtest.Capture(t, nil, outbox.NewCmdRetry, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if !slices.Equal(got.IDs, tt.ids) || got.All != tt.all || got.Filter != tt.filter {
				t.Errorf("got IDs %v, all %v, filter %+v; want %v, %v, %+v", got.IDs, got.All, got.Filter, tt.ids, tt.all, tt.filter)
			}
		})
	}
}
