// Package plan holds `reconi plan -f FILE`: what applying an onboarding
// manifest would do, for pipelines that check before they change.
package plan

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/shared"
	"github.com/reconi/reconi/internal/manifest"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// Exit codes of `reconi plan`, as `terraform plan -detailed-exitcode` has
// them. They differ from reconi's usual codes on purpose, so 2 means
// changes here and not a usage error; every error, usage errors included,
// exits 1.
const (
	ExitNoChanges = 0
	ExitFailure   = 1
	ExitChanges   = 2
)

// ExitError carries plan's exit code to the root command.
type ExitError = cmdutil.ExitError

// exit gives err plan's exit code: 1 for every error but an interrupt.
func exit(err error) error {
	var ee *ExitError
	switch {
	case err == nil, errors.As(err, &ee), errors.Is(err, cmdutil.ErrCancel), errors.Is(err, context.Canceled):
		return err
	}
	return &ExitError{Code: ExitFailure, Err: err}
}

// Options are the inputs of `reconi plan`.
type Options struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	// Now dates the manifest's checks (dates of birth are in the past).
	Now    func() time.Time
	Output cmdutil.OutputFlags
	// File is the manifest's path, or - for standard input.
	File string
	// Prune plans the withdrawal of leavers; PruneLimit caps it.
	Prune      bool
	PruneLimit int
	// AllowOutsideFiles lets users_file leave the manifest's folder.
	AllowOutsideFiles bool
}

// NewCmdPlan returns `reconi plan`.
func NewCmdPlan(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Backend: f.Backend, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "plan -f FILE",
		Short: "Show what applying an onboarding file would do; exit 0 nothing, 2 changes, 1 error",
		Long: `Read an onboarding manifest (YAML: the organisation, level, branch, users
inline or in a CSV file, permissions, validity, max_price) and show, without
changing anything, what 'reconi apply -f FILE' would do for each user:

  new          added to a new application
  present      already in progress or issued for the organisation at the
               manifest's level: nothing is done (users in a draft, and
               requests that were rejected, expired or cancelled, do not
               count: they are asked for again)
  link         to add, but the user holds an active means at the manifest's
               level or above for another organisation (same email and
               mobile number, and date of birth when both have one): that
               means is linked to the organisation at the link price,
               without a new identification
  conflicting  the organisation has the email with another first name,
               last name or phone number, or in progress at another level;
               apply refuses until that is resolved
  withdraw     a leaver: holds an active means for the organisation at the
               manifest's level but is not in the manifest; only with
               --prune does applying withdraw it, otherwise it is reported

With --prune, a plan that would withdraw more than --prune-limit percent
(default 50) of the organisation's active means at the level is refused, so
an empty or truncated HR export cannot wipe an organisation.

and the quote for the new users. The manifest is checked first, every value
with the rules the backend applies; each problem names the line, the field
and what is allowed. docs/manifest.schema.json describes the format.

Exit codes, as 'terraform plan -detailed-exitcode' has them (not reconi's
usual ones: 2 is not a usage error here):

  0  nothing to do: every user is present
  2  changes: apply would add users (or, with --prune, withdraw leavers)
  1  an error: an invalid manifest, a conflicting user, a quote above
     max_price, a usage mistake, or anything else`,
		Example: `  reconi plan -f onboarding.yaml
  reconi plan -f onboarding.yaml -o json --jq '.users[] | select(.action == "new") | .email'
  reconi plan -f onboarding.yaml; case $? in 0) echo "up to date";; 2) reconi apply -f onboarding.yaml --agree-terms;; *) exit 1;; esac`,
		Args: func(cmd *cobra.Command, args []string) error {
			return exit(cmdutil.NoArgs(cmd, args))
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.File == "" {
				return exit(cmdutil.FlagErrorf("-f/--file is required: the onboarding manifest (YAML) to plan, or - for standard input"))
			}
			if err := opts.Output.Validate(); err != nil {
				return exit(err)
			}
			if opts.PruneLimit < 1 || opts.PruneLimit > 100 {
				return exit(cmdutil.FlagErrorf("--prune-limit %d is out of range: want a percentage from 1 to 100", opts.PruneLimit))
			}
			if runF != nil {
				return exit(runF(cmd.Context(), opts))
			}
			return exit(planRun(cmd.Context(), opts))
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return exit(&cmdutil.FlagError{Err: err}) })
	cmd.Flags().StringVarP(&opts.File, "file", "f", "", "onboarding manifest `FILE` (YAML), or - for standard input")
	_ = cmd.MarkFlagFilename("file", "yaml", "yml")
	cmd.Flags().BoolVar(&opts.Prune, "prune", false, "plan the withdrawal of leavers: active means the manifest does not name")
	cmd.Flags().IntVar(&opts.PruneLimit, "prune-limit", manifest.DefaultPruneLimit, "refuse a prune that withdraws more than this `percent` of the active means")
	shared.AllowOutsideFilesFlag(cmd, &opts.AllowOutsideFiles)
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func planRun(ctx context.Context, opts *Options) error {
	m, err := shared.LoadManifest(opts.IO, opts.File, opts.Now, opts.AllowOutsideFiles)
	if err != nil {
		return err
	}
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	p, err := manifest.Compute(ctx, b, m, manifest.PlanOptions{Prune: opts.Prune, PruneLimit: opts.PruneLimit})
	if err != nil {
		return err
	}
	if err := shared.PrintPlan(opts.IO, &opts.Output, p); err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	if !p.Changes {
		fmt.Fprintf(opts.IO.ErrOut, "No changes: %s\n", shared.PlanSummary(p))
		return nil
	}
	// Changes are plan's answer, not a failure: say what to do next, and
	// exit 2 without an error line.
	prune := ""
	if opts.Prune {
		prune = " --prune"
	}
	fmt.Fprintf(opts.IO.ErrOut, "Changes to apply: %s; apply them with: reconi apply -f %s%s --agree-terms\n", shared.PlanSummary(p), output.Safe(m.File), prune)
	return &ExitError{Code: ExitChanges, Quiet: true, Err: fmt.Errorf("changes to apply: %s", shared.PlanSummary(p))}
}
