package cmdutil

import (
	"strings"

	"github.com/itchyny/gojq"
	"github.com/spf13/cobra"

	"github.com/reconi/reconi/internal/output"
)

// OutputFlags are -o/--output and --jq, on every command that prints data.
type OutputFlags struct {
	Format string
	JQ     string
}

// AddOutputFlags registers -o/--output and --jq on cmd.
func AddOutputFlags(cmd *cobra.Command, o *OutputFlags) {
	cmd.Flags().StringVarP(&o.Format, "output", "o", "table", "output format: "+strings.Join(output.Formats(), ", "))
	cmd.Flags().StringVar(&o.JQ, "jq", "", "filter JSON output with a jq `expression` (no jq needed)")
	_ = cmd.RegisterFlagCompletionFunc("output", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return output.Formats(), cobra.ShellCompDirectiveNoFileComp
	})
}

// Validate checks the flags before anything runs.
func (o *OutputFlags) Validate() error {
	f, err := output.ParseFormat(o.Format)
	if err != nil {
		return &FlagError{Err: err}
	}
	if o.JQ != "" && f != output.FormatJSON && f != output.FormatTable {
		return FlagErrorf("--jq works on JSON: use it without -o or with -o json")
	}
	if o.JQ != "" {
		// A typo in the filter is found before anything is changed.
		q, err := gojq.Parse(o.JQ)
		if err == nil {
			_, err = gojq.Compile(q)
		}
		if err != nil {
			return FlagErrorf("invalid --jq expression: %v", err)
		}
	}
	return nil
}

// Machine reports whether a script asked for a machine format.
func (o *OutputFlags) Machine() bool { return o.JQ != "" || (o.Format != "" && o.Format != "table") }

// Print writes data as the flags ask: through --jq, in a machine format, or
// as the table tbl fills.
func (o *OutputFlags) Print(ios *output.IOStreams, data any, tbl func(*output.Table)) error {
	if o.JQ != "" {
		return output.PrintJQ(ios, data, o.JQ)
	}
	f, err := output.ParseFormat(o.Format)
	if err != nil {
		return &FlagError{Err: err}
	}
	return output.Print(ios, f, data, tbl)
}

// ParseID parses an application ID.
func ParseID(field, s string) (int64, error) {
	return parseID(s, field, "an application ID", "42", "")
}
