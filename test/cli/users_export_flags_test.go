package cli_test

import (
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd/users"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestUsersExportFlags(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		want    users.ExportOptions
		wantErr *cmdtest.ErrWant
	}{
		{name: "current draft, csv by default", env: draft7, want: users.ExportOptions{Filter: reconi.UserFilter{ApplicationID: 7}}},
		{name: "org", args: []string{"--org", "69599084", "-o", "json"}, want: users.ExportOptions{Filter: reconi.UserFilter{KVK: "69599084"}}},
		{name: "jq means json", env: draft7, args: []string{"--jq", ".[]"}, want: users.ExportOptions{Filter: reconi.UserFilter{ApplicationID: 7}}},
		{name: "an argument", env: draft7, args: []string{"x"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"no arguments"}}},
		{name: "jq with csv", env: draft7, args: []string{"-o", "csv", "--jq", "."}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--jq"}}},
		{name: "no draft", wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{"no draft selected"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cmdtest.Capture(t, tt.env, users.NewCmdExport, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.Filter != tt.want.Filter {
				t.Errorf("filter %+v, want %+v", got.Filter, tt.want.Filter)
			}
			wantFormat := "csv"
			if strings.Contains(strings.Join(tt.args, " "), "json") || strings.Contains(strings.Join(tt.args, " "), "--jq") {
				wantFormat = "json"
			}
			if got.Output.Format != wantFormat {
				t.Errorf("format %q, want %q", got.Output.Format, wantFormat)
			}
		})
	}
}
