// Package identification holds `reconi identification`: the operator records
// the identification partner's result for a user not employed by the
// organisation.
package identification

import (
	"context"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// NewCmdIdentification returns `reconi identification`.
func NewCmdIdentification(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "identification <command>",
		Short: "Record identification results (operators)",
		Long: `A user who is not employed by the organisation identifies with the broker's
partner after ordering, within 30 days. With the manual provider the partner
tells an operator the result, who records it here; the webhook provider
records it from the partner's signed callback instead.`,
	}
	cmd.AddCommand(NewCmdComplete(f, nil))
	return cmd
}

// CompleteOptions are the inputs of `reconi identification complete`.
type CompleteOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	UserID  int64
	Passed  bool
	Note    string
}

// NewCmdComplete returns `reconi identification complete`.
func NewCmdComplete(f *cmdutil.Factory, runF func(context.Context, *CompleteOptions) error) *cobra.Command {
	opts := &CompleteOptions{IO: f.IOStreams, Backend: f.Backend}
	var result string
	cmd := &cobra.Command{
		Use:   "complete USER_ID --result passed|failed [--note TEXT]",
		Short: "Record the partner's identification result for a user",
		Long: `Record the result of a user's identification. passed moves the user on to
the final check (reconi review list); failed rejects the request, and the
authorization manager is told, with --note as the reason.

USER_ID is the user's number: the "user_id" of the identification request in
the outbox (see the example), or the "id" of the user in reconi status APP_ID
-o json.`,
		Example: `  reconi outbox list --channel identification -o json --jq '.[] | "\(.user_id) \(.to)"'
  reconi identification complete 17 --result passed
  reconi identification complete 18 --result failed --note "document expired"`,
		Args: cmdutil.ExactArgs(1, "the user's ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch strings.ToLower(strings.TrimSpace(result)) {
			case "":
				return cmdutil.FlagErrorf("--result is required: passed or failed")
			case "passed":
				opts.Passed = true
			case "failed":
				opts.Passed = false
			default:
				return cmdutil.FlagErrorf("invalid value %q for --result: want passed or failed", result)
			}
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			id, err := cmdutil.ParseUserID(args[0])
			if err != nil {
				return err
			}
			opts.UserID = id
			opts.Note = strings.TrimSpace(opts.Note)
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return completeRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&result, "result", "", "the partner's `result`: passed or failed")
	cmd.Flags().StringVar(&opts.Note, "note", "", "a `note` for the history; when failed, the reason the manager is told")
	_ = cmd.RegisterFlagCompletionFunc("result", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"passed", "failed"}, cobra.ShellCompDirectiveNoFileComp
	})
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func completeRun(ctx context.Context, opts *CompleteOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	u, err := b.CompleteIdentification(ctx, opts.UserID, opts.Passed, opts.Note)
	if err != nil {
		return err
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, u, nil)
	}
	if opts.Passed {
		opts.IO.Successf("Identification of %s passed; the final check is next: reconi review approve %d", u.Email, u.ID)
	} else {
		opts.IO.Successf("Identification of %s failed; the request is %s", u.Email, u.State)
	}
	return opts.Output.Print(opts.IO, []reconi.User{*u}, func(t *output.Table) {
		t.AddHeader("ID", "EMAIL", "NAME", "APPLICATION", "STATE")
		t.AddRow(strconv.FormatInt(u.ID, 10), u.Email, u.FirstName+" "+u.LastName, strconv.FormatInt(u.ApplicationID, 10), string(u.State))
	})
}
