package users

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// RemoveOptions are the inputs of `reconi users remove`.
type RemoveOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	DraftID int64
	Email   string
}

// NewCmdRemove returns `reconi users remove`.
func NewCmdRemove(f *cmdutil.Factory, runF func(context.Context, *RemoveOptions) error) *cobra.Command {
	opts := &RemoveOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:     "remove EMAIL",
		Short:   "Remove a user from the draft",
		Aliases: []string{"rm"},
		Args:    cmdutil.ExactArgs(1, "the user's email address"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Email = args[0]
			id, err := cmdutil.ResolveDraft(cmd, f.Config, f.Getenv)
			if err != nil {
				return err
			}
			opts.DraftID = id
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return removeRun(cmd.Context(), opts)
		},
	}
	cmdutil.DraftFlag(cmd)
	cmd.ValidArgsFunction = cmdutil.FirstArg(cmdutil.CompleteDraftEmails(f))
	return cmd
}

func removeRun(ctx context.Context, opts *RemoveOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	if err := b.RemoveUser(ctx, opts.DraftID, opts.Email); err != nil {
		return err
	}
	opts.IO.Successf("Removed %s from draft %d", opts.Email, opts.DraftID)
	return nil
}
