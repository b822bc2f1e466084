package org

import (
	"context"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// ListOptions are the inputs of `reconi org list`.
type ListOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
}

// NewCmdList returns `reconi org list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:     "list",
		Short:   "List the organisations of the register",
		Aliases: []string{"ls"},
		Args:    cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	orgs, err := b.Organizations(ctx)
	if err != nil {
		return err
	}
	return opts.Output.Print(opts.IO, orgs, func(t *output.Table) {
		t.AddHeader("KVK", "NAME", "BRANCHES")
		for _, o := range orgs {
			t.AddRow(string(o.KVK), o.Name, strconv.Itoa(len(o.Branches)))
		}
	})
}
