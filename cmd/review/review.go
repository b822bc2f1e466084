// Package review holds `reconi review`: the operator's final check of users
// not employed by the organisation, after their identification passed.
package review

import (
	"context"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// NewCmdReview returns `reconi review`.
func NewCmdReview(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "review <command>",
		Short: "The final check before a means is issued (operators)",
		Long: `A user who is not employed by the organisation is issued a means only after
the identification passed and an operator made a final check. List who
awaits it, then approve (the means is issued) or reject (with a reason the
authorization manager is told).`,
		Example: `  reconi review list
  reconi review approve 17
  reconi review reject 18 --reason "not known at the organisation"`,
	}
	cmd.AddCommand(NewCmdList(f, nil), NewCmdApprove(f, nil), NewCmdReject(f, nil))
	return cmd
}

// ListOptions are the inputs of `reconi review list`.
type ListOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
}

// NewCmdList returns `reconi review list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the users awaiting the final check",
		Long: `List the users whose identification passed and who await the final check,
oldest first: their ID (for approve and reject), email, name, organisation,
level, and since when they wait.`,
		Example: `  reconi review list
  reconi review list -o json --jq '.[].user.id'`,
		Args: cmdutil.NoArgs,
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
	reviews, err := b.Reviews(ctx)
	if err != nil {
		return err
	}
	if len(reviews) == 0 && !opts.Output.Machine() {
		opts.IO.Warnf("no users await the final check")
		return nil
	}
	return opts.Output.Print(opts.IO, reviews, func(t *output.Table) {
		t.AddHeader("ID", "EMAIL", "NAME", "ORGANISATION", "LEVEL", "SINCE")
		for _, r := range reviews {
			t.AddRow(strconv.FormatInt(r.User.ID, 10), r.User.Email, r.User.FirstName+" "+r.User.LastName,
				r.Organization.Name+" ("+string(r.Organization.KVK)+")", string(r.Level), r.Since.Local().Format("2006-01-02 15:04"))
		}
	})
}

// DecideOptions are the inputs of `reconi review approve` and `reject`.
type DecideOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	UserID  int64
	// Reason is why the request is rejected (reject only).
	Reason string
}

// NewCmdApprove returns `reconi review approve`.
func NewCmdApprove(f *cmdutil.Factory, runF func(context.Context, *DecideOptions) error) *cobra.Command {
	opts := &DecideOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "approve USER_ID",
		Short: "Pass the final check: the means is issued",
		Long: `Pass the final check of a user listed by reconi review list. The means is
issued, and the user and the authorization manager are emailed.`,
		Example: `  reconi review approve 17`,
		Args:    cmdutil.ExactArgs(1, "the user's ID (from reconi review list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := prepare(opts, args[0]); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return approveRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

// NewCmdReject returns `reconi review reject`.
func NewCmdReject(f *cmdutil.Factory, runF func(context.Context, *DecideOptions) error) *cobra.Command {
	opts := &DecideOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "reject USER_ID --reason TEXT",
		Short: "Fail the final check: the request is rejected",
		Long: `Fail the final check of a user listed by reconi review list. The request is
rejected and no means is issued. --reason is required: it is recorded in the
history and the authorization manager is told.`,
		Example: `  reconi review reject 18 --reason "not known at the organisation"`,
		Args:    cmdutil.ExactArgs(1, "the user's ID (from reconi review list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Reason = strings.TrimSpace(opts.Reason)
			if opts.Reason == "" {
				return cmdutil.FlagErrorf("--reason is required: say why the request is rejected; the authorization manager is told")
			}
			if err := prepare(opts, args[0]); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return rejectRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "`text` saying why the request is rejected; the manager is told")
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func prepare(opts *DecideOptions, arg string) error {
	if err := opts.Output.Validate(); err != nil {
		return err
	}
	id, err := cmdutil.ParseUserID(arg)
	if err != nil {
		return err
	}
	opts.UserID = id
	return nil
}

func approveRun(ctx context.Context, opts *DecideOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	u, err := b.Approve(ctx, opts.UserID)
	if err != nil {
		return err
	}
	opts.IO.Successf("Approved %s: the means is issued", u.Email)
	return printUser(opts, u)
}

func rejectRun(ctx context.Context, opts *DecideOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	u, err := b.Reject(ctx, opts.UserID, opts.Reason)
	if err != nil {
		return err
	}
	opts.IO.Successf("Rejected the request of %s", u.Email)
	return printUser(opts, u)
}

func printUser(opts *DecideOptions, u *reconi.User) error {
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, u, nil)
	}
	return opts.Output.Print(opts.IO, nil, func(t *output.Table) {
		t.AddHeader("ID", "EMAIL", "NAME", "APPLICATION", "STATE")
		t.AddRow(strconv.FormatInt(u.ID, 10), u.Email, u.FirstName+" "+u.LastName, strconv.FormatInt(u.ApplicationID, 10), string(u.State))
	})
}
