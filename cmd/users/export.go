package users

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/csvio"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// ExportOptions are the inputs of `reconi users export`.
type ExportOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	Filter  reconi.UserFilter
}

// NewCmdExport returns `reconi users export`.
func NewCmdExport(f *cmdutil.Factory, runF func(context.Context, *ExportOptions) error) *cobra.Command {
	opts := &ExportOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "export [--draft ID | --org KVK] [-o csv|json]",
		Short: "Write users as a CSV file that users import reads back",
		Long: `Write the users of a draft, an application or (with --org) every
application of an organisation as CSV in the columns 'reconi users import'
reads: first_name, last_name, email, phone, date_of_birth, employed. Importing
the file into a new draft gives the same users. With --org a person appears
once for each application they are in.

Spreadsheet formula injection is neutralised: a cell that starts with =, +,
-, @, a tab or a carriage return gets a leading single quote, so that a
spreadsheet shows it as text; reconi's importer takes that quote off again.
Phone numbers (+31...) are written that way too.

CSV is the default; -o json (or yaml, --jq) gives the users with every field,
as users list does.`,
		Example: `  reconi users export > users.csv
  reconi users export --org 69599084 -o csv > everyone.csv
  reconi users export --draft 12 | reconi users import --draft 13 -`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Output.JQ != "" && !cmd.Flags().Changed("output") {
				opts.Output.Format = string(output.FormatJSON) // --jq filters JSON
			}
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if err := resolveFilter(f, cmd, &opts.Filter); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return exportRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Filter.KVK, "org", "", "export the users of every application of this organisation (`KVK`)")
	cmdutil.DraftFlag(cmd)
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	// An export is a file for the importer; a table is what users list is for.
	opts.Output.Format = string(output.FormatCSV)
	cmd.Flags().Lookup("output").DefValue = string(output.FormatCSV)
	return cmd
}

func exportRun(ctx context.Context, opts *ExportOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	if opts.Output.JQ != "" || opts.Output.Format != string(output.FormatCSV) {
		lw, err := userWriter(opts.IO, &opts.Output)
		if err != nil {
			return err
		}
		if err := reconi.EachUserPage(ctx, b, opts.Filter, lw.Write); err != nil {
			return err
		}
		_, err = lw.Close()
		return err
	}
	// The file for the importer is written a page at a time.
	w := csvio.NewWriter(opts.IO.Out)
	if err := reconi.EachUserPage(ctx, b, opts.Filter, func(us []reconi.User) error {
		for _, u := range us {
			if err := w.Write(u); err != nil {
				return err
			}
		}
		return w.Flush()
	}); err != nil {
		return err
	}
	return w.Flush()
}
