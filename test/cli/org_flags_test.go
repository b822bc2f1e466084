// Flag-parsing tests of reconi org: each command alone, through cmdtest, with
// its run function captured and no database. Its end-to-end tests are in
// org_test.go and org_prompt_test.go, beside this file.
package cli_test

import (
	"context"
	"slices"
	"testing"

	"github.com/reconi/reconi/cmd/org"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestOrgRegisterFlags(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		want     org.RegisterOptions // KVK, Name, Branches
		wantJSON bool
		wantErr  *cmdtest.ErrWant
	}{
		{
			name: "no branch",
			args: []string{"--kvk", "69599084", "--name", "Test EMZ Dagobert"},
			want: org.RegisterOptions{KVK: "69599084", Name: "Test EMZ Dagobert"},
		},
		{
			name:     "two branches, json",
			args:     []string{"--kvk", "68750110", "--name", "BV", "--branch", "000037178598", "--branch", "000037178599", "-o", "json"},
			want:     org.RegisterOptions{KVK: "68750110", Name: "BV", Branches: []string{"000037178598", "000037178599"}},
			wantJSON: true,
		},
		{name: "no kvk", args: []string{"--name", "BV"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--kvk"}}},
		{name: "no name", args: []string{"--kvk", "68750110"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--name"}}},
		{name: "argument", args: []string{"68750110"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"no arguments", "68750110"}}},
		{name: "unknown flag", args: []string{"--kvk", "68750110", "--name", "BV", "--vestiging", "1"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--vestiging"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cmdtest.Capture(t, nil, org.NewCmdRegister, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.KVK != tt.want.KVK || got.Name != tt.want.Name || !slices.Equal(got.Branches, tt.want.Branches) {
				t.Errorf("got kvk %q, name %q, branches %q; want %q, %q, %q", got.KVK, got.Name, got.Branches, tt.want.KVK, tt.want.Name, tt.want.Branches)
			}
			if got.Output.Machine() != tt.wantJSON {
				t.Errorf("machine output %v, want %v", got.Output.Machine(), tt.wantJSON)
			}
		})
	}
}

func TestOrgSelectFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    org.SelectOptions // KVK, Level, Branch
		wantErr *cmdtest.ErrWant
	}{
		{name: "level", args: []string{"69599084", "--level", "EH3"}, want: org.SelectOptions{KVK: "69599084", Level: "EH3"}},
		{name: "-l and branch", args: []string{"69599084", "-l", "EH2+", "--branch", "000037178598"}, want: org.SelectOptions{KVK: "69599084", Level: "EH2+", Branch: "000037178598"}},
		// The level is checked by the backend, which says why EH4 cannot be had.
		{name: "EH4 passes parsing", args: []string{"69599084", "--level", "EH4"}, want: org.SelectOptions{KVK: "69599084", Level: "EH4"}},
		{name: "no level", args: []string{"69599084"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"--level", "EH2, EH2+ or EH3"}}},
		{name: "no kvk", args: []string{"--level", "EH3"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"KvK number", "got 0"}}},
		{name: "two kvks", args: []string{"69599084", "68750110", "--level", "EH3"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"got 2"}}},
		{name: "-o xml", args: []string{"69599084", "--level", "EH3", "-o", "xml"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"xml"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cmdtest.Capture(t, nil, org.NewCmdSelect, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got.KVK != tt.want.KVK || got.Level != tt.want.Level || got.Branch != tt.want.Branch {
				t.Errorf("got %q %q %q, want %q %q %q", got.KVK, got.Level, got.Branch, tt.want.KVK, tt.want.Level, tt.want.Branch)
			}
		})
	}
}

func TestOrgShowAndListFlags(t *testing.T) {
	t.Run("show", func(t *testing.T) {
		f, _ := cmdtest.FlagFactory(t, nil)
		var got *org.ShowOptions
		err := cmdtest.Exec(org.NewCmdShow(f, func(_ context.Context, o *org.ShowOptions) error {
			got = o
			return nil
		}), "69599084", "-o", "yaml")
		if err != nil {
			t.Fatal(err)
		}
		if got == nil || got.KVK != "69599084" || got.Output.Format != "yaml" {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("show without kvk", func(t *testing.T) {
		f, _ := cmdtest.FlagFactory(t, nil)
		err := cmdtest.Exec(org.NewCmdShow(f, func(context.Context, *org.ShowOptions) error {
			t.Error("the run function was called")
			return nil
		}))
		cmdtest.ErrWant{Flag: true, Contains: []string{"KvK number"}}.Check(t, err)
	})
	t.Run("list", func(t *testing.T) {
		f, _ := cmdtest.FlagFactory(t, nil)
		var got *org.ListOptions
		err := cmdtest.Exec(org.NewCmdList(f, func(_ context.Context, o *org.ListOptions) error {
			got = o
			return nil
		}), "--jq", ".[].kvk")
		if err != nil {
			t.Fatal(err)
		}
		if got == nil || got.Output.JQ != ".[].kvk" {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("list with argument", func(t *testing.T) {
		f, _ := cmdtest.FlagFactory(t, nil)
		err := cmdtest.Exec(org.NewCmdList(f, func(context.Context, *org.ListOptions) error {
			t.Error("the run function was called")
			return nil
		}), "69599084")
		cmdtest.ErrWant{Flag: true, Contains: []string{"no arguments"}}.Check(t, err)
	})
}
