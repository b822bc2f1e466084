package cmdutil

import (
	"errors"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/internal/reconi"
)

// yesNo is a bool flag that takes the spellings a CSV file may use
// (reconi.ParseBool): --employed=ja, --employed=no, --employed=1.
type yesNo struct{ b *bool }

func (v yesNo) String() string { return strconv.FormatBool(*v.b) }

// Type is "bool", so help shows it as pflag shows a bool flag.
func (v yesNo) Type() string { return "bool" }

func (v yesNo) Set(s string) error {
	b, err := reconi.ParseBool("", s)
	if err != nil {
		return errors.New("want true/false, yes/no, ja/nee or 1/0")
	}
	*v.b = b
	return nil
}

// YesNoFlag registers a bool flag on cmd that also takes yes/no, ja/nee and
// 1/0; given alone it means true.
func YesNoFlag(cmd *cobra.Command, p *bool, name string, value bool, usage string) {
	*p = value
	cmd.Flags().Var(yesNo{p}, name, usage)
	cmd.Flags().Lookup(name).NoOptDefVal = "true"
}

// NoArgsAfterYesNo is NoArgs for a command with the yes/no flag name: an
// argument like "false" right after it was meant as its value, which a bool
// flag only takes after '=' (--employed=false).
func NoArgsAfterYesNo(name string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > 0 && cmd.Flags().Changed(name) {
			if _, err := reconi.ParseBool("", args[0]); err == nil {
				return FlagErrorf("--%s takes its value after '=': write --%s=%s (with a space, %q is read as an argument)", name, name, args[0], args[0])
			}
		}
		return NoArgs(cmd, args)
	}
}
