package users

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// ShowOptions are the inputs of `reconi users show`.
type ShowOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	Email   string
	KVK     string
}

// NewCmdShow returns `reconi users show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "show EMAIL [--org KVK]",
		Short: "Show one person's requests: state, deadline, history and message deliveries",
		Long: `Show every request for an email address that you may read (of one
organisation with --org): the person's state, the deadline (while invited,
when the invitation link expires), why a request ended (rejected, expired,
cancelled), the person's own history, and how their emails and SMS fared
(sent, failed with the error, kept), never the messages themselves. Exit 4
when nobody matches.`,
		Example: `  reconi users show jan@example.nl
  reconi users show jan@example.nl --org 69599084 -o json`,
		Args: cmdutil.ExactArgs(1, "an email address"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			opts.Email = args[0]
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return showRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.KVK, "org", "", "only the requests of this organisation (`KVK`)")
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	p, err := b.Person(ctx, opts.Email, opts.KVK)
	if err != nil {
		return err
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, p, nil)
	}
	for i, r := range p.Requests {
		if i > 0 {
			fmt.Fprintln(opts.IO.Out)
		}
		if err := printRequest(opts.IO, r); err != nil {
			return err
		}
	}
	return nil
}

const timeLayout = "2006-01-02 15:04 MST"

func printRequest(ios *output.IOStreams, r reconi.PersonRequest) error {
	u := r.User
	pairs := [][2]string{
		{"Person", fmt.Sprintf("%s %s <%s>", u.FirstName, u.LastName, u.Email)},
		{"Application", fmt.Sprintf("%d (%s, %s)", r.ApplicationID, r.Level, r.ApplicationState)},
		{"Organisation", fmt.Sprintf("%s (%s)", r.Organization.Name, r.Organization.KVK)},
		{"State", string(u.State)},
	}
	if u.DeadlineAt != nil {
		what := "Deadline"
		if u.State == reconi.UserInvited || u.State == reconi.UserDetailsConfirmed {
			what = "Link expires"
		}
		pairs = append(pairs, [2]string{what, u.DeadlineAt.Format(timeLayout)})
	}
	if r.Reason != "" {
		pairs = append(pairs, [2]string{"Reason", r.Reason})
	}
	if err := output.PrintKV(ios, pairs); err != nil {
		return err
	}
	if len(r.History) > 0 {
		fmt.Fprintln(ios.Out)
		t := output.NewTable(ios)
		t.AddHeader("WHEN", "FROM", "TO", "WHO", "WHY")
		for _, e := range r.History {
			t.AddRow(e.At.Format("2006-01-02 15:04"), e.From, e.To, e.Actor, e.Reason)
		}
		if err := t.Render(); err != nil {
			return err
		}
	}
	if len(r.Messages) > 0 {
		fmt.Fprintln(ios.Out)
		t := output.NewTable(ios)
		t.AddHeader("MESSAGE", "CHANNEL", "SUBJECT", "STATE", "ATTEMPTS", "SENT", "ERROR")
		for _, m := range r.Messages {
			sent := ""
			if m.SentAt != nil {
				sent = m.SentAt.Format("2006-01-02 15:04")
			}
			t.AddRow(fmt.Sprint(m.ID), string(m.Channel), m.Subject, string(m.State), fmt.Sprint(m.Attempts), sent, m.LastError)
		}
		return t.Render()
	}
	return nil
}
