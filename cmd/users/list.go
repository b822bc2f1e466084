package users

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// ListOptions are the inputs of `reconi users list`.
type ListOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	Filter  reconi.UserFilter
}

// NewCmdList returns `reconi users list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:     "list [--draft ID | --org KVK]",
		Short:   "List the users of a draft, an application or an organisation",
		Aliases: []string{"ls"},
		Example: `  reconi users list
  reconi users list --draft 12 -o csv
  reconi users list --org 69599084 --jq '.[] | select(.state == "invited") | .email'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if err := resolveFilter(f, cmd, &opts.Filter); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Filter.KVK, "org", "", "list the users of every application of this organisation (`KVK`)")
	cmdutil.DraftFlag(cmd)
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	w, err := userWriter(opts.IO, &opts.Output)
	if err != nil {
		return err
	}
	if err := reconi.EachUserPage(ctx, b, opts.Filter, w.Write); err != nil {
		return err
	}
	n, err := w.Close()
	if err == nil && n == 0 && !opts.Output.Machine() {
		opts.IO.Warnf("no users yet: add them with reconi users add or reconi users import FILE")
	}
	return err
}

// resolveFilter picks whose users a command is about: the organisation of
// --org, or else the draft or application of --draft (or the current one).
func resolveFilter(f *cmdutil.Factory, cmd *cobra.Command, filter *reconi.UserFilter) error {
	if cmd.Flags().Changed("org") && cmd.Flags().Changed("draft") {
		return cmdutil.FlagErrorf("--org and --draft cannot be used together")
	}
	if filter.KVK != "" {
		return nil
	}
	id, err := cmdutil.ResolveDraft(cmd, f.Config, f.Getenv)
	filter.ApplicationID = id
	return err
}
