// Flag-parsing tests of reconi users: each command alone, through cmdtest,
// with its run function captured and no database. Those of export, show and
// update are in users_export_flags_test.go, users_show_flags_test.go and
// users_update_flags_test.go. Its end-to-end tests are in users_test.go,
// users_export_test.go, users_import_skip_test.go, users_prompt_test.go,
// users_show_test.go and users_update_test.go, beside this file.
package cli_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd/users"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

// draft7 makes draft 7 the draft every flag test works on, as RECONI_DRAFT.
var draft7 = map[string]string{"RECONI_DRAFT": "7"}

func TestUsersAddFlags(t *testing.T) {
	person := func(extra ...string) []string {
		return append([]string{"--first-name", "Jan", "--last-name", "van der Berg", "--email", "jan@example.nl", "--phone", "06 12345678"}, extra...)
	}
	tests := []struct {
		name      string
		env       map[string]string
		args      []string
		wantDraft int64
		wantUser  reconi.NewUser
		wantErr   *cmdtest.ErrWant
	}{
		{
			name:      "employed false",
			env:       draft7,
			args:      person("--employed=false"),
			wantDraft: 7,
			wantUser:  reconi.NewUser{FirstName: "Jan", LastName: "van der Berg", Email: "jan@example.nl", Phone: "06 12345678", Employed: ptr(false)},
		},
		{
			name:      "employed true, date of birth, --draft over RECONI_DRAFT",
			env:       draft7,
			args:      person("--employed", "--date-of-birth", "1985-04-12", "--draft", "12"),
			wantDraft: 12,
			wantUser:  reconi.NewUser{FirstName: "Jan", LastName: "van der Berg", Email: "jan@example.nl", Phone: "06 12345678", DateOfBirth: "1985-04-12", Employed: ptr(true)},
		},
		{
			name:    "employed missing",
			env:     draft7,
			args:    person(),
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--employed"}},
		},
		{
			name:    "every flag missing",
			env:     draft7,
			args:    nil,
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--first-name", "--last-name", "--email", "--phone", "--employed"}},
		},
		{
			name:    "email missing",
			env:     draft7,
			args:    []string{"--first-name", "Jan", "--last-name", "Jansen", "--phone", "0612345678", "--employed=true"},
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--email"}},
		},
		{
			name:      "employed as a CSV says it: nee",
			env:       draft7,
			args:      person("--employed=nee"),
			wantDraft: 7,
			wantUser:  reconi.NewUser{FirstName: "Jan", LastName: "van der Berg", Email: "jan@example.nl", Phone: "06 12345678", Employed: ptr(false)},
		},
		{
			name:      "employed as a CSV says it: JA",
			env:       draft7,
			args:      person("--employed=JA"),
			wantDraft: 7,
			wantUser:  reconi.NewUser{FirstName: "Jan", LastName: "van der Berg", Email: "jan@example.nl", Phone: "06 12345678", Employed: ptr(true)},
		},
		{
			name:      "employed as a CSV says it: 0",
			env:       draft7,
			args:      person("--employed=0"),
			wantDraft: 7,
			wantUser:  reconi.NewUser{FirstName: "Jan", LastName: "van der Berg", Email: "jan@example.nl", Phone: "06 12345678", Employed: ptr(false)},
		},
		{
			// cobra reads "--employed false" as --employed and an argument.
			name:    "employed with a space",
			env:     draft7,
			args:    person("--employed", "false"),
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--employed=false", `"false" is read as an argument`}},
		},
		{
			name:    "employed with a space: no",
			env:     draft7,
			args:    person("--employed", "no"),
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--employed=no"}},
		},
		{
			name:    "not a boolean",
			env:     draft7,
			args:    person("--employed=maybe"),
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--employed", "maybe", "ja/nee"}},
		},
		{
			name:    "an argument",
			env:     draft7,
			args:    person("--employed=true", "jan@example.nl"),
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"takes no arguments", "jan@example.nl"}},
		},
		{
			name:    "unknown output format",
			env:     draft7,
			args:    person("--employed=true", "-o", "xml"),
			wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"-o/--output", "xml"}},
		},
		{
			name:    "no draft anywhere",
			args:    person("--employed=true"),
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{"no draft selected", "org select"}},
		},
		{
			name:    "draft not a number",
			args:    person("--employed=true", "--draft", "abc"),
			wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{"draft", `"abc"`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cmdtest.Capture(t, tt.env, users.NewCmdAdd, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.DraftID != tt.wantDraft {
				t.Errorf("DraftID = %d, want %d", got.DraftID, tt.wantDraft)
			}
			if !reflect.DeepEqual(got.User, tt.wantUser) {
				t.Errorf("User = %+v (employed %v), want %+v (employed %v)", got.User, derefBool(got.User.Employed), tt.wantUser, derefBool(tt.wantUser.Employed))
			}
		})
	}
}

