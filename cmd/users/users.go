// Package users holds `reconi users`: wizard step 7, adding users one by one
// or from a CSV file, and listing them.
package users

import (
	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
)

// NewCmdUsers returns `reconi users`.
func NewCmdUsers(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users <command>",
		Short: "Add users to the draft, one by one or from CSV (step 7); list, show and export them",
	}
	cmd.AddCommand(NewCmdAdd(f, nil), NewCmdImport(f, nil), NewCmdList(f, nil), NewCmdShow(f, nil), NewCmdRemove(f, nil),
		NewCmdExport(f, nil), NewCmdUpdate(f, nil))
	return cmd
}
