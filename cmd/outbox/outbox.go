// Package outbox holds `reconi outbox`: every email, SMS and identification
// request reconi wrote. With no delivery configured the outbox is the
// delivery, so a standalone user reads invitation links and codes here.
package outbox

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// NewCmdOutbox returns `reconi outbox`.
func NewCmdOutbox(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "outbox <command>",
		Short: "Read the emails, SMS and identification requests reconi sent or keeps",
		Long: `Every email and SMS is written to the outbox together with the change that
causes it, then delivered: by email over SMTP and by SMS through the
configured provider. With nothing configured the outbox itself is the
delivery, and messages stay "kept" here for you to read: the invitation
links, the SMS codes, the requests to the identification partner.

States: pending (not delivered yet), sent, kept (no delivery configured),
failed (gave up after retries; see last_error). reconi outbox retry sends
failed and kept messages again. Only operators and the local user may read
the outbox: undelivered messages hold links and codes, and delivered ones
keep no link or code.`,
		Example: `  reconi outbox list --to jan@example.nl
  reconi outbox list --channel sms -o json --jq '.[-1].body'
  reconi outbox show 3
  reconi outbox retry --all`,
	}
	cmd.AddCommand(NewCmdList(f, nil), NewCmdShow(f, nil), NewCmdRetry(f, nil))
	return cmd
}

// ListOptions are the inputs of `reconi outbox list`.
type ListOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	Filter  reconi.OutboxFilter
}

var (
	channels = []string{string(reconi.ChannelEmail), string(reconi.ChannelSMS), string(reconi.ChannelIdentification)}
	states   = []string{string(reconi.MessagePending), string(reconi.MessageSent), string(reconi.MessageKept), string(reconi.MessageFailed)}
)

// NewCmdList returns `reconi outbox list`.
func NewCmdList(f *cmdutil.Factory, runF func(context.Context, *ListOptions) error) *cobra.Command {
	opts := &ListOptions{IO: f.IOStreams, Backend: f.Backend}
	var app string
	cmd := &cobra.Command{
		Use:     "list [--to ADDRESS] [--channel CHANNEL] [--state STATE] [--app ID] [--limit N]",
		Aliases: []string{"ls"},
		Short:   "List messages in the outbox, oldest first",
		Long: `List the messages in the outbox, oldest first, with their state. The body is
shown by reconi outbox show ID, and by -o json|yaml|csv, whose fields are id,
channel, to, subject, body, state, attempts, last_error, application_id,
user_id, created_at and sent_at.

--to takes an email address or a mobile number (06 12345678 works as well as
+31612345678).`,
		Example: `  reconi outbox list
  reconi outbox list --to jan@example.nl --channel email
  reconi outbox list --to "06 12345678" --channel sms -o json --jq '.[-1].body'
  reconi outbox list --app 12 --state failed`,
		Args: cmdutil.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fl := &opts.Filter
			if err := choice("channel", &fl.Channel, channels, ""); err != nil {
				return err
			}
			if err := choice("state", &fl.State, states, ""); err != nil {
				return err
			}
			if fl.Limit < 0 {
				return cmdutil.FlagErrorf("invalid value %d for --limit: want 0 (no limit) or more", fl.Limit)
			}
			if app != "" {
				id, err := cmdutil.ParseID("app", app)
				if err != nil {
					return err
				}
				fl.ApplicationID = id
			}
			fl.To = recipient(fl.To)
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return listRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Filter.To, "to", "", "only messages to this email `address` or mobile number")
	fl.StringVar(&opts.Filter.Channel, "channel", "", "only this `channel`: "+strings.Join(channels, ", "))
	fl.StringVar(&opts.Filter.State, "state", "", "only messages in this `state`: "+strings.Join(states, ", "))
	fl.StringVar(&app, "app", "", "only messages about this application (`ID`)")
	fl.IntVarP(&opts.Filter.Limit, "limit", "L", 0, "at most `N` messages (0: all; they are read a page at a time)")
	_ = cmd.RegisterFlagCompletionFunc("channel", fixed(channels))
	_ = cmd.RegisterFlagCompletionFunc("state", fixed(states))
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

// choice lowers and trims the value of --flag and checks that it is empty
// or one of allowed; want, when set, replaces "one of ..." in the error.
func choice(flag string, v *string, allowed []string, want string) error {
	*v = strings.ToLower(strings.TrimSpace(*v))
	if *v == "" || slices.Contains(allowed, *v) {
		return nil
	}
	if want == "" {
		want = "one of " + strings.Join(allowed, ", ")
	}
	return cmdutil.FlagErrorf("invalid value %q for --%s: want %s", *v, flag, want)
}

func fixed(values []string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}

// recipient writes a mobile number as messages are addressed (E.164), so
// "06 12345678" finds the SMS; anything else is kept as given.
func recipient(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.Contains(s, "@") {
		return s
	}
	if p, err := reconi.ParseMobile(s); err == nil {
		return p
	}
	return s
}

func listRun(ctx context.Context, opts *ListOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	format, err := output.ParseFormat(opts.Output.Format)
	if err != nil {
		return err
	}
	w := output.NewListWriter(opts.IO, format, opts.Output.JQ, messageHeader, messageRow)
	// --limit caps the whole list; the backend's limit is a page.
	f, left := opts.Filter, opts.Filter.Limit
	f.Limit = 0
	if left > 0 {
		f.Limit = min(left, reconi.MaxPageSize)
	}
	err = reconi.Pages("", func(c string) ([]reconi.Message, string, error) {
		f.Cursor = c
		p, err := b.Outbox(ctx, f)
		if err != nil {
			return nil, "", err
		}
		if left > 0 {
			if len(p.Messages) >= left {
				p.Messages, p.NextCursor = p.Messages[:left], ""
			}
			left -= len(p.Messages)
			f.Limit = min(max(left, 1), reconi.MaxPageSize)
		}
		return p.Messages, p.NextCursor, nil
	}, w.Write)
	if err != nil {
		return err
	}
	n, err := w.Close()
	if err == nil && n == 0 && !opts.Output.Machine() {
		opts.IO.Warnf("no messages match")
	}
	return err
}

var messageHeader = []string{"ID", "CHANNEL", "TO", "SUBJECT", "STATE", "CREATED"}

func messageRow(m reconi.Message) []string {
	return []string{strconv.FormatInt(m.ID, 10), string(m.Channel), m.To, subject(m), string(m.State),
		m.CreatedAt.Local().Format("2006-01-02 15:04")}
}

// printMessages prints messages as a table, or as -o asks.
func printMessages(io *output.IOStreams, out cmdutil.OutputFlags, msgs []reconi.Message) error {
	return out.Print(io, msgs, func(t *output.Table) {
		t.AddHeader(messageHeader...)
		for _, m := range msgs {
			t.AddRow(messageRow(m)...)
		}
	})
}

// subject is what the list shows of a message: an SMS has no subject, so
// its text, which is short, stands in.
func subject(m reconi.Message) string {
	if m.Subject == "" {
		return m.Body
	}
	return m.Subject
}

// ShowOptions are the inputs of `reconi outbox show`.
type ShowOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	ID      int64
}

