package org

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/internal/prompt"
	"github.com/reconi/reconi/cmd/shared"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// SelectOptions are the inputs of `reconi org select`.
type SelectOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	// Config and Getenv say where the new draft is remembered as current.
	Config func() (*config.Config, error)
	Getenv func(string) string
	Output cmdutil.OutputFlags

	KVK    string
	Level  string
	Branch string
}

// NewCmdSelect returns `reconi org select` (wizard steps 3 to 6).
func NewCmdSelect(f *cmdutil.Factory, runF func(context.Context, *SelectOptions) error) *cobra.Command {
	opts := &SelectOptions{IO: f.IOStreams, Backend: f.Backend, Config: f.Config, Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "select KVK --level LEVEL [--branch NUMBER]",
		Short: "Start a draft for an organisation at an assurance level (steps 3-6)",
		Long: `Choose the organisation by its KvK number and the assurance level of the new
users' means, and start a draft application. The draft becomes the current
draft of the profile, so the next commands need no ID; use --draft ID or
RECONI_DRAFT to work on another one.

On a terminal reconi asks for the KvK number and the level when they are
not given; without one (or with --no-input, or CI=true) they are required.

Levels on offer: EH2, EH2+ and EH3. EH4 needs the legal representative and the
authorization manager in person, so it cannot be requested here.

--branch restricts the users to one establishment of the organisation. This is
not advised: users bound to a branch number cannot log in at some providers,
among them Belastingdienst and UWV.`,
		Example: `  reconi org select 69599084 --level EH3
  reconi org select 68750110 --level EH2+ -o json --jq .id`,
		// The KvK number may be asked for, so Args only refuses too many;
		// RunE knows whether anyone can answer (--no-input is applied after
		// cobra checks Args).
		Args: cmdutil.MaxArgs(1, "the organisation's KvK number"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			canAsk := f.IOStreams.CanPrompt()
			if len(args) == 0 && !canAsk {
				return cmdutil.ExactArgs(1, "the organisation's KvK number")(cmd, args)
			}
			if opts.Level == "" && !canAsk {
				return cmdutil.FlagErrorf("--level is required: EH2, EH2+ or EH3")
			}
			if len(args) == 1 {
				opts.KVK = args[0]
			}
			if opts.KVK == "" || opts.Level == "" {
				p := prompt.New(f.IOStreams, f.Getenv)
				if opts.KVK == "" {
					b, err := opts.Backend()
					if err != nil {
						return err
					}
					if opts.KVK, err = shared.AskOrganization(cmd.Context(), p, b); err != nil {
						return err
					}
				}
				if opts.Level == "" {
					var err error
					if opts.Level, err = shared.AskLevel(cmd.Context(), p); err != nil {
						return err
					}
				}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return selectRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Level, "level", "l", "", "assurance `level`: EH2, EH2+ or EH3")
	cmd.Flags().StringVar(&opts.Branch, "branch", "", "restrict users to this branch (12-digit vestigingsnummer); not advised")
	_ = cmd.RegisterFlagCompletionFunc("level", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"EH2", "EH2+", "EH3"}, cobra.ShellCompDirectiveNoFileComp
	})
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	cmdutil.CreatesDatabase(cmd)
	cmd.ValidArgsFunction = cmdutil.FirstArg(cmdutil.CompleteOrgs(f))
	return cmd
}

func selectRun(ctx context.Context, opts *SelectOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	a, err := shared.StartDraft(ctx, opts.IO, b, reconi.NewDraft{KVK: opts.KVK, Level: opts.Level, Branch: opts.Branch}, opts.Config, opts.Getenv)
	if err != nil {
		return err
	}
	org, err := b.Organization(ctx, a.Organization.KVK)
	if err != nil {
		return err
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, a, nil)
	}
	shared.PrintStarted(opts.IO, a, org)
	return printOrg(opts.IO, org, [][2]string{
		{"Draft", fmt.Sprint(a.ID)},
		{"Level", string(a.Level) + " (" + a.Level.AuthnContextClassRef() + ")"},
		{"Branch", branchText(a.Branch)},
		{"Next", "reconi users add ... or reconi users import FILE"},
	})
}

func branchText(b reconi.BranchNumber) string {
	if b == "" {
		return "none (all establishments)"
	}
	return string(b)
}
