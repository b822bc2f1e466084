package shared

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/manifest"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// LoadManifest reads the manifest at path, or standard input for "-", with
// the clock now, nil for the wall clock (dates of birth may not be in the
// future). Its users_file must be in the manifest's folder (the working
// directory for standard input) unless allowOutside
// (--allow-outside-files).
func LoadManifest(ios *output.IOStreams, path string, now func() time.Time, allowOutside bool) (*manifest.Manifest, error) {
	if now == nil {
		now = time.Now
	}
	opts := manifest.Options{Now: now(), AllowOutsideFiles: allowOutside}
	if path != "-" {
		return manifest.LoadWith(path, opts)
	}
	data, err := io.ReadAll(ios.In)
	if err != nil {
		return nil, err
	}
	return manifest.ParseWith("<stdin>", data, opts)
}

// AllowOutsideFilesFlag adds --allow-outside-files to a command that reads
// a manifest.
func AllowOutsideFilesFlag(cmd *cobra.Command, allow *bool) {
	cmd.Flags().BoolVar(allow, "allow-outside-files", false,
		"let the manifest's users_file be outside the manifest's folder (an absolute path, .., a link out)")
}

// PlanSummary counts a plan's users in words: "2 to add, 1 already present".
func PlanSummary(p *manifest.Plan) string {
	add := fmt.Sprintf("%d to add", p.New)
	if p.Link > 0 {
		add += fmt.Sprintf(" (%d by linking the means they hold)", p.Link)
	}
	parts := []string{add, fmt.Sprintf("%d already present", p.Present)}
	if p.Conflicting > 0 {
		parts = append(parts, fmt.Sprintf("%d conflicting", p.Conflicting))
	}
	named := len(p.Users) - p.Withdraw
	of := fmt.Sprintf("%d users", named)
	if named == 1 {
		of = "1 user"
	}
	summary := fmt.Sprintf("%s (of %s)", strings.Join(parts, ", "), of)
	switch {
	case p.Withdraw > 0 && p.Prune:
		summary += fmt.Sprintf("; %d to withdraw (leavers: an active means the manifest does not name)", p.Withdraw)
	case p.Withdraw > 0:
		holds, them := fmt.Sprintf("%d leavers hold", p.Withdraw), "them"
		if p.Withdraw == 1 {
			holds, them = "1 leaver holds", "it"
		}
		summary += fmt.Sprintf("; %s an active means the manifest does not name (--prune withdraws %s)", holds, them)
	}
	return summary
}

// PrintPlan shows a plan: the application it would make, each user's action
// and the quote; or the plan in the format the flags ask for.
func PrintPlan(ios *output.IOStreams, o *cmdutil.OutputFlags, p *manifest.Plan) error {
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
	pairs = append(pairs, [2]string{"Users", PlanSummary(p)})
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
		case manifest.ActionLink:
			detail = fmt.Sprintf("links means %d, held for %s (%s)", u.MeansID, u.LinkOrganization.Name, u.LinkOrganization.KVK)
		case manifest.ActionWithdraw:
			detail = fmt.Sprintf("means %d, application %d", u.MeansID, u.ApplicationID)
			if !p.Prune {
				detail += "; kept without --prune"
			}
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
	return PrintQuote(ios, &p.Quote)
}
