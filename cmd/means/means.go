// Package means holds `reconi means`: the issued eHerkenning means after the
// wizard, with their end dates, and their withdrawal when a user leaves.
package means

import (
	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/reconi"
)

// NewCmdMeans returns `reconi means`.
func NewCmdMeans(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "means <command>",
		Short: "See the issued means and their end dates; renew them; withdraw those of leavers",
		Long: `A means lives for years after the wizard: it is issued for the validity bought
(1, 3 or 5 years), each permission ends on its own date, and the conditions
oblige the manager to withdraw it the day its user leaves.

States: active, expired (past expires_at) and withdrawn. Brokers remind the
manager about two months before a means ends; reconi serve emails the
application's notify address 60 and 14 days before (serve --reminder-days),
and 'reconi means list --expiring-within 60d' gives the same list anywhere.

Managers of an organisation and operators may withdraw; helpdesk reads only.
Managers renew: 'reconi means renew' starts a renewal draft that 'reconi
apply' submits.`,
		Example: `  reconi means list --org 69599084
  reconi means list --expiring-within 60d -o csv > expiring.csv
  reconi means show jan@example.nl
  reconi means withdraw jan@example.nl --org 69599084 --reason "left the company"
  reconi means withdraw --file leavers.csv --org 69599084 --reason "left" --yes
  reconi means renew --expiring-within 60d --org 69599084 --validity 3y`,
	}
	cmd.AddCommand(NewCmdList(f, nil), NewCmdShow(f, nil), NewCmdWithdraw(f, nil), NewCmdRenew(f, nil))
	return cmd
}

// permissionsText lists a means' permissions in one cell.
func permissionsText(m reconi.Means) string {
	if len(m.Permissions) == 0 {
		return "none"
	}
	s := ""
	for i, p := range m.Permissions {
		if i > 0 {
			s += ", "
		}
		s += p.String()
		if !p.ExpiresAt.Equal(m.ExpiresAt) {
			s += " (until " + p.ExpiresAt.Format("2006-01-02") + ")"
		}
	}
	return s
}
