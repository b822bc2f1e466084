package users

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// UpdateOptions are the inputs of `reconi users update`.
type UpdateOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	AppID   int64
	Email   string
	Update  reconi.UserUpdate
}

// NewCmdUpdate returns `reconi users update`: correct a mistyped email or
// mobile number before it is verified.
func NewCmdUpdate(f *cmdutil.Factory, runF func(context.Context, *UpdateOptions) error) *cobra.Command {
	opts := &UpdateOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "update APP_ID --email EMAIL [--new-email EMAIL] [--phone MOBILE]",
		Short: "Correct a user's email or mobile number before it is verified (manager, operator)",
		Long: `Correct the email address or mobile number of a user whose mobile number is
not verified yet (state draft, invited or details_confirmed); later states are
refused, naming the state (exit 5).

With --new-email the link sent to the old address stops working and, when the
user was invited, a new invitation goes to the new address, valid 30 days.
With --phone a code sent to the old number stops working. A user who had
confirmed their details confirms them again. The same checks as adding a
user: a valid address, a Dutch or international mobile number, and no other
user of the application with that address.

Managers of the organisation and operators may correct; the helpdesk may not
(it may send the invitation again: reconi invite resend). The correction is in
the user's history, with who made it.`,
		Example: `  reconi users update 12 --email jan@exmaple.nl --new-email jan@example.nl
  reconi users update 12 --email jan@example.nl --phone "06 12345678" -o json`,
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
				return cmdutil.FlagErrorf("--email is required: the user's address as it is now")
			}
			if opts.Update.Email == "" && opts.Update.Phone == "" {
				return cmdutil.FlagErrorf("nothing to change: give --new-email, --phone, or both")
			}
			if opts.Email, err = reconi.ParseEmail(opts.Email); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return updateRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Email, "email", "", "the user's `email` address as it is now")
	cmd.Flags().StringVar(&opts.Update.Email, "new-email", "", "the right `email` address")
	cmd.Flags().StringVar(&opts.Update.Phone, "phone", "", "the right `mobile` number")
	_ = cmd.RegisterFlagCompletionFunc("email", cmdutil.CompleteAppEmails(f))
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func updateRun(ctx context.Context, opts *UpdateOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	u, err := b.UpdateUser(ctx, opts.AppID, opts.Email, opts.Update)
	if err != nil {
		return err
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, u, nil)
	}
	opts.IO.Successf("Corrected %s in application %d", output.Safe(u.Email), u.ApplicationID)
	return output.PrintKV(opts.IO, [][2]string{{"Email", u.Email}, {"Mobile", u.Phone}, {"State", string(u.State)}})
}
