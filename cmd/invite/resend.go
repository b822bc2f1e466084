package invite

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// ResendOptions are the inputs of `reconi invite resend`.
type ResendOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	AppID   int64
	Email   string
	NewLink bool
}

// NewCmdResend returns `reconi invite resend`: the helpdesk's "Anna never
// got the mail".
func NewCmdResend(f *cmdutil.Factory, runF func(context.Context, *ResendOptions) error) *cobra.Command {
	opts := &ResendOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "resend APP_ID --email EMAIL [--new-link]",
		Short: "Send a user's invitation email again (helpdesk, manager, operator)",
		Long: `Send the invitation email of one user of an application again. While the link
is valid the same link goes out, so an older email keeps working too. With
--new-link, or when the link expired, a new link goes out, valid 30 days from
now; the old link no longer works.

A request that expired before the user ordered (state expired, the deadline
passed) is re-opened: back to invited, with a new link and a new deadline.
Users who ordered, were issued, rejected or cancelled have nothing to resend.

At most 3 resends per user within an hour; past that reconi says when to try
again (exit 5). Every resend is in the user's history, and its delivery (sent,
failed, kept) shows in reconi users show EMAIL.

The helpdesk may resend; managers of the organisation and operators too.`,
		Example: `  reconi invite resend 12 --email anna@example.nl
  reconi invite resend 12 --email anna@example.nl --new-link -o json`,
		Args:              cmdutil.ExactArgs(1, "the application ID"),
		ValidArgsFunction: cmdutil.FirstArg(cmdutil.CompleteApplications(f)),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := cmdutil.ParseID("id", args[0])
			if err != nil {
				return err
			}
			opts.AppID = id
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if opts.Email == "" {
				return cmdutil.FlagErrorf("--email is required: the address of the user whose invitation is sent again")
			}
			if opts.Email, err = reconi.ParseEmail(opts.Email); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return resendRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Email, "email", "", "the user's `email` address")
	cmd.Flags().BoolVar(&opts.NewLink, "new-link", false, "send a new link; the old one stops working")
	_ = cmd.RegisterFlagCompletionFunc("email", cmdutil.CompleteAppEmails(f))
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func resendRun(ctx context.Context, opts *ResendOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	u, err := b.ResendInvitation(ctx, opts.AppID, opts.Email, opts.NewLink)
	if err != nil {
		return err
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, u, nil)
	}
	until := ""
	if u.DeadlineAt != nil {
		until = "; the link is valid until " + u.DeadlineAt.Local().Format("2006-01-02 15:04")
	}
	if opts.NewLink {
		opts.IO.Successf("Sent %s a new invitation link%s; the old link no longer works", output.Safe(u.Email), until)
	} else {
		opts.IO.Successf("Sent the invitation to %s again%s", output.Safe(u.Email), until)
	}
	return output.PrintKV(opts.IO, [][2]string{{"Email", u.Email}, {"State", string(u.State)}})
}
