package permissions

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

// GrantOptions are the inputs of `reconi permissions grant`.
type GrantOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	// Config and Getenv say where the change draft is remembered as
	// current, for apply.
	Config func() (*config.Config, error)
	Getenv func(string) string
	Output cmdutil.OutputFlags
	In     reconi.NewGrant
}

// NewCmdGrant returns `reconi permissions grant`.
func NewCmdGrant(f *cmdutil.Factory, runF func(context.Context, *GrantOptions) error) *cobra.Command {
	opts := &GrantOptions{IO: f.IOStreams, Backend: f.Backend, Config: f.Config, Getenv: f.Getenv}
	var validity string
	cmd := &cobra.Command{
		Use:   "grant --org KVK --email EMAIL... (--all-services | --provider NAME... | --service ID...) --validity 1y|3y|5y",
		Short: "Start a draft granting issued users further permissions (extra permissions)",
		Long: `Start a change draft that gives the active means of the named users of one
organisation further permissions, for 1, 3 or 5 years: all services, all
services of providers, or specific services, as in step 9 of the wizard. The
same rules apply, to each means: a service above the means' level is refused,
and so is a provider that does not accept branch-bound users for a means
issued on an application restricted to a branch. Each refusal names the user.

The draft is quoted per permission per user at the extra-permission prices of
the means' level, becomes the current draft, and is submitted with 'reconi
apply' like any draft (--agree-terms, --max-price, --idempotency-key). On
submit each means gains the permissions at once, each with its own end date;
one it had already ends no earlier. The users and the manager are emailed.
Managers of the organisation may grant; helpdesk and operators may not.`,
		Example: `  reconi permissions grant --org 69599084 --email jan@example.nl --provider Kadaster --validity 3y
  reconi apply --agree-terms`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if opts.In.KVK == "" {
				return cmdutil.FlagErrorf("--org is required: the organisation (KVK) of the users")
			}
			if len(opts.In.Emails) == 0 {
				return cmdutil.FlagErrorf("--email is required: the users whose means gain the permissions; repeat for more")
			}
			if err := validateScope(&reconi.PermissionsInput{Direct: true, AllServices: opts.In.AllServices,
				Providers: opts.In.Providers, Services: opts.In.Services}); err != nil {
				return err
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
			return grantRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.In.KVK, "org", "", "the organisation (`KVK`) of the users")
	fl.StringArrayVar(&opts.In.Emails, "email", nil, "a user (`email`, or means ID) whose means gains the permissions; repeat for more")
	fl.BoolVar(&opts.In.AllServices, "all-services", false, "all services of all providers, future ones included")
	fl.StringArrayVar(&opts.In.Providers, "provider", nil, "all services of this provider `NAME`; repeat for more")
	fl.StringArrayVar(&opts.In.Services, "service", nil, "this service (ServiceID `URN`); repeat for more")
	fl.StringVar(&validity, "validity", "", "validity `period` of the new permissions: 1y, 3y or 5y")
	_ = cmd.RegisterFlagCompletionFunc("validity", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"1y", "3y", "5y"}, cobra.ShellCompDirectiveNoFileComp
	})
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func grantRun(ctx context.Context, opts *GrantOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	a, err := b.CreateGrant(ctx, opts.In)
	if err != nil {
		return cmdutil.RowsNamed(err, "--email ")
	}
	return shared.StartedMeansDraft(opts.IO, opts.Output, opts.Config, opts.Getenv, a,
		fmt.Sprintf("Started permission change %d for %s (%s): %s for %s, %s", a.ID, a.Organization.Name, a.Organization.KVK,
			a.Permissions, cmdutil.Count(len(a.Means), "means", "means"), reconi.Years(a.ValidityYears)))
}

// permissionNames lists withdrawn permissions in words.
func permissionNames(ps []reconi.WithdrawnPermission) string {
	names := make([]string, len(ps))
	for i, p := range ps {
		names[i] = p.MeansPermission.String()
	}
	return strings.Join(names, ", ")
}
