package drafts

import (
	"context"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/shared"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// ListOptions are the inputs of `reconi drafts list`.
type ListOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	// Config and Getenv find the current draft, which the list marks.
	Config func() (*config.Config, error)
	Getenv func(string) string
	Now    func() time.Time
	Output cmdutil.OutputFlags
	KVK    string
}

// Row is one draft in `reconi drafts list -o json|csv`. The field names
// are part of reconi's interface.
type Row struct {
	ID           int64               `json:"id"`
	Kind         reconi.AppKind      `json:"kind"`
	Organization reconi.OrgRef       `json:"organization"`
	Level        reconi.Level        `json:"level"`
	Branch       reconi.BranchNumber `json:"branch"`
	UsersTotal   int                 `json:"users_total"`
	CreatedAt    time.Time           `json:"created_at"`
	UpdatedAt    time.Time           `json:"updated_at"`
	// Current is true for the current draft of this profile and backend.
	Current bool `json:"current"`
}

// NewCmdList returns `reconi drafts list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Backend: f.Backend, Config: f.Config, Getenv: f.Getenv, Now: f.Now}
	cmd := &cobra.Command{
		Use:     "list [--org KVK]",
		Aliases: []string{"ls"},
		Short:   "List the drafts you may see: organisation, level, users, age",
		Long: `List the drafts (applications not yet submitted) the caller may see, oldest
first, read a page at a time and printed as they come. A manager sees the
drafts of the organisations on their token; the embedded backend sees all.
The current draft (the one users add, permissions set and apply work on) is
marked with *. KIND says what submitting it does: new (the wizard's new
means), renewal (means renew) or change (permissions grant).

JSON and CSV fields: id, kind, organization {kvk, name}, level, branch,
users_total, created_at, updated_at (the draft's latest change), current.
With no drafts the table is empty and the command exits 0; -o json prints [].`,
		Example: `  reconi drafts list
  reconi drafts list --org 69599084 -o json
  reconi drafts list --jq '.[] | select(.users_total == 0) | .id'`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.KVK, "org", "", "only the drafts of this organisation (`KVK`)")
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	format, err := output.ParseFormat(opts.Output.Format)
	if err != nil {
		return err
	}
	current, err := shared.CurrentDraft(opts.Config, opts.Getenv)
	if err != nil {
		return err
	}
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	now := opts.Now()
	w := output.NewListWriter(opts.IO, format, opts.Output.JQ,
		[]string{"ID", "ORGANISATION", "KVK", "LEVEL", "USERS", "CREATED", "UPDATED", "KIND"},
		func(r Row) []string {
			id := strconv.FormatInt(r.ID, 10)
			if r.Current {
				id += " *"
			}
			return []string{id, r.Organization.Name, string(r.Organization.KVK), string(r.Level),
				strconv.Itoa(r.UsersTotal), age(now, r.CreatedAt), age(now, r.UpdatedAt), string(r.Kind)}
		})
	f := reconi.ApplicationFilter{KVK: opts.KVK, State: string(reconi.AppDraft)}
	if err := reconi.EachApplicationPage(ctx, b, f, func(apps []reconi.ApplicationSummary) error {
		rows := make([]Row, len(apps))
		for i, a := range apps {
			rows[i] = Row{ID: a.ID, Kind: a.Kind, Organization: a.Organization, Level: a.Level, Branch: a.Branch, UsersTotal: a.UsersTotal,
				CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Current: a.ID == current}
		}
		return w.Write(rows)
	}); err != nil {
		return err
	}
	n, err := w.Close()
	if err == nil && n == 0 && !opts.Output.Machine() && opts.IO.IsStderrTTY() {
		opts.IO.Warnf("no drafts")
	}
	return err
}
