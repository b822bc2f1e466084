// Package apply holds `reconi apply`: wizard step 10, the summary, the
// conditions and submitting.
package apply

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/shared"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/manifest"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// Options are the inputs of `reconi apply`.
type Options struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	// Now dates a manifest's checks (dates of birth are in the past).
	Now        func() time.Time
	Output     cmdutil.OutputFlags
	DraftID    int64
	AgreeTerms bool
	// MaxPriceCents is --max-price in cents, or nil.
	MaxPriceCents *int64
	// NotifyEmail receives the receipt and the confirmations of issuance.
	NotifyEmail string
	// IdempotencyKey makes a retried apply answer with the application it
	// submitted the first time instead of failing.
	IdempotencyKey string
	// File is -f: an onboarding manifest to apply in one go, or - for
	// standard input. DraftID is then unused.
	File string
	// Prune withdraws the means of leavers (with File); PruneLimit caps it.
	Prune      bool
	PruneLimit int
	// AllowOutsideFiles lets the manifest's users_file leave its folder.
	AllowOutsideFiles bool
}

// NewCmdApply returns `reconi apply`.
func NewCmdApply(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Backend: f.Backend, Now: f.Now}
	var maxPrice string
	cmd := &cobra.Command{
		Use:   "apply [--draft ID | -f FILE] --agree-terms [--max-price EUROS]",
		Short: "Review the draft and the conditions, agree, and submit (step 10); or apply an onboarding file",
		Long: `Show the summary of the draft (organisation, level, branch, users,
permissions, validity and quote) and the conditions, then submit it. Every
user is then invited to confirm their details and order.

On a terminal reconi asks whether you agree to the conditions. Without a
terminal (or with --no-input, or CI=true) --agree-terms is required, and
without it nothing is submitted. reconi records who agreed to which version
of the conditions, and when.

--max-price refuses to submit when the total, VAT included, is above it.

Pipelines that retry whole commands pass --idempotency-key: when the draft
was already submitted with that key, apply answers with that application and
exits 0 instead of failing with a conflict. A key names one request of the
organisation: another draft submitted with it, or -f with another manifest
than the one applied with it, is refused with exit code 5 and nothing is
submitted.

-f FILE applies an onboarding manifest in one go, as 'reconi plan -f FILE'
shows it: it starts a draft for the organisation, level and branch, sets the
permissions and validity, adds the new users only (in one request: all or
none) and submits with the manifest's max_price and notify_email. Users
already present are left alone, so applying the same file again does nothing
and exits 0. A conflicting user (the same email with another name or phone,
or in progress at another level) makes it refuse before anything is written,
with exit code 3 and each conflict named; so does a quote above max_price
(--max-price, when given, takes its place). Should a later step fail, the
draft it started stays a draft and the error names it. A large file shows a
progress bar on stderr when that is a terminal.`,
		Example: `  reconi apply
  reconi apply --agree-terms --max-price 500
  reconi apply --draft 12 --agree-terms -o json
  reconi apply -f onboarding.yaml --agree-terms --idempotency-key "$CI_PIPELINE_ID"`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if maxPrice != "" {
				c, err := parseEuros(maxPrice)
				if err != nil {
					return err
				}
				opts.MaxPriceCents = &c
			}
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if opts.NotifyEmail == "" {
				cfg, err := f.Config()
				if err != nil {
					return err
				}
				opts.NotifyEmail = cfg.Get(config.KeyEmail)
			}
			if opts.NotifyEmail != "" {
				// Before anything is asked or written.
				if _, err := reconi.ParseNotifyEmail(opts.NotifyEmail); err != nil {
					return err
				}
			}
			if opts.File == "" && (cmd.Flags().Changed("prune") || cmd.Flags().Changed("prune-limit")) {
				return cmdutil.FlagErrorf("--prune and --prune-limit work with -f FILE: they withdraw the leavers of a manifest")
			}
			if opts.PruneLimit < 1 || opts.PruneLimit > 100 {
				return cmdutil.FlagErrorf("--prune-limit %d is out of range: want a percentage from 1 to 100", opts.PruneLimit)
			}
			if opts.AllowOutsideFiles && opts.File == "" {
				return cmdutil.FlagErrorf("--allow-outside-files goes with -f FILE")
			}
			if opts.File != "" {
				if cmd.Flags().Changed("draft") {
					return cmdutil.FlagErrorf("--draft cannot be used with -f: apply -f starts a draft of its own")
				}
				if !opts.AgreeTerms && !f.IOStreams.CanPrompt() {
					return cmdutil.FlagErrorf("--agree-terms is required when reconi cannot ask (no terminal, --no-input or CI); nothing was applied")
				}
				if runF != nil {
					return runF(cmd.Context(), opts)
				}
				return applyFileRun(cmd.Context(), opts)
			}
			id, err := cmdutil.ResolveDraft(cmd, f.Config, f.Getenv)
			if err != nil {
				return err
			}
			opts.DraftID = id
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return applyRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.AgreeTerms, "agree-terms", false, "agree to the conditions without being asked")
	cmd.Flags().StringVar(&opts.NotifyEmail, "notify-email", "", "send the receipt and the issuance confirmations to this `address` (default: the email setting, RECONI_EMAIL)")
	cmd.Flags().StringVar(&opts.IdempotencyKey, "idempotency-key", "", "a `key` that makes retrying this apply safe: a repeat answers with the same application")
	cmd.Flags().StringVar(&maxPrice, "max-price", "", "refuse when the total, VAT included, is above these `euros` (e.g. 250 or 249.95)")
	cmd.Flags().StringVarP(&opts.File, "file", "f", "", "apply this onboarding manifest `FILE` (YAML; - for standard input) in one go")
	cmd.Flags().BoolVar(&opts.Prune, "prune", false, "with -f: also withdraw the means of leavers, users with an active means the manifest does not name")
	cmd.Flags().IntVar(&opts.PruneLimit, "prune-limit", manifest.DefaultPruneLimit, "with --prune: refuse to withdraw more than this `percent` of the active means")
	_ = cmd.MarkFlagFilename("file", "yaml", "yml")
	shared.AllowOutsideFilesFlag(cmd, &opts.AllowOutsideFiles)
	cmdutil.DraftFlag(cmd)
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	cmdutil.CreatesDatabase(cmd)
	return cmd
}

// parseEuros reads --max-price: an amount in euros, with a dot or comma for
// cents.
func parseEuros(s string) (int64, error) { return reconi.ParseEuros("max-price", s) }

func applyRun(ctx context.Context, opts *Options) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	return shared.Submit(ctx, opts.IO, b, shared.SubmitOptions{
		Output: opts.Output, DraftID: opts.DraftID, AgreeTerms: opts.AgreeTerms, MaxPriceCents: opts.MaxPriceCents,
		NotifyEmail: opts.NotifyEmail, IdempotencyKey: opts.IdempotencyKey,
	})
}
