// Package drafts holds `reconi drafts`: the drafts a manager started and
// left, listed with their size and age, resumed or discarded.
package drafts

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
)

// NewCmdDrafts returns `reconi drafts`.
func NewCmdDrafts(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "drafts <command>",
		Short: "List the drafts you started, resume one, or discard it",
		Long: `A draft is an application not yet submitted: 'reconi org select' or the
wizard starts one and makes it the current draft, which users add,
permissions set and apply work on. Drafts left behind are listed here, not by
'reconi status' (unless asked with --state draft).

  list      the drafts you may see, with organisation, level, number of users
            and age; the current one is marked
  use       make a draft the current one, to carry on with it
  discard   delete a draft and its users, recorded in its history

A manager sees the drafts of the organisations on their token; the embedded
backend sees all.`,
		Example: `  reconi drafts list
  reconi drafts use 12
  reconi drafts discard 12 --reason "started for the wrong organisation"`,
	}
	cmd.AddCommand(NewCmdList(f, nil), NewCmdUse(f, nil), NewCmdDiscard(f, nil))
	return cmd
}

// age says how long ago t was, roughly: "just now", "5m", "3h", "2d".
func age(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	default:
		return fmt.Sprintf("%dd ago", int(d/(24*time.Hour)))
	}
}
