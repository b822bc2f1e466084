// Package version holds `reconi version`: which build this is.
package version

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/buildinfo"
	"github.com/reconi/reconi/internal/output"
)

// Options are the inputs of `reconi version`.
type Options struct {
	IO     *output.IOStreams
	Output cmdutil.OutputFlags
	// Info is the build to describe; the running binary's unless a test
	// sets another.
	Info buildinfo.Info
}

// NewCmdVersion returns `reconi version`.
func NewCmdVersion(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams}
	cmd := &cobra.Command{
		Use:   "version",
		Short: "Show reconi's version, commit, build date and platform",
		Long: `Show which reconi this is: the release version, the git commit and date it was
built from, the Go version and the platform. reconi --version prints the same line.`,
		Example: `  reconi version
  reconi version -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			opts.Info = buildinfo.Get()
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

// Run prints opts.Info: one line for people (as cobra's --version prints it),
// the fields for scripts.
func Run(opts *Options) error {
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, opts.Info, nil)
	}
	_, err := fmt.Fprintf(opts.IO.Out, "reconi version %s\n", opts.Info.Summary())
	return err
}
