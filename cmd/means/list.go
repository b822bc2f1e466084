package means

import (
	"context"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// ListOptions are the inputs of `reconi means list`.
type ListOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	Filter  reconi.MeansFilter
}

var states = []string{string(reconi.MeansActive), string(reconi.MeansExpired), string(reconi.MeansWithdrawn)}

// NewCmdList returns `reconi means list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Backend: f.Backend}
	var state, within string
	cmd := &cobra.Command{
		Use:     "list [--org KVK] [--email EMAIL] [--state STATE] [--expiring-within 60d]",
		Short:   "List issued means: user, organisation, level, state, end dates, permissions",
		Aliases: []string{"ls"},
		Long: `List every issued means the caller may see, one row per means, across
applications, read from the backend a page at a time and printed as it comes
(JSON and CSV stream; a table on a terminal and YAML wait for the last page).

--expiring-within keeps active means that end within that span (60d, 8w,
72h). With nothing to list the table prints nothing and the command exits 0,
so a scheduled job can act on the output; -o json prints [].

JSON fields: id, email, first_name, last_name, organization {kvk, name},
level, state, issued_at, expires_at, application_id, permissions [{scope,
provider, service, expires_at}], linked_to (the means, held for another
organisation, that this one links: its STATE reads "active (link to ID)"),
and withdrawn_at, withdrawn_by, withdraw_reason once withdrawn. -o csv has the same fields as columns, and
'reconi means withdraw --file' reads its email column.`,
		Example: `  reconi means list --org 69599084
  reconi means list --expiring-within 60d --jq '.[].email'
  reconi means list --state withdrawn -o csv`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if state != "" {
				st, err := reconi.ParseMeansState(state)
				if err != nil {
					return &cmdutil.FlagError{Err: err}
				}
				opts.Filter.State = st
			}
			if within != "" {
				d, err := reconi.ParseWithin("--expiring-within", within)
				if err != nil {
					return &cmdutil.FlagError{Err: err}
				}
				opts.Filter.ExpiringWithin = d
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Filter.KVK, "org", "", "only the means of this organisation (`KVK`)")
	cmd.Flags().StringVar(&opts.Filter.Email, "email", "", "only the means of this `email`")
	cmd.Flags().StringVar(&state, "state", "", "only means in this `state`: active, expired or withdrawn")
	cmd.Flags().StringVar(&within, "expiring-within", "", "only active means that end within this `span` (e.g. 60d, 8w)")
	_ = cmd.RegisterFlagCompletionFunc("state", cobra.FixedCompletions(states, cobra.ShellCompDirectiveNoFileComp))
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	format, err := output.ParseFormat(opts.Output.Format)
	if err != nil {
		return err
	}
	w := output.NewListWriter(opts.IO, format, opts.Output.JQ,
		[]string{"ID", "EMAIL", "NAME", "ORGANISATION", "LEVEL", "STATE", "ISSUED", "EXPIRES", "PERMISSIONS"}, row)
	f := opts.Filter
	for {
		page, err := b.ListMeans(ctx, f)
		if err != nil {
			return err
		}
		if err := w.Write(page.Means); err != nil {
			return err
		}
		if page.NextCursor == "" {
			break
		}
		f.Cursor = page.NextCursor
	}
	n, err := w.Close()
	if err == nil && n == 0 && !opts.Output.Machine() && opts.IO.IsStderrTTY() {
		opts.IO.Warnf("no means match")
	}
	return err
}

func row(m reconi.Means) []string {
	state := string(m.State)
	if m.LinkedTo != 0 {
		// One person, one means: this links the means held for another
		// organisation.
		state += " (link to " + strconv.FormatInt(m.LinkedTo, 10) + ")"
	}
	return []string{strconv.FormatInt(m.ID, 10), m.Email, m.FirstName + " " + m.LastName,
		m.Organization.Name + " (" + string(m.Organization.KVK) + ")", string(m.Level), state,
		m.IssuedAt.Format("2006-01-02"), m.ExpiresAt.Format("2006-01-02"), permissionsText(m)}
}
