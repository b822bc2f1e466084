// Flag-parsing tests of reconi services: each command alone, through cmdtest,
// with its run function captured and no database. Its end-to-end tests are in
// services_test.go, beside this file.
package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd/services"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestServicesListFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		want    reconi.ServiceFilter
		wantErr *cmdtest.ErrWant
	}{
		{name: "all"},
		{name: "level", args: []string{"--level", "EH2+"}, want: reconi.ServiceFilter{Level: "EH2+"}},
		{name: "-l and provider", args: []string{"-l", "EH3", "--provider", "UWV"}, want: reconi.ServiceFilter{Level: "EH3", Provider: "UWV"}},
		{name: "argument", args: []string{"UWV"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"no arguments", `"UWV"`}}},
		{name: "-o xml", args: []string{"-o", "xml"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{`"xml"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cmdtest.Capture(t, nil, services.NewCmdList, tt.wantErr, tt.args...)
			if got == nil {
				return
			}
			if got == nil || got.Filter != tt.want {
				t.Errorf("got %+v, want filter %+v", got, tt.want)
			}
		})
	}
}

func TestServicesLoadFlags(t *testing.T) {
	t.Run("file", func(t *testing.T) {
		f, _ := cmdtest.FlagFactory(t, nil)
		var got *services.LoadOptions
		err := cmdtest.Exec(services.NewCmdLoad(f, func(_ context.Context, o *services.LoadOptions) error {
			got = o
			return nil
		}), "catalogue.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if got == nil || got.File != "catalogue.yaml" {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("no file", func(t *testing.T) {
		f, _ := cmdtest.FlagFactory(t, nil)
		err := cmdtest.Exec(services.NewCmdLoad(f, func(context.Context, *services.LoadOptions) error {
			t.Error("the run function was called")
			return nil
		}))
		cmdtest.ErrWant{Flag: true, Contains: []string{"catalogue file"}}.Check(t, err)
	})
	t.Run("example needs no backend", func(t *testing.T) {
		f, out := cmdtest.FlagFactory(t, nil)
		err := cmdtest.Exec(services.NewCmdLoad(f, func(context.Context, *services.LoadOptions) error {
			t.Error("the run function was called")
			return nil
		}), "--example")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "Belastingdienst") {
			t.Errorf("--example printed %q", out.String())
		}
	})
}
