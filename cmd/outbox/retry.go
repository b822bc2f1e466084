package outbox

import (
	"context"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// RetryOptions are the inputs of `reconi outbox retry`.
type RetryOptions struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	// IDs names the messages; with All, Filter selects them instead.
	IDs    []int64
	All    bool
	Filter reconi.OutboxFilter
}

// retryStates are the states a message can be sent again from.
var retryStates = []string{string(reconi.MessageFailed), string(reconi.MessageKept)}

// NewCmdRetry returns `reconi outbox retry`.
func NewCmdRetry(f *cmdutil.Factory, runF func(context.Context, *RetryOptions) error) *cobra.Command {
	opts := &RetryOptions{IO: f.IOStreams, Backend: f.Backend}
	var app string
	cmd := &cobra.Command{
		Use:   "retry {ID... | --all [--state failed|kept] [--channel CHANNEL] [--app ID]}",
		Short: "Send failed or kept messages again",
		Long: `Queue messages for delivery again: failed ones (the dispatcher gave up, say
because the SMTP server was down for longer than its retries), and kept ones
(written while no delivery was configured for their channel). Their attempts
start again from zero; reconi serve delivers them on its next pass, and an
embedded command before it exits. Each retry is written to the history of
the message's application (reconi status APP_ID).

Name the messages by ID (from reconi outbox list --state failed), or select
them with --all: every failed message, or every kept one with --state kept,
narrowed by --channel and --app. --all leaves out SMS unless --channel sms
asks for them: an SMS carries a one-time code valid for 10 minutes, and one
whose code expired is refused (the user asks for a new code instead).

All or none: if one named message cannot be sent again (it was sent, it is
still pending, its code expired), nothing is queued and the error names it.
Only operators and the local user may do this.`,
		Example: `  reconi outbox retry 12 13
  reconi outbox retry --all
  reconi outbox retry --all --state kept --channel email
  reconi outbox retry --all --app 42 -o json --jq 'map(.id)'`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.All == (len(args) > 0) {
				return cmdutil.FlagErrorf("name the messages to send again by ID, or select them with --all")
			}
			for _, a := range args {
				id, err := cmdutil.ParseMessageID(a)
				if err != nil {
					return err
				}
				opts.IDs = append(opts.IDs, id)
			}
			if len(opts.IDs) > reconi.MaxRetryMessages {
				return cmdutil.FlagErrorf("%d message IDs named; at most %d at once, or use --all", len(opts.IDs), reconi.MaxRetryMessages)
			}
			fl := &opts.Filter
			if !opts.All {
				for _, name := range []string{"state", "channel", "app"} {
					if cmd.Flags().Changed(name) {
						return cmdutil.FlagErrorf("--%s selects messages for --all; with IDs, name only the messages", name)
					}
				}
			}
			if err := choice("state", &fl.State, retryStates, "failed or kept (only those are sent again)"); err != nil {
				return err
			}
			if fl.State == "" {
				return cmdutil.FlagErrorf("--state is empty: want failed or kept")
			}
			if err := choice("channel", &fl.Channel, channels, ""); err != nil {
				return err
			}
			if app != "" {
				id, err := cmdutil.ParseID("app", app)
				if err != nil {
					return err
				}
				fl.ApplicationID = id
			}
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return retryRun(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.All, "all", false, "every message in --state (failed), instead of IDs")
	fl.StringVar(&opts.Filter.State, "state", string(reconi.MessageFailed), "with --all: the `state` to send again from: failed or kept")
	fl.StringVar(&opts.Filter.Channel, "channel", "", "with --all: only this `channel`: "+strings.Join(channels, ", ")+" (default: all but sms)")
	fl.StringVar(&app, "app", "", "with --all: only messages about this application (`ID`)")
	_ = cmd.RegisterFlagCompletionFunc("state", fixed(retryStates))
	_ = cmd.RegisterFlagCompletionFunc("channel", fixed(channels))
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	return cmd
}

func retryRun(ctx context.Context, opts *RetryOptions) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	ids := opts.IDs
	if opts.All {
		// Collect the IDs first: queuing a message again changes its state,
		// and with it the pages of the filter.
		if err := reconi.EachMessagePage(ctx, b, opts.Filter, func(msgs []reconi.Message) error {
			for _, m := range msgs {
				if m.Channel != reconi.ChannelSMS || opts.Filter.Channel == string(reconi.ChannelSMS) {
					ids = append(ids, m.ID)
				}
			}
			return nil
		}); err != nil {
			return err
		}
		if len(ids) == 0 {
			if !opts.Output.Machine() {
				opts.IO.Warnf("no %s messages to send again", opts.Filter.State)
				return nil
			}
			return opts.Output.Print(opts.IO, []reconi.Message{}, nil)
		}
	}
	queued := make([]reconi.Message, 0, len(ids))
	for chunk := range slices.Chunk(ids, reconi.MaxRetryMessages) {
		msgs, err := b.RetryMessages(ctx, chunk)
		if err != nil {
			if len(queued) > 0 {
				opts.IO.Warnf("%s queued before this error", cmdutil.Count(len(queued), "message was", "messages were"))
			}
			return err
		}
		queued = append(queued, msgs...)
	}
	if err := printMessages(opts.IO, opts.Output, queued); err != nil {
		return err
	}
	if !opts.Output.Machine() {
		opts.IO.Successf("Queued %d %s for delivery again; reconi outbox list shows how they fare", len(queued), plural(len(queued), "message"))
	}
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}
