// Package prices holds `reconi prices`: the price list quotes are made from.
package prices

import (
	"context"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
)

// NewCmdPrices returns `reconi prices`.
func NewCmdPrices(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "prices <command>",
		Short: "The price list quotes are made from",
	}
	cmd.AddCommand(NewCmdShow(f, nil), NewCmdLoad(f, nil))
	return cmd
}

// ShowOptions are the inputs of `reconi prices show`.
type ShowOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
}

// NewCmdShow returns `reconi prices show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "show",
		Short: "Show the price list in force (cents, VAT excluded)",
		Args:  cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	p, err := b.PriceList(ctx)
	if err != nil {
		return err
	}
	return opts.Output.Print(opts.IO, p, func(t *output.Table) {
		t.AddHeader("ITEM", "LEVEL", "1 YEAR", "3 YEARS", "5 YEARS")
		row := func(item string, l reconi.Level, m map[int]int64) {
			cells := []string{item, string(l)}
			for _, y := range reconi.ValidityYears {
				c, ok := m[y]
				cells = append(cells, map[bool]string{true: reconi.FormatCents(c), false: "-"}[ok])
			}
			t.AddRow(cells...)
		}
		for _, l := range reconi.Levels {
			if m, ok := p.Means[l]; ok {
				row("means, per user", l, m)
			}
		}
		for _, l := range reconi.Levels {
			if m, ok := p.Permission[l]; ok {
				row("permission, per user", l, m)
			}
		}
		for _, l := range reconi.WizardLevels {
			if m, ok := p.Renewal[l]; ok {
				row("renewal, per means", l, m)
			} else if p.Renewal == nil {
				if m, ok := p.Means[l]; ok {
					row("renewal, per means (as new)", l, m)
				}
			}
		}
		for _, l := range reconi.WizardLevels {
			if c, ok := p.Link[l]; ok {
				t.AddRow("link to another organisation", string(l), reconi.FormatCents(c), "", "")
			} else if p.Link == nil {
				t.AddRow("link to another organisation", string(l), "as a new means", "", "")
			}
		}
		t.AddRow("permissions included, new means", "", strconv.FormatInt(p.IncludedNew(), 10), "", "")
		t.AddRow("permissions included, renewal", "", strconv.FormatInt(p.IncludedRenewal(), 10), "", "")
		t.AddRow("identification (remote)", "", reconi.FormatCents(p.Identify.RemoteCents), "", "")
		t.AddRow("in-person surcharge", "", reconi.FormatCents(p.Identify.InPersonSurchargeCents), "", "")
		t.AddRow("VAT", "", strconv.FormatInt(p.VATPercent, 10)+"%", "", "")
	})
}

// LoadOptions are the inputs of `reconi prices load`.
type LoadOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	File    string
}

// NewCmdLoad returns `reconi prices load`.
func NewCmdLoad(f *cmdutil.Factory, runF func(context.Context, *LoadOptions) error) *cobra.Command {
	opts := &LoadOptions{IO: f.IOStreams, Backend: f.Backend}
	var example bool
	cmd := &cobra.Command{
		Use:   "load FILE",
		Short: "Put a new price list in force (operators)",
		Long: `Put the price list of a YAML (or JSON) file in force. Drafts are quoted from it
at once; submitted applications keep the quote they were submitted with.
--example prints the default price list, which shows the format.

Besides the means, permission and identification prices, a list may say how
many permissions come with a new and with a renewed means
(included_permissions: new, renewal; further ones are extra permissions at
the permission prices), what renewing a means costs (renewal, by level and
validity) and what linking a means a user already holds to another
organisation costs (link, by level). A file without these sections, written
before they existed, still loads and quotes as before: no permission is
included, and a renewal or a link costs what a new means costs.`,
		Example: `  reconi prices load --example > prices.yaml
  reconi prices load prices.yaml`,
		Args: cmdutil.MaxArgs(1, "one file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if example {
				_, err := opts.IO.Out.Write(service.DefaultPriceList())
				return err
			}
			if len(args) != 1 {
				return cmdutil.FlagErrorf("name the price list file to load")
			}
			opts.File = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return loadRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&example, "example", false, "print the default price list and exit")
	cmdutil.CreatesDatabase(cmd)
	return cmd
}

func loadRun(ctx context.Context, opts *LoadOptions) error {
	raw, err := os.ReadFile(opts.File)
	if err != nil {
		return reconi.Invalid("file", "%v", err)
	}
	p, err := service.ParsePriceList(raw)
	if err != nil {
		return err
	}
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	if err := b.LoadPriceList(ctx, *p); err != nil {
		return err
	}
	opts.IO.Successf("Loaded the price list; drafts are quoted from it from now on")
	return nil
}
