// Flag-parsing tests of reconi version (the command alone, through cmdtest,
// with its run function captured and no database), and of what version.Run
// prints. Its end-to-end tests are in version_test.go, beside this file.
package cli_test

import (
	"testing"

	"github.com/reconi/reconi/cmd/version"
	"github.com/reconi/reconi/internal/buildinfo"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/test/cli/cmdtest"
)

func TestVersionFlags(t *testing.T) {
	for _, tt := range []struct {
		name    string
		args    []string
		format  string
		wantErr *cmdtest.ErrWant
	}{
		{name: "no flags", format: "table"},
		{name: "-o json", args: []string{"-o", "json"}, format: "json"},
		{name: "-o xml", args: []string{"-o", "xml"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"xml"}}},
		{name: "argument", args: []string{"full"}, wantErr: &cmdtest.ErrWant{Flag: true, Contains: []string{"no arguments", "full"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := cmdtest.FlagFactory(t, nil)
			var got *version.Options
			err := cmdtest.Exec(version.NewCmdVersion(f, func(o *version.Options) error {
				got = o
				return nil
			}), tt.args...)
			if tt.wantErr != nil {
				tt.wantErr.Check(t, err)
				if got != nil {
					t.Error("the run function was called")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got == nil {
				t.Fatal("the run function was not called")
			}
			if got.Output.Format != tt.format {
				t.Errorf("format %q, want %q", got.Output.Format, tt.format)
			}
			if got.Info != buildinfo.Get() {
				t.Errorf("info %+v, want the running binary's %+v", got.Info, buildinfo.Get())
			}
		})
	}
}

func TestVersionRun(t *testing.T) {
	info := buildinfo.Info{
		Version:  "1.2.3",
		Commit:   "fedcba9876543210fedcba9876543210fedcba98",
		Date:     "2026-01-02T03:04:05Z",
		Go:       "go1.26.8",
		Platform: "darwin/arm64",
	}
	for _, tt := range []struct {
		name       string
		format, jq string
		want       string
	}{
		{
			name: "people",
			want: "reconi version 1.2.3 (commit fedcba987654, built 2026-01-02T03:04:05Z, go1.26.8 darwin/arm64)\n",
		},
		{
			name:   "json",
			format: "json",
			want: `{
  "version": "1.2.3",
  "commit": "fedcba9876543210fedcba9876543210fedcba98",
  "date": "2026-01-02T03:04:05Z",
  "go": "go1.26.8",
  "platform": "darwin/arm64"
}
`,
		},
		{
			name: "jq",
			jq:   ".commit",
			want: "fedcba9876543210fedcba9876543210fedcba98\n",
		},
		{
			name:   "csv",
			format: "csv",
			want:   "version,commit,date,go,platform\n1.2.3,fedcba9876543210fedcba9876543210fedcba98,2026-01-02T03:04:05Z,go1.26.8,darwin/arm64\n",
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, errOut := output.Test()
			opts := &version.Options{IO: ios, Info: info}
			opts.Output.Format, opts.Output.JQ = tt.format, tt.jq
			if err := version.Run(opts); err != nil {
				t.Fatal(err)
			}
			if out.String() != tt.want {
				t.Errorf("stdout:\n%s\nwant:\n%s", out, tt.want)
			}
			if errOut.Len() != 0 {
				t.Errorf("stderr: %q", errOut)
			}
		})
	}
}
