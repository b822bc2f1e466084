package means

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/shared"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// RenewOptions are the inputs of `reconi means renew`.
type RenewOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	// Config and Getenv say where the renewal draft is remembered as
	// current, for apply.
	Config func() (*config.Config, error)
	Getenv func(string) string
	Output cmdutil.OutputFlags
	In     reconi.NewRenewal
}

// NewCmdRenew returns `reconi means renew`.
func NewCmdRenew(f *cmdutil.Factory, runF func(context.Context, *RenewOptions) error) *cobra.Command {
	opts := &RenewOptions{IO: f.IOStreams, Backend: f.Backend, Config: f.Config, Getenv: f.Getenv}
	var validity string
	cmd := &cobra.Command{
		Use:   "renew (EMAIL|ID... | --expiring-within 60d) --org KVK --validity 1y|3y|5y",
		Short: "Start a renewal draft for issued means, quoted with the renewal prices",
		Long: `Start a draft that renews issued means of one organisation for 1, 3 or 5
years: the means named (by the user's email or the means ID), or every active
means that ends within --expiring-within. The draft is quoted with the price
list's renewal prices (the first permissions of each means are included, the
rest are extra permissions) and becomes the current draft: review, agree and
submit it with 'reconi apply', as any draft (--agree-terms, --max-price,
--idempotency-key), and follow it with 'reconi status'.

On submit an active means ends that much later than it does now, counted
from its old end date; the user does nothing and is emailed, and so is the
manager (--notify-email on apply). The user of a means that already expired
takes the user's steps again (invitation, details, SMS code, order, and
identification when not employed); the means is renewed from the day it is
issued again.

A means can be in one open renewal at a time: naming one that another
renewal draft, or a renewal still in progress, holds fails with exit code 5
and names that application. 'reconi users remove EMAIL' takes a means off the
draft. Managers of the organisation may renew; helpdesk and operators may not.`,
		Example: `  reconi means renew --expiring-within 60d --org 69599084 --validity 3y
  reconi apply --agree-terms --max-price 500
  reconi means renew jan@example.nl 42 --org 69599084 --validity 1y -o json --jq .quote.total_cents`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			opts.In.Means = args
			if len(args) == 0 && opts.In.ExpiringWithin == "" {
				return cmdutil.FlagErrorf("name the means: one or more EMAIL or ID arguments, or --expiring-within SPAN")
			}
			if len(args) > 0 && opts.In.ExpiringWithin != "" {
				return cmdutil.FlagErrorf("name the means or give --expiring-within, not both")
			}
			if opts.In.ExpiringWithin != "" {
				if _, err := reconi.ParseWithin("--expiring-within", opts.In.ExpiringWithin); err != nil {
					return &cmdutil.FlagError{Err: err}
				}
			}
			if opts.In.KVK == "" {
				return cmdutil.FlagErrorf("--org is required: the organisation (KVK) whose means to renew")
			}
			if validity == "" {
				return cmdutil.FlagErrorf("--validity is required: 1y, 3y or 5y")
			}
			years, err := reconi.ParseValidity(validity)
			if err != nil {
				return err
			}
			opts.In.ValidityYears = years
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return renewRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.In.KVK, "org", "", "the organisation (`KVK`) whose means to renew")
	cmd.Flags().StringVar(&opts.In.ExpiringWithin, "expiring-within", "", "renew the active means that end within this `span` (e.g. 60d, 8w)")
	cmd.Flags().StringVar(&validity, "validity", "", "renew for this `period`: 1y, 3y or 5y")
	_ = cmd.RegisterFlagCompletionFunc("validity", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"1y", "3y", "5y"}, cobra.ShellCompDirectiveNoFileComp
	})
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func renewRun(ctx context.Context, opts *RenewOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	a, err := b.CreateRenewal(ctx, opts.In)
	if err != nil {
		return cmdutil.RowsNamed(err, "")
	}
	return shared.StartedMeansDraft(opts.IO, opts.Output, opts.Config, opts.Getenv, a,
		fmt.Sprintf("Started renewal draft %d for %s (%s): %s, %s", a.ID, a.Organization.Name, a.Organization.KVK,
			cmdutil.Count(len(a.Means), "means", "means"), reconi.Years(a.ValidityYears)))
}
