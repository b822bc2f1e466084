// Package plan holds `reconi plan -f FILE`: what applying an onboarding
// manifest would do, for pipelines that check before they change.
package plan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/permissions"
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
	Factory *cmdutil.Factory
	Output  cmdutil.OutputFlags
	// File is the manifest's path, or - for standard input.
	File string
}

// NewCmdPlan returns `reconi plan`.
func NewCmdPlan(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Factory: f}
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
  conflicting  the organisation has the email with another first name,
               last name or phone number, or in progress at another level;
               apply refuses until that is resolved

and the quote for the new users. The manifest is checked first, every value
with the rules the backend applies; each problem names the line, the field
and what is allowed. docs/manifest.schema.json describes the format.

Exit codes, as 'terraform plan -detailed-exitcode' has them (not reconi's
usual ones: 2 is not a usage error here):

  0  nothing to do: every user is present
  2  changes: apply would add users
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
			if runF != nil {
				return exit(runF(cmd.Context(), opts))
			}
			return exit(planRun(cmd.Context(), opts))
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return exit(&cmdutil.FlagError{Err: err}) })
	cmd.Flags().StringVarP(&opts.File, "file", "f", "", "onboarding manifest `FILE` (YAML), or - for standard input")
	_ = cmd.MarkFlagFilename("file", "yaml", "yml")
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func planRun(ctx context.Context, opts *Options) error {
	m, err := Load(opts.Factory, opts.File)
	if err != nil {
		return err
	}
	b, err := opts.Factory.Backend()
	if err != nil {
		return err
	}
	p, err := manifest.Compute(ctx, b, m)
	if err != nil {
		return err
	}
	if err := Print(opts.IO, &opts.Output, p); err != nil {
		return err
	}
	if err := p.Check(); err != nil {
		return err
	}
	if !p.Changes {
		fmt.Fprintf(opts.IO.ErrOut, "No changes: %s\n", Summary(p))
		return nil
	}
	// Changes are plan's answer, not a failure: say what to do next, and
	// exit 2 without an error line.
	fmt.Fprintf(opts.IO.ErrOut, "Changes to apply: %s; apply them with: reconi apply -f %s --agree-terms\n", Summary(p), m.File)
	return &ExitError{Code: ExitChanges, Quiet: true, Err: fmt.Errorf("changes to apply: %s", Summary(p))}
}

// Load reads the manifest at path, or standard input for "-", with the
// factory's clock (dates of birth may not be in the future).
func Load(f *cmdutil.Factory, path string) (*manifest.Manifest, error) {
	now := time.Now
	if f.Now != nil {
		now = f.Now
	}
	if path != "-" {
		return manifest.Load(path, now())
	}
	data, err := io.ReadAll(f.IOStreams.In)
	if err != nil {
		return nil, err
	}
	// A users_file is then relative to the working directory.
	return manifest.Parse("<stdin>", data, now())
}

// Summary counts a plan's users in words: "2 to add, 1 already present".
func Summary(p *manifest.Plan) string {
	parts := []string{fmt.Sprintf("%d to add", p.New), fmt.Sprintf("%d already present", p.Present)}
	if p.Conflicting > 0 {
		parts = append(parts, fmt.Sprintf("%d conflicting", p.Conflicting))
	}
	of := fmt.Sprintf("%d users", len(p.Users))
	if len(p.Users) == 1 {
		of = "1 user"
	}
	return fmt.Sprintf("%s (of %s)", strings.Join(parts, ", "), of)
}

// Print shows a plan: the application it would make, each user's action
// and the quote; or the plan in the format the flags ask for.
func Print(ios *output.IOStreams, o *cmdutil.OutputFlags, p *manifest.Plan) error {
	if o.Machine() {
		return o.Print(ios, p, nil)
	}
	branch := "none (all establishments)"
	if p.Branch != "" {
		branch = string(p.Branch)
	}
	validity := "1 year"
	if p.ValidityYears != 1 {
		validity = fmt.Sprintf("%d years", p.ValidityYears)
	}
	pairs := [][2]string{
		{"Manifest", p.File},
		{"Organisation", fmt.Sprintf("%s (%s)", p.Organization.Name, p.Organization.KVK)},
		{"Level", string(p.Level)},
		{"Branch", branch},
		{"Permissions", p.Permissions.String()},
		{"Validity", validity},
	}
	if p.MaxPriceCents != nil {
		pairs = append(pairs, [2]string{"Max price", reconi.FormatCents(*p.MaxPriceCents) + " (VAT included)"})
	}
	pairs = append(pairs, [2]string{"Users", Summary(p)})
	if err := output.PrintKV(ios, pairs); err != nil {
		return err
	}
	fmt.Fprintln(ios.Out)
	t := output.NewTable(ios)
	t.AddHeader("ACTION", "EMAIL", "NAME", "DETAIL")
	for _, u := range p.Users {
		detail := ""
		switch u.Action {
		case manifest.ActionPresent:
			detail = fmt.Sprintf("application %d, %s", u.ApplicationID, u.State)
		case manifest.ActionConflicting:
			detail = strings.Join(u.Conflicts, "; ")
		}
		t.AddRow(string(u.Action), u.Email, u.FirstName+" "+u.LastName, detail)
	}
	if err := t.Render(); err != nil {
		return err
	}
	if p.New == 0 {
		return nil
	}
	fmt.Fprintln(ios.Out)
	return permissions.PrintQuote(ios, &p.Quote)
}
