// Flag-parsing tests of reconi permissions: each command alone, through
// cmdtest, with its run function captured and no database. Its end-to-end
// tests are in permissions_test.go, permissions_grant_test.go,
// permissions_prompt_test.go and permissions_remote_test.go, beside this file.
package cli_test

import (
	"reflect"
	"testing"

	"github.com/reconi/reconi/cmd/permissions"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestPermissionsSetFlags(t *testing.T) {
	const svc = "urn:etoegang:DV:00000001000000000005:services:1"
	tests := []struct {
		name      string
		env       map[string]string
		args      []string
		wantDraft int64
		want      reconi.PermissionsInput
		wantErr   *cmdtest.ErrWant
	}{
		{
			name:      "providers",
			args:      []string{"--provider", "RVO", "--provider", "UWV", "--validity", "3y"},
			wantDraft: 7,
			want:      reconi.PermissionsInput{Direct: true, Providers: []string{"RVO", "UWV"}, ValidityYears: 3},
		},
		{
			name:      "all services, 1 year, --draft",
			args:      []string{"--all-services", "--validity", "1y", "--draft", "4"},
			wantDraft: 4,
			want:      reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1},
		},
		{
			name:      "services, validity without y",
			args:      []string{"--service", svc, "--service", "urn:x", "--validity", "5"},
			wantDraft: 7,
			want:      reconi.PermissionsInput{Direct: true, Services: []string{svc, "urn:x"}, ValidityYears: 5},
		},
		{
			name:      "direct false",
			args:      []string{"--direct=false", "--validity", "3Y"},
			wantDraft: 7,
			want:      reconi.PermissionsInput{Direct: false, ValidityYears: 3},
		},
		{
			name:      "RECONI_DRAFT",
			env:       map[string]string{"RECONI_DRAFT": "21"},
			args:      []string{"--all-services", "--validity", "3y"},
			wantDraft: 21,
			want:      reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 3},
		},
		{name: "no validity", args: []string{"--all-services"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--validity", "1y, 3y or 5y"}}},
		{name: "validity not offered", args: []string{"--all-services", "--validity", "2y"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{"validity", `"2y"`, "1y, 3y or 5y"}}},
		{name: "validity over 5 years", args: []string{"--all-services", "--validity", "10y"},
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{"validity", "at most 5 years"}}},
		{name: "nothing chosen", args: []string{"--validity", "3y"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--all-services", "--provider", "--service", "--direct=false"}}},
		{name: "two kinds", args: []string{"--all-services", "--provider", "RVO", "--validity", "3y"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--all-services and --provider"}}},
		{name: "direct false with services", args: []string{"--direct=false", "--service", svc, "--validity", "3y"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--direct=false", "--service"}}},
		{name: "argument", args: []string{"RVO", "--validity", "3y"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"no arguments", "RVO"}}},
		{name: "yaml with jq", args: []string{"--all-services", "--validity", "3y", "-o", "yaml", "--jq", ".id"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--jq"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := tt.env
			if env == nil {
				env = map[string]string{"RECONI_DRAFT": "7"}
			}
			got := cmdtest.Capture(t, env, permissions.NewCmdSet, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.DraftID != tt.wantDraft {
				t.Errorf("DraftID = %d, want %d", got.DraftID, tt.wantDraft)
			}
			if !reflect.DeepEqual(got.Input, tt.want) {
				t.Errorf("Input = %+v, want %+v", got.Input, tt.want)
			}
		})
	}
}
