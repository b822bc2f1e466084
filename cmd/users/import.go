package users

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/shared"
	"github.com/reconi/reconi/internal/csvio"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// ImportOptions are the inputs of `reconi users import`.
type ImportOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	DraftID int64
	File    string
	DryRun  bool
	// SkipExisting skips the rows of people the draft already has.
	SkipExisting bool
	// ErrorsFile receives the failing rows of a failed import.
	ErrorsFile string
}

// NewCmdImport returns `reconi users import` (step 7, CSV upload).
func NewCmdImport(f *cmdutil.Factory, runF func(context.Context, *ImportOptions) error) *cobra.Command {
	opts := &ImportOptions{IO: f.IOStreams, Backend: f.Backend}
	var template bool
	cmd := &cobra.Command{
		Use:   "import FILE|-",
		Short: "Add the users of a CSV file to the draft, all or none",
		Long: `Add every user of a CSV file to the current draft. Every row is checked first;
if any row is bad, each bad row is reported with its line, field and what is
allowed, and no user is added. --dry-run only checks. --errors-file FILE
writes the bad rows, as they were plus an error column, to fix them there.

A row whose email the draft already has is bad, so importing the same file
twice adds nothing the second time. --skip-existing adds the new rows and
skips those whose person the draft already has with the same data (first
and last name, phone number, employed, and date of birth when the row gives
one), counting them in the summary and listing them in JSON as skipped
[{line, email}]; the same email with other data stays a bad row that names
the field.

The file may come from a spreadsheet in any common locale: comma, semicolon or
tab separated; UTF-8 (with or without BOM), UTF-16 or Windows-1252. Header
names ignore case, spaces, '_' and '-'; Dutch names are accepted too:

` + columnHelp() + `
Booleans: true/false, yes/no, ja/nee, waar/onwaar, 1/0. Dates: YYYY-MM-DD or
DD-MM-YYYY. Phone numbers must be mobile numbers (NL unless +CC); they are
stored as E.164. Use - to read standard input; --template prints an example.
A large file shows a progress bar on stderr when that is a terminal.`,
		Example: `  reconi users import --template > users.csv
  reconi users import users.csv --dry-run
  reconi users import users.csv
  reconi users import users.csv --errors-file bad-rows.csv
  reconi users import users.csv --skip-existing -o json --jq '.skipped[].line'
  export-from-hr | reconi users import -`,
		Args: cmdutil.MaxArgs(1, "one file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if template {
				_, err := opts.IO.Out.Write(csvio.Template())
				return err
			}
			if len(args) != 1 {
				return cmdutil.FlagErrorf("name the CSV file to import, or - for standard input")
			}
			opts.File = args[0]
			if opts.ErrorsFile != "" && opts.File == "-" {
				return cmdutil.FlagErrorf("--errors-file copies rows from the input file: it needs a file, not standard input")
			}
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			id, err := cmdutil.ResolveDraft(cmd, f.Config, f.Getenv)
			if err != nil {
				return err
			}
			opts.DraftID = id
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return importRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "check every row and add nothing")
	cmd.Flags().BoolVar(&opts.SkipExisting, "skip-existing", false, "skip rows whose person the draft already has with the same data, instead of refusing them")
	cmd.Flags().BoolVar(&template, "template", false, "print an example CSV file and exit")
	cmd.Flags().StringVar(&opts.ErrorsFile, "errors-file", "", "when rows fail, write them to `file` with an error column, to fix and import again")
	cmdutil.DraftFlag(cmd)
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	cmdutil.CreatesDatabase(cmd)
	return cmd
}

func columnHelp() string {
	var b strings.Builder
	for _, c := range csvio.Columns() {
		req := "optional"
		if c.Required {
			req = "required"
		}
		fmt.Fprintf(&b, "  %-14s %s; also: %s\n", c.Name, req, strings.Join(c.Aliases, ", "))
	}
	return b.String()
}

func importRun(ctx context.Context, opts *ImportOptions) error {
	res, err := shared.ImportFile(ctx, opts.IO, opts.Backend, opts.DraftID, opts.File, reconi.ImportOptions{DryRun: opts.DryRun, SkipExisting: opts.SkipExisting})
	if err != nil {
		var e *reconi.Error
		if opts.ErrorsFile != "" && errors.As(err, &e) && len(e.Rows) > 0 {
			n, werr := shared.WriteErrorsFile(opts.File, opts.ErrorsFile, e)
			// With -o json stderr holds the error object alone.
			switch {
			case werr != nil:
				opts.IO.Warnf("writing %s: %v", opts.ErrorsFile, werr)
			case n == 0 || opts.Output.Machine():
			case e.RowsOmitted > 0:
				rest := fmt.Sprintf("the %d problems not listed are", e.RowsOmitted)
				if e.RowsOmitted == 1 {
					rest = "the 1 problem not listed is"
				}
				opts.IO.Warnf("wrote %s to %s; %s not in it", cmdutil.Count(n, "failing row", "failing rows"), opts.ErrorsFile, rest)
			default:
				opts.IO.Warnf("wrote %s to %s: no user was added; fix them there and import them with the other rows", cmdutil.Count(n, "failing row", "failing rows"), opts.ErrorsFile)
			}
		}
		return err
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, res, nil)
	}
	cs := opts.IO.ColorScheme()
	skipped := ""
	if n := len(res.Skipped); n > 0 {
		lines := make([]string, 0, min(n, 10))
		for _, r := range res.Skipped[:min(n, 10)] {
			lines = append(lines, fmt.Sprint(r.Line))
		}
		if n > 10 {
			lines = append(lines, "...")
		}
		word := "lines"
		if n == 1 {
			word = "line"
		}
		skipped = fmt.Sprintf("; skipped %s already in the draft (%s %s)", cmdutil.Count(n, "row", "rows"), word, strings.Join(lines, ", "))
	}
	if res.DryRun {
		all := fmt.Sprintf("All %d rows are", res.Rows)
		if res.Rows == 1 {
			all = "The 1 row is"
		}
		fmt.Fprintf(opts.IO.ErrOut, "%s %s valid; nothing was added (dry run)%s\n", cs.SuccessIcon(), all, skipped)
		return nil
	}
	fmt.Fprintf(opts.IO.ErrOut, "%s Added %s to draft %d%s\n", cs.SuccessIcon(), cmdutil.Count(res.Added, "user", "users"), opts.DraftID, skipped)
	return nil
}
