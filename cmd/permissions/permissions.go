// Package permissions holds `reconi permissions`: wizard step 9.
package permissions

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/internal/prompt"
	"github.com/reconi/reconi/cmd/shared"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// NewCmdPermissions returns `reconi permissions`.
func NewCmdPermissions(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "permissions <command>",
		Short: "Set the users' permissions and validity (step 9); grant or withdraw those of issued users",
	}
	cmd.AddCommand(NewCmdSet(f, nil), NewCmdGrant(f, nil), NewCmdWithdraw(f, nil))
	return cmd
}

// SetOptions are the inputs of `reconi permissions set`.
type SetOptions struct {
	IO       *output.IOStreams
	Backend  func() (reconi.Backend, error)
	Output   cmdutil.OutputFlags
	DraftID  int64
	Validity string
	Input    reconi.PermissionsInput
}

// NewCmdSet returns `reconi permissions set`.
func NewCmdSet(f *cmdutil.Factory, runF func(context.Context, *SetOptions) error) *cobra.Command {
	opts := &SetOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "set (--all-services | --provider NAME... | --service ID... | --direct=false) --validity 1y|3y|5y",
		Short: "Set what every user of the draft may log in to, and for how long",
		Long: `Set the permissions every user of the draft gets, and their validity, then
print the quote. Choose one of:

  --all-services      all services of all providers, future ones included
                      (the most chosen)
  --provider NAME     all services of a provider, future ones included; repeat
  --service ID        specific services by ServiceID; repeat
  --direct=false      no permissions now: the users cannot log in anywhere
                      until permissions are granted later

A service that requires a higher level than the draft's is refused, and so is
a provider none of whose services a means at the draft's level can use
(Belastingdienst on EH2+: its services need EH3). On a draft restricted to a
branch, a service that does not accept branch-bound users is refused, and so
is a provider none of whose services does (Belastingdienst, UWV); whether a
service accepts them is in reconi services list. Validity is 1, 3 or 5 years.

On a terminal reconi asks for what is not given: add permissions directly?
all services? else which providers or services (from the catalogue, for the
draft's level), and the validity. Without one (or with --no-input, or
CI=true) the choice and --validity are required.`,
		Example: `  reconi permissions set --all-services --validity 3y
  reconi permissions set --provider RVO --provider Kadaster --validity 1y
  reconi permissions set --service urn:etoegang:DV:00000001000000000005:services:1 --validity 5y`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			canAsk := f.IOStreams.CanPrompt()
			in := &opts.Input
			scopeMissing := canAsk && in.Direct && !in.AllServices && len(in.Providers) == 0 && len(in.Services) == 0
			if opts.Validity == "" && !canAsk {
				return cmdutil.FlagErrorf("--validity is required: 1y, 3y or 5y")
			}
			if opts.Validity != "" {
				years, err := reconi.ParseValidity(opts.Validity)
				if err != nil {
					return err
				}
				in.ValidityYears = years
			}
			if !scopeMissing {
				if err := validateScope(in); err != nil {
					return err
				}
			}
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			var err error
			if opts.DraftID, err = cmdutil.ResolveDraft(cmd, f.Config, f.Getenv); err != nil {
				return err
			}
			if scopeMissing || opts.Validity == "" {
				b, err := opts.Backend()
				if err != nil {
					return err
				}
				a, err := b.Application(cmd.Context(), opts.DraftID)
				if err != nil {
					return err
				}
				ask := shared.Ask{Scope: scopeMissing, Direct: scopeMissing && !cmd.Flags().Changed("direct"), Validity: opts.Validity == ""}
				if err := ask.Run(cmd.Context(), prompt.New(f.IOStreams, f.Getenv), b, a.Level, in); err != nil {
					return err
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return setRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Input.Direct, "direct", true, "add permissions directly; false leaves the users without any")
	fl.BoolVar(&opts.Input.AllServices, "all-services", false, "all services of all providers, future ones included")
	fl.StringArrayVar(&opts.Input.Providers, "provider", nil, "all services of this provider `NAME`; repeat for more")
	fl.StringArrayVar(&opts.Input.Services, "service", nil, "this service (ServiceID `URN`); repeat for more")
	fl.StringVar(&opts.Validity, "validity", "", "validity `period`: 1y, 3y or 5y")
	_ = cmd.RegisterFlagCompletionFunc("validity", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"1y", "3y", "5y"}, cobra.ShellCompDirectiveNoFileComp
	})
	cmdutil.DraftFlag(cmd)
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

// validateScope refuses a missing or conflicting choice of what the users
// may use as a usage mistake, before anything is opened. The backend checks
// the same for its other clients.
func validateScope(in *reconi.PermissionsInput) error {
	var given []string
	if in.AllServices {
		given = append(given, "--all-services")
	}
	if len(in.Providers) > 0 {
		given = append(given, "--provider")
	}
	if len(in.Services) > 0 {
		given = append(given, "--service")
	}
	switch {
	case !in.Direct && len(given) > 0:
		return cmdutil.FlagErrorf("--direct=false adds no permissions, so %s cannot be given with it", strings.Join(given, " and "))
	case len(given) == 0 && in.Direct:
		return cmdutil.FlagErrorf("choose what the users may use: --all-services, --provider NAME or --service ID (or --direct=false for nothing yet)")
	case len(given) > 1:
		return cmdutil.FlagErrorf("choose one of --all-services, --provider or --service, not %s together", strings.Join(given, " and "))
	}
	return nil
}

func setRun(ctx context.Context, opts *SetOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	a, err := b.SetPermissions(ctx, opts.DraftID, opts.Input)
	if err != nil {
		return err
	}
	for _, w := range a.Warnings {
		opts.IO.Warnf("%s", w)
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, a, nil)
	}
	return shared.PrintQuote(opts.IO, &a.Quote)
}
