package org

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// ShowOptions are the inputs of `reconi org show`.
type ShowOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	KVK     string
}

// NewCmdShow returns `reconi org show` (wizard step 6: check the organisation).
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:     "show KVK",
		Short:   "Show an organisation of the register",
		Example: `  reconi org show 69599084`,
		Args:    cmdutil.ExactArgs(1, "the organisation's KvK number"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.KVK = args[0]
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	cmd.ValidArgsFunction = cmdutil.FirstArg(cmdutil.CompleteOrgs(f))
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	o, err := b.Organization(ctx, reconi.KVK(opts.KVK))
	if err != nil {
		return err
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, o, nil)
	}
	return printOrg(opts.IO, o, nil)
}

func printOrg(ios *output.IOStreams, o *reconi.Organization, extra [][2]string) error {
	var branches []string
	for _, b := range o.Branches {
		branches = append(branches, string(b.Number))
	}
	if len(branches) == 0 {
		branches = []string{"none registered"}
	}
	pairs := [][2]string{
		{"Organisation", o.Name},
		{"KvK number", string(o.KVK)},
		{"Branches", strings.Join(branches, ", ")},
	}
	return output.PrintKV(ios, append(pairs, extra...))
}
