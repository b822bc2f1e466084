package drafts

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/shared"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// UseOptions are the inputs of `reconi drafts use`.
type UseOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Config  func() (*config.Config, error)
	Getenv  func(string) string
	Output  cmdutil.OutputFlags
	ID      int64
}

// NewCmdUse returns `reconi drafts use`.
func NewCmdUse(f *cmdutil.Factory, runF func(context.Context, *UseOptions) error) *cobra.Command {
	opts := &UseOptions{IO: f.IOStreams, Backend: f.Backend, Config: f.Config, Getenv: f.Getenv}
	cmd := &cobra.Command{
		Use:   "use ID",
		Short: "Make a draft the current one, to carry on with it",
		Long: `Make draft ID the current draft of this profile and backend, as 'reconi org
select' does for the draft it starts: users add, users import, permissions
set and apply then work on it without --draft, and the wizard offers to
resume it. Only a draft can be used; a submitted application is a conflict
(exit 5).`,
		Example: `  reconi drafts use 12
  reconi users list`,
		Args:              cmdutil.ExactArgs(1, "the draft ID"),
		ValidArgsFunction: cmdutil.FirstArg(cmdutil.CompleteDrafts(f)),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := cmdutil.ParseID("id", args[0])
			if err != nil {
				return err
			}
			opts.ID = id
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return useRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func useRun(ctx context.Context, opts *UseOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	a, err := shared.UseDraft(ctx, b, opts.ID, opts.Config, opts.Getenv)
	if err != nil {
		return err
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, a, nil)
	}
	opts.IO.Successf("Draft %d for %s (%s) at %s, %s, is the current draft",
		a.ID, a.Organization.Name, a.Organization.KVK, a.Level, cmdutil.Count(a.UsersTotal, "user", "users"))
	return nil
}
