package means

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/csvio"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// WithdrawOptions are the inputs of `reconi means withdraw`.
type WithdrawOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	KVK     string
	Reason  string
	// Emails are the arguments; File names a CSV file with an email column.
	Emails []string
	File   string
	DryRun bool
	// Yes skips the question; without a terminal it is required.
	Yes bool
}

// NewCmdWithdraw returns `reconi means withdraw`.
func NewCmdWithdraw(f *cmdutil.Factory, runF func(context.Context, *WithdrawOptions) error) *cobra.Command {
	opts := &WithdrawOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "withdraw (EMAIL... | --file FILE) --org KVK --reason TEXT [--dry-run] [--yes]",
		Short: "Withdraw the means of users who left: at once, all or none, recorded",
		Long: `Withdraw the means of the named users of one organisation: when a user leaves
or changes role, the conditions oblige the manager to. The means stops
working at once; the user and the application's manager are emailed, and the
user's history records who withdrew it, when and why (--reason).

All or none: an email without a means of the organisation, or whose means
already expired, is reported with every other bad row, and nothing is
withdrawn. A means withdrawn before is reported as unchanged, so a rerun is
safe. --file reads the email column of a CSV file, such as the one 'reconi
users export' or 'reconi means list -o csv' writes; one column is enough.

On a terminal reconi shows what it withdraws and asks first; without one
(or with --no-input, or CI=true) --yes is required. --dry-run checks every
email and withdraws nothing. Helpdesk may not withdraw.`,
		Example: `  reconi means withdraw jan@example.nl --org 69599084 --reason "left the company"
  reconi means withdraw --file leavers.csv --org 69599084 --reason "left" --yes -o json
  reconi means withdraw --file leavers.csv --org 69599084 --reason "left" --dry-run`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			opts.Emails = args
			if len(args) == 0 && opts.File == "" {
				return cmdutil.FlagErrorf("name the users: one or more EMAIL arguments, or --file FILE")
			}
			if opts.KVK == "" {
				return cmdutil.FlagErrorf("--org is required: the organisation (KVK) whose means to withdraw")
			}
			if opts.Reason = strings.TrimSpace(opts.Reason); opts.Reason == "" {
				return cmdutil.FlagErrorf("--reason is required: why the means are withdrawn, for the history")
			}
			if !opts.Yes && !opts.DryRun && !opts.IO.CanPrompt() {
				return cmdutil.FlagErrorf("--yes is required when reconi cannot ask (no terminal, --no-input or CI); nothing was withdrawn")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return withdrawRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.KVK, "org", "", "the organisation (`KVK`) whose means to withdraw")
	cmd.Flags().StringVar(&opts.Reason, "reason", "", "why, for the history (`text`)")
	cmd.Flags().StringVar(&opts.File, "file", "", "read the emails from the email column of a CSV `FILE` (- for standard input)")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "check every email, withdraw nothing")
	cmd.Flags().BoolVarP(&opts.Yes, "yes", "y", false, "withdraw without asking")
	_ = cmd.MarkFlagFilename("file", "csv")
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

// source says where each email of the request came from, to name it in a
// row problem: an argument, or a line of the file.
type source struct {
	file  string
	lines []int // 0 for an argument
}

func (s source) rewrite(err error) error {
	var e *reconi.Error
	if !errors.As(err, &e) || len(e.Rows) == 0 {
		return err
	}
	out := *e
	out.Rows = make([]reconi.RowError, len(e.Rows))
	for i, r := range e.Rows {
		pos := r.Line - 1
		switch {
		case pos < 0 || pos >= len(s.lines):
		case s.lines[pos] == 0:
			r.Field, r.Line = fmt.Sprintf("argument %d (%s)", pos+1, r.Value), 0
		default:
			r.Field, r.Line = s.file+": email", s.lines[pos]
		}
		out.Rows[i] = r
	}
	return &out
}

// emails gathers the arguments and the file's emails, in that order.
func (opts *WithdrawOptions) emails() ([]string, source, error) {
	src := source{file: opts.File}
	out := append([]string(nil), opts.Emails...)
	src.lines = make([]int, len(out))
	if opts.File == "" {
		return out, src, nil
	}
	in := opts.IO.In
	if opts.File != "-" {
		f, err := os.Open(opts.File)
		if err != nil {
			return nil, src, reconi.Invalid("file", "%v", err)
		}
		defer f.Close()
		in = f
	}
	listed, err := csvio.ReadEmails(in)
	if err != nil {
		return nil, src, fmt.Errorf("%s: %w", opts.File, err)
	}
	if len(listed) == 0 {
		return nil, src, reconi.Invalid("file", "%s names no email", opts.File)
	}
	for _, l := range listed {
		out = append(out, l.Email)
		src.lines = append(src.lines, l.Line)
	}
	return out, src, nil
}

func withdrawRun(ctx context.Context, opts *WithdrawOptions) error {
	emails, src, err := opts.emails()
	if err != nil {
		return err
	}
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	in := reconi.Withdrawal{KVK: opts.KVK, Emails: emails, Reason: opts.Reason, DryRun: opts.DryRun}
	if !opts.Yes && !opts.DryRun {
		// Check every email first and show what would change, then ask.
		in.DryRun = true
		plan, err := b.WithdrawMeans(ctx, in)
		if err != nil {
			return src.rewrite(err)
		}
		in.DryRun = false
		if len(plan.Withdrawn) > 0 {
			fmt.Fprintf(opts.IO.ErrOut, "This withdraws at once, for organisation %s:\n", opts.KVK)
			for _, m := range plan.Withdrawn {
				fmt.Fprintf(opts.IO.ErrOut, "  %s %s <%s>, %s, means %d\n", m.FirstName, m.LastName, m.Email, m.Level, m.ID)
			}
			ok, err := cmdutil.Confirm(ctx, opts.IO, fmt.Sprintf("Withdraw %s? The users can no longer log in with it.", count(len(plan.Withdrawn))))
			if err != nil {
				return err
			}
			if !ok {
				fmt.Fprintln(opts.IO.ErrOut, "Nothing was withdrawn.")
				return cmdutil.ErrCancel
			}
		}
	}
	res, err := b.WithdrawMeans(ctx, in)
	if err != nil {
		return src.rewrite(err)
	}
	return printResult(opts, res)
}

func printResult(opts *WithdrawOptions, res *reconi.WithdrawResult) error {
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, res, nil)
	}
	verb := "Withdrew"
	if res.DryRun {
		verb = "Would withdraw"
	}
	msg := fmt.Sprintf("%s %s of organisation %s", verb, count(len(res.Withdrawn)), opts.KVK)
	if n := len(res.Unchanged); n > 0 {
		msg += fmt.Sprintf("; %s withdrawn before, unchanged", count(n))
	}
	opts.IO.Successf("%s", msg)
	return opts.Output.Print(opts.IO, nil, func(t *output.Table) {
		t.AddHeader("ID", "EMAIL", "NAME", "STATE")
		for _, m := range res.Withdrawn {
			t.AddRow(fmt.Sprint(m.ID), m.Email, m.FirstName+" "+m.LastName, string(m.State))
		}
		for _, m := range res.Unchanged {
			t.AddRow(fmt.Sprint(m.ID), m.Email, m.FirstName+" "+m.LastName, string(m.State)+" (before)")
		}
	})
}

func count(n int) string {
	if n == 1 {
		return "1 means"
	}
	return fmt.Sprintf("%d means", n)
}
