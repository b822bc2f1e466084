package permissions

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// WithdrawOptions are the inputs of `reconi permissions withdraw`.
type WithdrawOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	In      reconi.PermissionWithdrawal
	// Yes skips the question; without a terminal it is required.
	Yes bool
}

// NewCmdWithdraw returns `reconi permissions withdraw`.
func NewCmdWithdraw(f *cmdutil.Factory, runF func(context.Context, *WithdrawOptions) error) *cobra.Command {
	opts := &WithdrawOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "withdraw --org KVK --email EMAIL... (--provider NAME... | --service ID... | --all) --reason TEXT [--dry-run] [--yes]",
		Short: "Withdraw permissions of issued users: at once, free, all or none, recorded",
		Long: `Take permissions off the issued means of the named users of one organisation:
those for --provider (the provider's services included), for --service, or
--all of them. The means itself stays; withdraw it with 'reconi means
withdraw'. Withdrawal is immediate and free; the users and the manager are
emailed, and each means' history records who withdrew what, when and why
(--reason).

All or none: a user whose means holds no such permission is reported with
what it does hold (a service held through "all services" or a provider
permission is withdrawn with that one), and nothing changes. On a terminal
reconi shows what it withdraws and asks first; without one (or with
--no-input, or CI=true) --yes is required. --dry-run checks and changes
nothing. Managers of the organisation and operators may withdraw; helpdesk
may not.`,
		Example: `  reconi permissions withdraw --org 69599084 --email jan@example.nl --provider Kadaster --reason "changed role"
  reconi permissions withdraw --org 69599084 --email jan@example.nl --all --reason "left the team" --yes -o json`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if opts.In.KVK == "" {
				return cmdutil.FlagErrorf("--org is required: the organisation (KVK) of the users")
			}
			if len(opts.In.Emails) == 0 {
				return cmdutil.FlagErrorf("--email is required: the users whose permissions to withdraw; repeat for more")
			}
			var given []string
			for name, set := range map[string]bool{"--all": opts.In.All, "--provider": len(opts.In.Providers) > 0, "--service": len(opts.In.Services) > 0} {
				if set {
					given = append(given, name)
				}
			}
			if len(given) != 1 {
				return cmdutil.FlagErrorf("choose one of --provider NAME, --service ID or --all")
			}
			if opts.In.Reason = strings.TrimSpace(opts.In.Reason); opts.In.Reason == "" {
				return cmdutil.FlagErrorf("--reason is required: why the permissions are withdrawn, for the history")
			}
			if !opts.Yes && !opts.In.DryRun && !opts.IO.CanPrompt() {
				return cmdutil.FlagErrorf("--yes is required when reconi cannot ask (no terminal, --no-input or CI); nothing was withdrawn")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return withdrawRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.In.KVK, "org", "", "the organisation (`KVK`) of the users")
	fl.StringArrayVar(&opts.In.Emails, "email", nil, "a user (`email`, or means ID) whose permissions to withdraw; repeat for more")
	fl.StringArrayVar(&opts.In.Providers, "provider", nil, "withdraw the permissions for this provider `NAME` and its services; repeat for more")
	fl.StringArrayVar(&opts.In.Services, "service", nil, "withdraw the permission for this service (ServiceID `URN`); repeat for more")
	fl.BoolVar(&opts.In.All, "all", false, "withdraw every permission of the means")
	fl.StringVar(&opts.In.Reason, "reason", "", "why, for the history (`text`)")
	fl.BoolVar(&opts.In.DryRun, "dry-run", false, "check everything, withdraw nothing")
	fl.BoolVarP(&opts.Yes, "yes", "y", false, "withdraw without asking")
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func withdrawRun(ctx context.Context, opts *WithdrawOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	in := opts.In
	if !opts.Yes && !in.DryRun {
		// Check everything first and show what would change, then ask.
		in.DryRun = true
		plan, err := b.WithdrawPermissions(ctx, in)
		if err != nil {
			return cmdutil.RowsNamed(err, "--email ")
		}
		in.DryRun = false
		fmt.Fprintf(opts.IO.ErrOut, "This withdraws at once, for organisation %s:\n", in.KVK)
		for _, m := range plan.Means {
			var mine []reconi.WithdrawnPermission
			for _, w := range plan.Withdrawn {
				if w.MeansID == m.ID {
					mine = append(mine, w)
				}
			}
			fmt.Fprintf(opts.IO.ErrOut, "  %s %s <%s>, means %d: %s\n", m.FirstName, m.LastName, m.Email, m.ID, permissionNames(mine))
		}
		ok, err := cmdutil.Confirm(ctx, opts.IO, fmt.Sprintf("Withdraw %s?", cmdutil.Count(len(plan.Withdrawn), "permission", "permissions")))
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(opts.IO.ErrOut, "Nothing was withdrawn.")
			return cmdutil.ErrCancel
		}
	}
	res, err := b.WithdrawPermissions(ctx, in)
	if err != nil {
		return cmdutil.RowsNamed(err, "--email ")
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, res, nil)
	}
	verb := "Withdrew"
	if res.DryRun {
		verb = "Would withdraw"
	}
	opts.IO.Successf("%s %s of %s of organisation %s", verb, cmdutil.Count(len(res.Withdrawn), "permission", "permissions"),
		cmdutil.Count(len(res.Means), "means", "means"), in.KVK)
	return opts.Output.Print(opts.IO, nil, func(t *output.Table) {
		t.AddHeader("MEANS", "EMAIL", "WITHDRAWN", "LEFT")
		for _, m := range res.Means {
			var mine []reconi.WithdrawnPermission
			for _, w := range res.Withdrawn {
				if w.MeansID == m.ID {
					mine = append(mine, w)
				}
			}
			left := "none"
			if len(m.Permissions) > 0 {
				names := make([]string, len(m.Permissions))
				for i, p := range m.Permissions {
					names[i] = p.String()
				}
				left = strings.Join(names, ", ")
			}
			t.AddRow(strconv.FormatInt(m.ID, 10), m.Email, permissionNames(mine), left)
		}
	})
}