// NewCmdShow returns `reconi outbox show`.
func NewCmdShow(f *cmdutil.Factory, runF func(context.Context, *ShowOptions) error) *cobra.Command {
	opts := &ShowOptions{IO: f.IOStreams, Backend: f.Backend}
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one message: its headers, then its body",
		Long: `Show one message of the outbox as it was written: the headers (channel,
recipient, subject, state, delivery attempts) and then the whole body, as
the recipient reads it. A delivered message keeps no link or code.`,
		Example: `  reconi outbox show 3
  reconi outbox show 3 -o json --jq .body`,
		Args: cmdutil.ExactArgs(1, "the message ID (from reconi outbox list)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := cmdutil.ParseMessageID(args[0])
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
			return showRun(cmd.Context(), opts)
		},
	}
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func showRun(ctx context.Context, opts *ShowOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	m, err := b.Message(ctx, opts.ID)
	if err != nil {
		return err
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, m, nil)
	}
	pairs := [][2]string{
		{"ID", strconv.FormatInt(m.ID, 10)},
		{"Channel", string(m.Channel)},
		{"To", m.To},
	}
	if m.Subject != "" {
		pairs = append(pairs, [2]string{"Subject", m.Subject})
	}
	state := string(m.State)
	if m.Attempts > 0 {
		state += fmt.Sprintf(" (%d attempts)", m.Attempts)
	}
	pairs = append(pairs, [2]string{"State", state}, [2]string{"Created", m.CreatedAt.Local().Format("2006-01-02 15:04:05")})
	if m.SentAt != nil {
		pairs = append(pairs, [2]string{"Sent", m.SentAt.Local().Format("2006-01-02 15:04:05")})
	}
	if m.LastError != "" {
		pairs = append(pairs, [2]string{"Last error", m.LastError})
	}
	if m.ApplicationID != 0 {
		pairs = append(pairs, [2]string{"Application", strconv.FormatInt(m.ApplicationID, 10)})
	}
	if m.UserID != 0 {
		pairs = append(pairs, [2]string{"User", strconv.FormatInt(m.UserID, 10)})
	}
	if err := output.PrintKV(opts.IO, pairs); err != nil {
		return err
	}
	// The body as written, line breaks and all: a blank line ends the
	// headers, as in a mail message.
	body := strings.TrimRight(m.Body, "\n")
	_, err = fmt.Fprintf(opts.IO.Out, "\n%s\n", output.Safe(body))
	return err
}
