package shared

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/reconi/reconi/cmd/internal/prompt"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// PrintQuote prints a quote as a table with the totals below it.
func PrintQuote(ios *output.IOStreams, q *reconi.Quote) error {
	t := output.NewTable(ios)
	t.AddHeader("ITEM", "QUANTITY", "UNIT", "AMOUNT")
	for _, l := range q.Lines {
		t.AddRow(l.Description, strconv.FormatInt(l.Quantity, 10), reconi.FormatCents(l.UnitCents), reconi.FormatCents(l.TotalCents))
	}
	t.AddRow("Subtotal (excluding VAT)", "", "", reconi.FormatCents(q.SubtotalCents))
	t.AddRow(fmt.Sprintf("VAT %d%%", q.VATPercent), "", "", reconi.FormatCents(q.VATCents))
	t.AddRow("Total", "", "", reconi.FormatCents(q.TotalCents))
	return t.Render()
}

// Ask says which questions of step 9 to ask.
type Ask struct {
	// Direct asks whether to add permissions directly at all.
	Direct bool
	// Scope asks for all services, or else providers or services.
	Scope bool
	// Validity asks for the validity period.
	Validity bool
}

// Run asks the questions of step 9 that a says, in the web wizard's order,
// and fills in. Providers and services are offered from b's catalogue;
// services only those a means at level may use.
func (a Ask) Run(ctx context.Context, p *prompt.Prompter, b reconi.Backend, level reconi.Level, in *reconi.PermissionsInput) error {
	if a.Scope {
		if err := askScope(ctx, p, b, level, in, a.Direct); err != nil {
			return err
		}
	}
	if a.Validity {
		v, err := p.Select(ctx, "Validity of the permissions", []prompt.Option{
			{Label: "1 year", Value: "1"}, {Label: "3 years", Value: "3"}, {Label: "5 years", Value: "5"},
		}, "3")
		if err != nil {
			return err
		}
		if in.ValidityYears, err = reconi.ParseValidity(v); err != nil {
			return err
		}
	}
	return nil
}

func askScope(ctx context.Context, p *prompt.Prompter, b reconi.Backend, level reconi.Level, in *reconi.PermissionsInput, askDirect bool) error {
	if askDirect {
		direct, err := p.Confirm(ctx, "Add permissions directly? (No: the users cannot log in anywhere until permissions are granted later)", true)
		if err != nil {
			return err
		}
		if in.Direct = direct; !direct {
			return nil
		}
	}
	all, err := p.Confirm(ctx, "All services of all providers, future ones included? (the most chosen)", true)
	if err != nil {
		return err
	}
	if all {
		in.AllServices = true
		return nil
	}
	kind, err := p.Select(ctx, "Which permissions then?", []prompt.Option{
		{Label: "all services of one or more providers, future ones included", Value: "providers"},
		{Label: "specific services", Value: "services"},
	}, "providers")
	if err != nil {
		return err
	}
	atLeastOne := func(what string) func([]string) error {
		return func(v []string) error {
			if len(v) == 0 {
				return fmt.Errorf("choose at least one %s", what)
			}
			return nil
		}
	}
	if kind == "providers" {
		// Only providers with a service a means at level can use: a
		// permission for the others is refused.
		svcs, err := b.Services(ctx, reconi.ServiceFilter{Level: string(level)})
		if err != nil {
			return err
		}
		if len(svcs) == 0 {
			return reconi.Errorf(reconi.KindNotFound, "the catalogue has no services an %s means may use", level)
		}
		var names []string
		for _, s := range svcs {
			if !slices.Contains(names, s.Provider) {
				names = append(names, s.Provider)
			}
		}
		in.Providers, err = p.MultiSelect(ctx, "Providers (all their services, future ones included)", prompt.Options(names...), atLeastOne("provider"))
		return err
	}
	svcs, err := b.Services(ctx, reconi.ServiceFilter{Level: string(level)})
	if err != nil {
		return err
	}
	if len(svcs) == 0 {
		return reconi.Errorf(reconi.KindNotFound, "the catalogue has no services an %s means may use", level)
	}
	options := make([]prompt.Option, len(svcs))
	for i, s := range svcs {
		options[i] = prompt.Option{Label: fmt.Sprintf("%s: %s (%s)", s.Provider, s.Name, s.Level), Value: string(s.ID)}
	}
	in.Services, err = p.MultiSelect(ctx, "Services", options, atLeastOne("service"))
	return err
}
