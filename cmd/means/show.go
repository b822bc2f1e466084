package means

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// ShowOptions are the inputs of `reconi means show`.
type ShowOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	Ref     string
	KVK     string
}

// NewCmdShow returns `reconi means show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "show (ID | EMAIL) [--org KVK]",
		Short: "Show one means, or every means of an email, with the user's history",
		Long: `Show a means by its ID, or every means of an email address (of one
organisation with --org): its state, end dates, permissions, and the history
of the user's request, from the invitation to the withdrawal. Exit 4 when
nothing matches.`,
		Example: `  reconi means show 12
  reconi means show jan@example.nl --org 69599084 -o json`,
		Args: cmdutil.ExactArgs(1, "a means ID or an email address"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			opts.Ref = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.KVK, "org", "", "only the means of this organisation (`KVK`)")
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	ms, err := b.ShowMeans(ctx, opts.Ref, opts.KVK)
	if err != nil {
		return err
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, ms, nil)
	}
	for i, m := range ms {
		if i > 0 {
			fmt.Fprintln(opts.IO.Out)
		}
		if err := printMeans(opts.IO, m); err != nil {
			return err
		}
	}
	return nil
}

func printMeans(ios *output.IOStreams, m reconi.Means) error {
	pairs := [][2]string{
		{"Means", fmt.Sprintf("%d (application %d)", m.ID, m.ApplicationID)},
		{"User", fmt.Sprintf("%s %s <%s>", m.FirstName, m.LastName, m.Email)},
		{"Organisation", fmt.Sprintf("%s (%s)", m.Organization.Name, m.Organization.KVK)},
		{"Level", string(m.Level)},
		{"State", string(m.State)},
		{"Issued", m.IssuedAt.Format("2006-01-02 15:04 MST")},
		{"Expires", m.ExpiresAt.Format("2006-01-02 15:04 MST")},
		{"Permissions", permissionsText(m)},
	}
	if m.LinkedTo != 0 {
		pairs = append(pairs, [2]string{"Linked", fmt.Sprintf("links means %d, held for another organisation, to this one; it ends when that one ends", m.LinkedTo)})
	}
	if m.WithdrawnAt != nil {
		pairs = append(pairs, [2]string{"Withdrawn", fmt.Sprintf("%s by %s: %s",
			m.WithdrawnAt.Format("2006-01-02 15:04 MST"), m.WithdrawnBy, m.WithdrawReason)})
	}
	if err := output.PrintKV(ios, pairs); err != nil {
		return err
	}
	if len(m.History) == 0 {
		return nil
	}
	fmt.Fprintln(ios.Out)
	t := output.NewTable(ios)
	t.AddHeader("WHEN", "FROM", "TO", "WHO", "WHY")
	for _, e := range m.History {
		t.AddRow(e.At.Format("2006-01-02 15:04"), e.From, e.To, e.Actor, e.Reason)
	}
	return t.Render()
}