func derefBool(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}

func TestUsersImportFlags(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		want    users.ImportOptions // DraftID, File, DryRun
		wantErr *cmdtest.ErrWant
	}{
		{name: "file", env: draft7, args: []string{"users.csv"}, want: users.ImportOptions{DraftID: 7, File: "users.csv"}},
		{name: "stdin, dry run", env: draft7, args: []string{"-", "--dry-run"}, want: users.ImportOptions{DraftID: 7, File: "-", DryRun: true}},
		{name: "--draft", env: draft7, args: []string{"--draft", "#3", "users.csv"}, want: users.ImportOptions{DraftID: 3, File: "users.csv"}},
		{name: "no file", env: draft7, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"CSV file", "-"}}},
		{name: "two files", env: draft7, args: []string{"a.csv", "b.csv"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"at most one file", "got 2"}}},
		{name: "jq with csv", env: draft7, args: []string{"a.csv", "-o", "csv", "--jq", ".rows"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--jq"}}},
		{name: "no draft", args: []string{"a.csv"}, wantErr: &cmdtest.ErrWant{Kind: reconi.KindInvalid, Contains: []string{"no draft selected"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cmdtest.Capture(t, tt.env, users.NewCmdImport, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.DraftID != tt.want.DraftID || got.File != tt.want.File || got.DryRun != tt.want.DryRun {
				t.Errorf("got draft %d, file %q, dry run %v; want draft %d, file %q, dry run %v",
					got.DraftID, got.File, got.DryRun, tt.want.DraftID, tt.want.File, tt.want.DryRun)
			}
		})
	}
}

// --template needs neither a draft nor a backend, and never runs the import.
func TestUsersImportTemplateFlag(t *testing.T) {
	f, out := cmdtest.FlagFactory(t, nil)
	called := false
	err := cmdtest.Exec(users.NewCmdImport(f, func(context.Context, *users.ImportOptions) error {
		called = true
		return nil
	}), "--template")
	if err != nil {
		t.Fatal(err)
	}
	if called {
		t.Error("the run function was called")
	}
	if want := "first_name,last_name,email,phone,date_of_birth,employed\n"; !strings.HasPrefix(out.String(), want) {
		t.Errorf("template starts %q, want the header %q", out, want)
	}
}

func TestUsersListFlags(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		want    reconi.UserFilter
		format  string
		wantErr *cmdtest.ErrWant
	}{
		{name: "current draft", env: draft7, want: reconi.UserFilter{ApplicationID: 7}, format: "table"},
		{name: "--draft, csv", env: draft7, args: []string{"--draft", "12", "-o", "csv"}, want: reconi.UserFilter{ApplicationID: 12}, format: "csv"},
		{name: "--org needs no draft", args: []string{"--org", "69599084"}, want: reconi.UserFilter{KVK: "69599084"}, format: "table"},
		{name: "--org and --draft", env: draft7, args: []string{"--org", "69599084", "--draft", "3"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--org", "--draft"}}},
		{name: "argument", env: draft7, args: []string{"x"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"no arguments"}}},
		{name: "-o xml", env: draft7, args: []string{"-o", "xml"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"xml"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cmdtest.Capture(t, tt.env, users.NewCmdList, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.Filter != tt.want || got.Output.Format != tt.format {
				t.Errorf("filter %+v, format %q; want %+v, %q", got.Filter, got.Output.Format, tt.want, tt.format)
			}
		})
	}
}

func TestUsersRemoveFlags(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantDraft int64
		wantEmail string
		wantErr   *cmdtest.ErrWant
	}{
		{name: "email", args: []string{"jan@example.nl"}, wantDraft: 7, wantEmail: "jan@example.nl"},
		{name: "--draft", args: []string{"jan@example.nl", "--draft", "9"}, wantDraft: 9, wantEmail: "jan@example.nl"},
		{name: "no email", wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"email address", "got 0"}}},
		{name: "two emails", args: []string{"a@example.nl", "b@example.nl"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"got 2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cmdtest.Capture(t, draft7, users.NewCmdRemove, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.DraftID != tt.wantDraft || got.Email != tt.wantEmail {
				t.Errorf("got %+v, want draft %d, email %q", got, tt.wantDraft, tt.wantEmail)
			}
		})
	}
}
