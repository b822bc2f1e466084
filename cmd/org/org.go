// Package org holds `reconi org`: the organisation register and wizard steps
// 3 to 6, choosing the organisation, level and branch.
package org

import (
	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
)

// NewCmdOrg returns `reconi org`.
func NewCmdOrg(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "org <command>",
		Short: "Select an organisation to add users to; keep the organisation register",
	}
	cmd.AddCommand(NewCmdSelect(f, nil), NewCmdShow(f, nil), NewCmdList(f, nil), NewCmdRegister(f, nil))
	return cmd
}
