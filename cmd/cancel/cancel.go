// Package cancel holds `reconi cancel`: the authorization manager stops a
// request still in progress.
package cancel

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/shared"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// Options are the inputs of `reconi cancel`.
type Options struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	AppID   int64
	// Email selects one user; empty cancels every request in progress.
	Email  string
	Reason string
	// Yes skips the question; without a terminal it is required.
	Yes bool
}

// NewCmdCancel returns `reconi cancel`.
func NewCmdCancel(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "cancel APP_ID [--email EMAIL] [--reason TEXT] [--yes]",
		Short: "Cancel requests still in progress: one user's, or a whole application's",
		Long: `Cancel the requests of an application that are still in progress: every user
that has not been issued, rejected or expired yet, or with --email just one.
Their invitation links stop working. Users already issued keep their means.

This cannot be undone. On a terminal reconi lists what it cancels and asks
first; without a terminal (or with --no-input, or CI=true) --yes is required.
--reason is recorded in the history (default: "cancelled by the
authorization manager").`,
		Example: `  reconi cancel 12
  reconi cancel 12 --email jan@example.nl --reason "left the company"
  reconi cancel 12 --yes -o json`,
		Args: cmdutil.ExactArgs(1, "the application ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := cmdutil.ParseID("id", args[0])
			if err != nil {
				return err
			}
			opts.AppID = id
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if opts.Email != "" {
				if opts.Email, err = reconi.ParseEmail(opts.Email); err != nil {
					return err
				}
			}
			opts.Reason = strings.TrimSpace(opts.Reason)
			if !opts.Yes && !opts.IO.CanPrompt() {
				return cmdutil.FlagErrorf("--yes is required when reconi cannot ask (no terminal, --no-input or CI); nothing was cancelled")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return cancelRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Email, "email", "", "cancel only the request of the user with this `email`")
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "a `text` for the history: why the requests are cancelled")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "cancel without asking")
	cmd.ValidArgsFunction = cmdutil.FirstArg(cmdutil.CompleteApplications(f))
	_ = cmd.RegisterFlagCompletionFunc("email", cmdutil.CompleteAppEmails(f))
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func cancelRun(ctx context.Context, opts *Options) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	before, err := b.Application(ctx, opts.AppID)
	if err != nil {
		return err
	}
	if err := shared.AllUsers(ctx, b, before); err != nil {
		return err
	}
	var targets []reconi.User
	for _, u := range before.Users {
		if u.State.Open() && (opts.Email == "" || strings.EqualFold(u.Email, opts.Email)) {
			targets = append(targets, u)
		}
	}
	// With nothing to cancel the backend says why (a draft, unknown email,
	// nothing in progress), so there is nothing to ask.
	if !opts.Yes && len(targets) > 0 {
		fmt.Fprintf(opts.IO.ErrOut, "Application %d for %s: this cancels the requests of\n", before.ID, output.Safe(before.Organization.Name))
		for _, u := range targets {
			fmt.Fprintf(opts.IO.ErrOut, "  %s <%s> (%s)\n", output.Safe(u.FirstName+" "+u.LastName), output.Safe(u.Email), u.State)
		}
		ok, err := cmdutil.Confirm(ctx, opts.IO, fmt.Sprintf("Cancel %s? This cannot be undone.", requests(len(targets))))
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(opts.IO.ErrOut, "Nothing was cancelled.")
			return cmdutil.ErrCancel
		}
	}
	after, err := b.Cancel(ctx, opts.AppID, opts.Email, opts.Reason)
	if err != nil {
		return err
	}
	if err := shared.AllUsers(ctx, b, after); err != nil {
		return err
	}
	was := map[int64]reconi.UserState{}
	for _, u := range before.Users {
		was[u.ID] = u.State
	}
	n := 0
	for _, u := range after.Users {
		if u.State == reconi.UserCancelled && was[u.ID].Open() {
			n++
		}
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, after, nil)
	}
	opts.IO.Successf("Cancelled %s in application %d", requests(n), after.ID)
	return opts.Output.Print(opts.IO, nil, func(t *output.Table) {
		t.AddHeader("EMAIL", "NAME", "STATE")
		for _, u := range after.Users {
			t.AddRow(u.Email, u.FirstName+" "+u.LastName, string(u.State))
		}
	})
}

func requests(n int) string {
	if n == 1 {
		return "1 request"
	}
	return fmt.Sprintf("%d requests", n)
}
