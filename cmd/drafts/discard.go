package drafts

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/shared"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// DiscardOptions are the inputs of `reconi drafts discard`.
type DiscardOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	// Config and Getenv find the current draft, forgotten when it is the
	// one discarded.
	Config func() (*config.Config, error)
	Getenv func(string) string
	Output cmdutil.OutputFlags
	ID     int64
	Reason string
	// Yes skips the question; without a terminal it is required.
	Yes bool
}

// NewCmdDiscard returns `reconi drafts discard`.
func NewCmdDiscard(f *cmdutil.Factory, runF func(context.Context, *DiscardOptions) error) *cobra.Command {
	opts := &DiscardOptions{IO: f.IOStreams, Backend: f.Backend, Config: f.Config, Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "discard ID [--reason TEXT] [--yes]",
		Short: "Delete a draft and its users, recorded in its history",
		Long: `Delete the users of draft ID and mark it discarded, all or none. Its history
keeps who discarded it, when and why (--reason; by default "discarded by the
authorization manager"), and 'reconi status ID' still shows it. Only a draft
can be discarded: a submitted or completed application is a conflict (exit
5) that names its state; stop its requests with 'reconi cancel' instead.

On a terminal reconi asks first; without one (or with --no-input, or CI=true)
--yes is required. When the draft is the current one, it is current no more.`,
		Example: `  reconi drafts discard 12
  reconi drafts discard 12 --reason "started for the wrong organisation" --yes -o json`,
		Args:              cmdutil.ExactArgs(1, "the draft ID"),
		ValidArgsFunction: cmdutil.FirstArg(cmdutil.CompleteDrafts(f)),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := cmdutil.ParseID("id", args[0])
			if err != nil {
				return err
			}
			opts.ID = id
			opts.Reason = strings.TrimSpace(opts.Reason)
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if !opts.Yes && !opts.IO.CanPrompt() {
				return cmdutil.FlagErrorf("--yes is required when reconi cannot ask (no terminal, --no-input or CI); nothing was discarded")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return discardRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "why, for the history (`text`)")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "discard without asking")
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func discardRun(ctx context.Context, opts *DiscardOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	if !opts.Yes {
		// Show what goes, and refuse what cannot go, before asking.
		a, err := b.Application(ctx, opts.ID)
		if err != nil {
			return err
		}
		if a.State == reconi.AppDraft {
			ok, err := cmdutil.Confirm(ctx, opts.IO, fmt.Sprintf("Discard draft %d for %s (%s) at %s and its %s?",
				a.ID, output.Safe(a.Organization.Name), a.Organization.KVK, a.Level, cmdutil.Count(a.UsersTotal, "user", "users")))
			if err != nil {
				return err
			}
			if !ok {
				fmt.Fprintln(opts.IO.ErrOut, "Nothing was discarded.")
				return cmdutil.ErrCancel
			}
		}
	}
	a, err := b.DiscardDraft(ctx, opts.ID, opts.Reason)
	if err != nil {
		return err
	}
	if err := shared.ForgetDraft(opts.ID, opts.Config, opts.Getenv); err != nil {
		return err
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, a, nil)
	}
	opts.IO.Successf("Discarded draft %d for %s (%s); its history stays: reconi status %d", a.ID, a.Organization.Name, a.Organization.KVK, a.ID)
	return nil
}
