// Package status holds `reconi status`: "Applications in progress".
package status

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/shared"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// Options are the inputs of `reconi status`.
type Options struct {
	IO      *output.IOStreams
	Backend func() (reconi.Backend, error)
	Output  cmdutil.OutputFlags
	// AppID selects one application; 0 lists them.
	AppID  int64
	Filter reconi.ApplicationFilter
	// All lists completed applications too.
	All bool

	// Wait, when set, looks at application AppID until every user reached
	// this state (--wait); Timeout 0 waits as long as it takes.
	Wait     reconi.UserState
	Timeout  time.Duration
	Interval time.Duration
	// Now and Sleep are the clock and the pause of --wait, replaced in
	// tests so that nothing waits for real.
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
}

// NewCmdStatus returns `reconi status`.
func NewCmdStatus(f *cmdutil.Factory, runF func(context.Context, *Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Backend: f.Backend, Now: f.Now, Sleep: sleep}
	var wait string
	cmd := &cobra.Command{
		Use:   "status [APP_ID] [--org KVK] [--state STATE] [--email EMAIL] [--all] [--wait STATE --timeout DURATION]",
		Short: "Applications in progress, or one application's users and history",
		Long: `Without an ID, list applications: a row per application with its organisation,
level, users per state and when it was submitted. An application is
completed once every user's request ended (issued, rejected, expired or
cancelled); completed applications are left out unless --all is given or
--state names a state. Drafts (not yet submitted) and discarded drafts are
left out in the same way: --state draft lists the drafts, as 'reconi drafts
list' does, and --all lists everything. --state takes an application state
(draft, submitted, completed, discarded) or a user state (invited, issued,
...), which keeps applications with a user in that state. With --email, each
row also shows that user's state.

With an ID, show each user's state and the history of every change: who,
when and why. --email narrows it to one user.

For pipelines, --wait STATE looks at the application until every user (or
the one --email names) reached STATE or went past it (an employed user skips
identification), then shows it as above, however the wait ended. The first
pause is --interval, each next one half as long again, up to 30 seconds. On a
terminal each change is reported on stderr. The exit code says how it ended:

  0  every user reached STATE
  7  --timeout ran out first (without --timeout it waits as long as it takes)
  8  a user's request ended rejected, expired or cancelled`,
		Example: `  reconi status
  reconi status --org 69599084 --state invited
  reconi status --all -o csv
  reconi status 12
  reconi status 12 --email jan@example.nl -o json
  reconi status 12 --wait issued --timeout 10m`,
		Args: cmdutil.MaxArgs(1, "one application ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				id, err := cmdutil.ParseID("id", args[0])
				if err != nil {
					return err
				}
				opts.AppID = id
			}
			if opts.All && opts.AppID != 0 {
				return cmdutil.FlagErrorf("--all lists applications: leave out the application ID")
			}
			if err := validateWait(cmd, opts, wait); err != nil {
				return err
			}
			if err := opts.Output.Validate(); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Filter.KVK, "org", "", "only applications of this organisation (`KVK`)")
	cmd.Flags().StringVar(&opts.Filter.State, "state", "", "only applications in this `state`, or with a user in it")
	cmd.Flags().StringVar(&opts.Filter.Email, "email", "", "only applications of, or history of, the user with this `email`")
	cmd.Flags().BoolVarP(&opts.All, "all", "a", false, "list completed applications and drafts too")
	cmd.Flags().StringVar(&wait, "wait", "", "with APP_ID: wait until every user reached this `state` (e.g. issued)")
	cmd.Flags().DurationVar(&opts.Timeout, "timeout", 0, "with --wait: give up after this `duration` (e.g. 10m) with exit code 7")
	cmd.Flags().DurationVar(&opts.Interval, "interval", DefaultInterval, "with --wait: the first pause between two looks, a `duration` that grows to 30s")
	_ = cmd.RegisterFlagCompletionFunc("wait", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		out := make([]string, len(waitPath))
		for i, s := range waitPath {
			out[i] = string(s)
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
	_ = cmd.RegisterFlagCompletionFunc("state", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		out := []string{string(reconi.AppSubmitted), string(reconi.AppCompleted), string(reconi.AppDiscarded)}
		for _, s := range reconi.UserStates {
			out = append(out, string(s))
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	})
	cmdutil.AddOutputFlags(cmd, &opts.Output)
	cmd.ValidArgsFunction = cmdutil.FirstArg(cmdutil.CompleteApplications(f))
	return cmd
}

func statusRun(ctx context.Context, opts *Options) error {
	b, err := opts.Backend()
	if err != nil {
		return err
	}
	if opts.Wait != "" {
		return waitRun(ctx, opts, b)
	}
	if opts.AppID != 0 {
		return detailRun(ctx, opts, b)
	}
	format, err := output.ParseFormat(opts.Output.Format)
	if err != nil {
		return err
	}
	// Like gh pr list: what is finished is left out unless asked for.
	f := opts.Filter
	f.Open = !opts.All && f.State == ""
	// Drafts too: abandoned drafts are listed by 'reconi drafts list'.
	f.NoDrafts = f.Open
	// Applications arrive a page at a time and are printed as they come.
	// With --email, a column says where that person's request is.
	header := []string{"ID", "ORGANISATION", "KVK", "LEVEL", "STATE", "USERS", "BY STATE", "SUBMITTED"}
	person := opts.Filter.Email != ""
	if person {
		header = append(header, "PERSON")
	}
	w := output.NewListWriter(opts.IO, format, opts.Output.JQ, header,
		func(a reconi.ApplicationSummary) []string {
			row := []string{strconv.FormatInt(a.ID, 10), a.Organization.Name, string(a.Organization.KVK), string(a.Level),
				string(a.State), strconv.Itoa(a.UsersTotal), byState(a.UsersByState), timeText(a.SubmittedAt)}
			if person {
				row = append(row, string(a.PersonState))
			}
			return row
		})
	write, closeW := w.Write, w.Close
	if format == output.FormatCSV && opts.Output.JQ == "" {
		// CSV gets a column per user state, whatever the rows hold.
		cw := output.NewListWriter[csvRow](opts.IO, format, "", nil, nil)
		write = func(apps []reconi.ApplicationSummary) error {
			rows := make([]csvRow, len(apps))
			for i, a := range apps {
				rows[i] = toCSV(a)
			}
			return cw.Write(rows)
		}
		closeW = cw.Close
	}
	if err := reconi.EachApplicationPage(ctx, b, f, write); err != nil {
		return err
	}
	n, err := closeW()
	if err == nil && n == 0 && !opts.Output.Machine() {
		opts.IO.Warnf("no applications match")
	}
	return err
}

// validateWait checks --wait, --timeout and --interval.
func validateWait(cmd *cobra.Command, opts *Options, wait string) error {
	fl := cmd.Flags()
	if wait == "" {
		for _, name := range []string{"timeout", "interval"} {
			if fl.Changed(name) {
				return cmdutil.FlagErrorf("--%s goes with --wait STATE", name)
			}
		}
		return nil
	}
	if opts.AppID == 0 {
		return cmdutil.FlagErrorf("--wait needs the ID of the application to wait for: reconi status APP_ID --wait %s", wait)
	}
	st, err := parseWait(wait)
	if err != nil {
		return &cmdutil.FlagError{Err: err}
	}
	if opts.Timeout < 0 {
		return cmdutil.FlagErrorf("invalid value %s for --timeout: want a duration like 10m, or 0 for no limit", opts.Timeout)
	}
	if opts.Interval <= 0 {
		return cmdutil.FlagErrorf("invalid value %s for --interval: want a duration like 2s", opts.Interval)
	}
	opts.Wait = st
	return nil
}

// Detail is the JSON form of one application's status: the application
// with all its users, and its history.
type Detail struct {
	*reconi.Application
	History []reconi.Event `json:"history"`
}

func detailRun(ctx context.Context, opts *Options, b reconi.Backend) error {
	a, err := b.Application(ctx, opts.AppID)
	if err != nil {
		return err
	}
	if e := strings.ToLower(strings.TrimSpace(opts.Filter.Email)); e != "" {
		return emailDetail(ctx, opts, b, a, e)
	}
	format, err := output.ParseFormat(opts.Output.Format)
	if err != nil {
		return err
	}
	switch {
	case format == output.FormatJSON && opts.Output.JQ == "":
		return streamDetail(ctx, opts, b, a)
	case opts.Output.Machine():
		// YAML, CSV and --jq take one whole document.
		d := Detail{Application: a, History: []reconi.Event{}}
		if err := allOf(ctx, b, a, &d); err != nil {
			return err
		}
		return opts.Output.Print(opts.IO, d, nil)
	}
	if err := printHead(opts, a); err != nil {
		return err
	}
	users := output.NewListWriter(opts.IO, format, "", userHeader, userRow)
	if err := reconi.EachApplicationUser(ctx, b, a, users.Write); err != nil {
		return err
	}
	if _, err := users.Close(); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "\n%s\n", opts.IO.ColorScheme().Bold("History"))
	history := output.NewListWriter(opts.IO, format, "", historyHeader, historyRow)
	if err := reconi.EachEventPage(ctx, b, reconi.HistoryFilter{ApplicationID: a.ID}, history.Write); err != nil {
		return err
	}
	_, err = history.Close()
	return err
}

// allOf reads every user and event of a into d.
func allOf(ctx context.Context, b reconi.Backend, a *reconi.Application, d *Detail) error {
	users := []reconi.User{}
	if err := reconi.EachApplicationUser(ctx, b, a, func(us []reconi.User) error {
		users = append(users, us...)
		return nil
	}); err != nil {
		return err
	}
	a.Users, a.UsersNextCursor = users, ""
	return reconi.EachEventPage(ctx, b, reconi.HistoryFilter{ApplicationID: a.ID}, func(ev []reconi.Event) error {
		d.History = append(d.History, ev...)
		return nil
	})
}

// streamDetail writes the JSON of Detail a page at a time: the same
// document as the whole, held one page at a time, so that an application
// of a million users prints at once and in little memory.
func streamDetail(ctx context.Context, opts *Options, b reconi.Backend, a *reconi.Application) error {
	head := *a
	head.Users, head.UsersNextCursor = nil, ""
	w, err := output.NewObjectWriter(opts.IO.Out, Detail{Application: &head}, "users", "history")
	if err != nil {
		return err
	}
	if err := reconi.EachApplicationUser(ctx, b, a, func(us []reconi.User) error { return w.Write(us) }); err != nil {
		return err
	}
	if err := w.Next(); err != nil {
		return err
	}
	if err := reconi.EachEventPage(ctx, b, reconi.HistoryFilter{ApplicationID: a.ID}, func(ev []reconi.Event) error { return w.Write(ev) }); err != nil {
		return err
	}
	return w.Next()
}

// emailDetail shows one user of a, and that user's history.
func emailDetail(ctx context.Context, opts *Options, b reconi.Backend, a *reconi.Application, email string) error {
	users := []reconi.User{}
	if err := reconi.EachApplicationUser(ctx, b, a, func(us []reconi.User) error {
		for _, u := range us {
			if strings.ToLower(u.Email) == email {
				users = append(users, u)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if len(users) == 0 {
		return reconi.Errorf(reconi.KindNotFound, "%s is not a user of application %d", opts.Filter.Email, a.ID)
	}
	a.Users, a.UsersNextCursor = users, ""
	history := []reconi.Event{}
	if err := reconi.EachEventPage(ctx, b, reconi.HistoryFilter{ApplicationID: a.ID}, func(ev []reconi.Event) error {
		for _, e := range ev {
			if strings.ToLower(e.Email) == email {
				history = append(history, e)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	if opts.Output.Machine() {
		return opts.Output.Print(opts.IO, Detail{Application: a, History: history}, nil)
	}
	if err := printHead(opts, a); err != nil {
		return err
	}
	t := output.NewTable(opts.IO)
	t.AddHeader(userHeader...)
	for _, u := range users {
		t.AddRow(userRow(u)...)
	}
	if err := t.Render(); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "\n%s\n", opts.IO.ColorScheme().Bold("History"))
	t = output.NewTable(opts.IO)
	t.AddHeader(historyHeader...)
	for _, ev := range history {
		t.AddRow(historyRow(ev)...)
	}
	return t.Render()
}

func printHead(opts *Options, a *reconi.Application) error {
	pairs := [][2]string{
		{"Application", fmt.Sprintf("%d (%s)", a.ID, a.State)},
		{"Organisation", fmt.Sprintf("%s (%s)", a.Organization.Name, a.Organization.KVK)},
		{"Level", string(a.Level)},
		{"Submitted", timeText(a.SubmittedAt)},
	}
	if a.CompletedAt != nil {
		pairs = append(pairs, [2]string{"Completed", timeText(a.CompletedAt)})
	}
	if a.Kind != "" && a.Kind != reconi.AppKindNew {
		pairs = append(pairs, [2]string{"Kind", string(a.Kind)})
	}
	if len(a.Links) > 0 {
		pairs = append(pairs, [2]string{"Linked", shared.LinksText(a.Links)})
	}
	if err := output.PrintKV(opts.IO, pairs); err != nil {
		return err
	}
	fmt.Fprintln(opts.IO.Out)
	return nil
}

var (
	userHeader    = []string{"EMAIL", "NAME", "EMPLOYED", "STATE", "SINCE"}
	historyHeader = []string{"AT", "WHO", "USER", "CHANGE", "WHY"}
)

func userRow(u reconi.User) []string {
	employed := "no"
	if u.Employed {
		employed = "yes"
	}
	return []string{u.Email, u.FirstName + " " + u.LastName, employed, string(u.State), u.UpdatedAt.Local().Format("2006-01-02 15:04")}
}

func historyRow(ev reconi.Event) []string {
	change := ev.To
	if ev.From != "" && ev.From != ev.To {
		change = ev.From + " → " + ev.To
	}
	return []string{ev.At.Local().Format("2006-01-02 15:04:05"), ev.Actor, ev.Email, change, ev.Reason}
}

// byState renders counts per state in the order a request passes them.
func byState(m map[reconi.UserState]int) string {
	order := map[reconi.UserState]int{}
	for i, s := range reconi.UserStates {
		order[s] = i
	}
	keys := make([]reconi.UserState, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return order[keys[i]] < order[keys[j]] })
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%d %s", m[k], k)
	}
	return strings.Join(parts, ", ")
}

func timeText(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// csvRow is an application in CSV: the users by state in a fixed column
// each, so that a spreadsheet's columns do not move with the data.
type csvRow struct {
	ID           int64               `json:"id"`
	Kind         reconi.AppKind      `json:"kind"`
	Organization reconi.OrgRef       `json:"organization"`
	Level        reconi.Level        `json:"level"`
	Branch       reconi.BranchNumber `json:"branch"`
	State        reconi.AppState     `json:"state"`
	UsersTotal   int                 `json:"users_total"`
	UsersByState csvByState          `json:"users_by_state"`
	PersonState  reconi.UserState    `json:"person_state"`
	CreatedAt    time.Time           `json:"created_at"`
	UpdatedAt    time.Time           `json:"updated_at"`
	SubmittedAt  *time.Time          `json:"submitted_at"`
	CompletedAt  *time.Time          `json:"completed_at"`
}

// csvByState has a field for each of reconi.UserStates, in their order.
type csvByState struct {
	Draft                 int `json:"draft"`
	Invited               int `json:"invited"`
	DetailsConfirmed      int `json:"details_confirmed"`
	PhoneVerified         int `json:"phone_verified"`
	Ordered               int `json:"ordered"`
	IdentificationPending int `json:"identification_pending"`
	Identified            int `json:"identified"`
	FinalCheck            int `json:"final_check"`
	Issued                int `json:"issued"`
	Rejected              int `json:"rejected"`
	Expired               int `json:"expired"`
	Cancelled             int `json:"cancelled"`
}

func toCSV(a reconi.ApplicationSummary) csvRow {
	m := a.UsersByState
	return csvRow{ID: a.ID, Kind: a.Kind, UpdatedAt: a.UpdatedAt, Organization: a.Organization, Level: a.Level, Branch: a.Branch, State: a.State,
		UsersTotal: a.UsersTotal, PersonState: a.PersonState, CreatedAt: a.CreatedAt, SubmittedAt: a.SubmittedAt,
		CompletedAt: a.CompletedAt,
		UsersByState: csvByState{
			Draft: m[reconi.UserDraft], Invited: m[reconi.UserInvited], DetailsConfirmed: m[reconi.UserDetailsConfirmed],
			PhoneVerified: m[reconi.UserPhoneVerified], Ordered: m[reconi.UserOrdered],
			IdentificationPending: m[reconi.UserIdentificationPending], Identified: m[reconi.UserIdentified],
			FinalCheck: m[reconi.UserFinalCheck], Issued: m[reconi.UserIssued], Rejected: m[reconi.UserRejected],
			Expired: m[reconi.UserExpired], Cancelled: m[reconi.UserCancelled],
		}}
}
