package shared

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// PrintMeansLines prints the issued means a renewal or change is about, one
// row each: the means, its user, its state and end date now.
func PrintMeansLines(ios *output.IOStreams, a *reconi.Application) error {
	t := output.NewTable(ios)
	t.AddHeader("MEANS", "EMAIL", "NAME", "LEVEL", "STATE", "ENDS", "PERMISSIONS", "REQUEST")
	for _, l := range a.Means {
		t.AddRow(strconv.FormatInt(l.MeansID, 10), l.Email, l.FirstName+" "+l.LastName, string(l.Level), string(l.State),
			l.ExpiresAt.Format("2006-01-02"), strconv.Itoa(l.Permissions), string(l.RequestState))
	}
	return t.Render()
}

// printLinesSummary is the summary of a renewal or change draft (step 10).
func printLinesSummary(ios *output.IOStreams, a *reconi.Application) error {
	kind := "Renewal"
	if a.Kind == reconi.AppKindChange {
		kind = "Permission change"
	}
	fmt.Fprintln(ios.Out, ios.ColorScheme().Bold(fmt.Sprintf("Summary of draft %d: %s of issued means", a.ID, kind)))
	rows := [][2]string{
		{"Organisation", fmt.Sprintf("%s (%s)", a.Organization.Name, a.Organization.KVK)},
		{"Means", strconv.Itoa(len(a.Means))},
		{"Validity", reconi.Years(a.ValidityYears)},
	}
	if a.Kind == reconi.AppKindRenewal {
		rows = append(rows, [2]string{"Effect", "an active means ends that much later than it does now; " +
			"the user of an expired means is invited to confirm and order again"})
	} else {
		rows = append(rows, [2]string{"Permissions", a.Permissions.String()}, [2]string{"Effect", "each means gains the permissions on submit"})
	}
	if err := output.PrintKV(ios, rows); err != nil {
		return err
	}
	fmt.Fprintln(ios.Out)
	if err := PrintMeansLines(ios, a); err != nil {
		return err
	}
	fmt.Fprintln(ios.Out)
	return PrintQuote(ios, &a.Quote)
}

// printLinks says which users of a already hold a means for another
// organisation, which is linked instead of bought; nothing when none do.
func printLinks(ios *output.IOStreams, a *reconi.Application) error {
	if len(a.Links) == 0 {
		return nil
	}
	return output.PrintKV(ios, [][2]string{{"Linked", LinksText(a.Links)}})
}

// LinksText names the users whose means is linked, with the means held.
func LinksText(links []reconi.AppLink) string {
	parts := make([]string, len(links))
	for i, l := range links {
		parts[i] = fmt.Sprintf("%s (means %d of %s, %s)", l.Email, l.MeansID, l.Organization.Name, l.Level)
	}
	return fmt.Sprintf("%d already %s a means, linked instead of bought: %s", len(links),
		map[bool]string{true: "holds", false: "hold"}[len(links) == 1], strings.Join(parts, ", "))
}

// StartedMeansDraft makes a, a renewal or change draft just started, the
// current draft and shows it: its JSON with -o, or else headline, the means
// it is about, its quote and how to submit it.
func StartedMeansDraft(ios *output.IOStreams, out cmdutil.OutputFlags, cfg func() (*config.Config, error), getenv func(string) string, a *reconi.Application, headline string) error {
	c, err := cfg()
	if err != nil {
		return err
	}
	if err := cmdutil.RememberDraft(c, getenv, a.ID); err != nil {
		return err
	}
	for _, w := range a.Warnings {
		ios.Warnf("%s", w)
	}
	if out.Machine() {
		return out.Print(ios, a, nil)
	}
	ios.Successf("%s", headline)
	if err := PrintMeansLines(ios, a); err != nil {
		return err
	}
	fmt.Fprintln(ios.Out)
	if err := PrintQuote(ios, &a.Quote); err != nil {
		return err
	}
	fmt.Fprintf(ios.ErrOut, "Review and submit it with: reconi apply --draft %d\n", a.ID)
	return nil
}
