package status

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/shared"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// Exit codes of `reconi status --wait`, besides 0 when every user got
// there. cmd/root.go lists them with the other exit codes as ExitTimeout
// and ExitEnded; a test keeps the two in step.
const (
	// ExitTimeout: --timeout ran out first.
	ExitTimeout = 7
	// ExitEnded: a user's request ended rejected, expired or cancelled, so
	// not every user can get there any more.
	ExitEnded = 8
)

// ExitError is an outcome of --wait that is not success: the root command
// exits with Code (it honours any error with an ExitCode method).
type ExitError = cmdutil.ExitError

const (
	// DefaultInterval is the first pause between two looks.
	DefaultInterval = 2 * time.Second
	// maxInterval caps the backoff (unless --interval is longer).
	maxInterval = 30 * time.Second
	backoff     = 1.5
)

// waitPath is the way a request goes to issued. A user has reached a state
// of it when in that state or further along: an employed user goes from
// ordered to issued directly, and so passes identification too.
var waitPath = []reconi.UserState{reconi.UserInvited, reconi.UserDetailsConfirmed, reconi.UserPhoneVerified,
	reconi.UserOrdered, reconi.UserIdentificationPending, reconi.UserIdentified, reconi.UserFinalCheck, reconi.UserIssued}

func waitRank(s reconi.UserState) int {
	for i, p := range waitPath {
		if p == s {
			return i
		}
	}
	return -1
}

// ended reports whether a request in state s stopped short of issued.
func ended(s reconi.UserState) bool {
	return s == reconi.UserRejected || s == reconi.UserExpired || s == reconi.UserCancelled
}

// parseWait validates --wait.
func parseWait(s string) (reconi.UserState, error) {
	st := reconi.UserState(strings.ToLower(strings.TrimSpace(s)))
	if waitRank(st) >= 0 {
		return st, nil
	}
	names := make([]string, len(waitPath))
	for i, p := range waitPath {
		names[i] = string(p)
	}
	if ended(st) {
		return "", fmt.Errorf("invalid value %q for --wait: wait for a state on the way to issued (%s); a user ending %s makes the wait fail with exit code %d",
			s, strings.Join(names, ", "), st, ExitEnded)
	}
	return "", fmt.Errorf("invalid value %q for --wait: want one of %s", s, strings.Join(names, ", "))
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// waitRun looks at the application until every user reached opts.Wait, a
// user's request ended, or the time ran out, and then prints it as status
// APP_ID does. The pause between looks starts at --interval and grows by
// half each time up to 30 seconds; the last look is at the deadline.
func waitRun(ctx context.Context, opts *Options, b reconi.Backend) error {
	now, pause := opts.Now, opts.Sleep
	if now == nil {
		now = time.Now
	}
	if pause == nil {
		pause = sleep
	}
	interval := opts.Interval
	if interval <= 0 {
		interval = DefaultInterval
	}
	limit := max(maxInterval, interval)
	var deadline time.Time
	if opts.Timeout > 0 {
		deadline = now().Add(opts.Timeout)
	}
	p := &progress{opts: opts, now: now, seen: map[int64]reconi.UserState{}}
	p.start()

	var lastErr error
	for looked := false; ; looked = true {
		a, err := b.Application(ctx, opts.AppID)
		switch {
		case err != nil && (!looked || !transient(err)):
			return err
		case err != nil:
			// A server restarting or a network hiccup should not end a
			// long wait: say so once and look again.
			if lastErr == nil || lastErr.Error() != err.Error() {
				opts.IO.Warnf("looking again after: %v", err)
			}
			lastErr = err
		default:
			lastErr = nil
			if a.State == reconi.AppDraft {
				return reconi.Errorf(reconi.KindConflict, "application %d is a draft: submit it with reconi apply first, then wait for it", a.ID)
			}
			if a.State == reconi.AppDiscarded {
				return reconi.Errorf(reconi.KindConflict, "application %d is a discarded draft: there is nothing to wait for", a.ID)
			}
			// Every user counts: read the pages after the first.
			if err := shared.AllUsers(ctx, b, a); err != nil {
				return err
			}
			users, err := selectUsers(a, opts.Filter.Email)
			if err != nil {
				return err
			}
			p.report(users)
			if out := outcome(a.ID, users, opts.Wait); out != nil {
				return finish(ctx, opts, b, out)
			}
			if allReached(users, opts.Wait) {
				if err := detailRun(ctx, opts, b); err != nil {
					return err
				}
				opts.IO.Successf("%s", everyone(a.ID, users, opts.Wait))
				return nil
			}
		}
		t := now()
		if !deadline.IsZero() && !t.Before(deadline) {
			msg := fmt.Sprintf("timed out after %s waiting until %s", opts.Timeout, everyoneWant(opts.AppID, opts.Filter.Email, opts.Wait))
			if a != nil && lastErr == nil {
				msg += ": still waiting for " + pending(a.Users, opts.Filter.Email, opts.Wait)
			}
			return finish(ctx, opts, b, &ExitError{Code: ExitTimeout, Err: errors.New(msg)})
		}
		d := interval
		if !deadline.IsZero() {
			d = min(d, deadline.Sub(t))
		}
		if err := pause(ctx, d); err != nil {
			return err
		}
		interval = min(time.Duration(float64(interval)*backoff), limit)
	}
}

// finish prints the application as status APP_ID does and returns out: the
// outcome decides the exit code even when printing fails.
func finish(ctx context.Context, opts *Options, b reconi.Backend, out *ExitError) error {
	if err := detailRun(ctx, opts, b); err != nil {
		opts.IO.Warnf("cannot show application %d: %v", opts.AppID, err)
	}
	return out
}

// transient reports whether err may pass when asked again: anything the
// domain did not classify, as a broken connection.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	return reconi.ErrorKind(err) == reconi.KindInternal
}

// selectUsers returns the users the wait is about: all, or the one --email
// names.
func selectUsers(a *reconi.Application, email string) ([]reconi.User, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	if e == "" {
		return a.Users, nil
	}
	for _, u := range a.Users {
		if strings.ToLower(u.Email) == e {
			return []reconi.User{u}, nil
		}
	}
	return nil, reconi.Errorf(reconi.KindNotFound, "%s is not a user of application %d", email, a.ID)
}

func allReached(users []reconi.User, want reconi.UserState) bool {
	for _, u := range users {
		if waitRank(u.State) < waitRank(want) {
			return false
		}
	}
	return true
}

// outcome is the error that ends the wait when a request ended short of
// want, or nil.
func outcome(appID int64, users []reconi.User, want reconi.UserState) *ExitError {
	var gone []string
	for _, u := range users {
		if ended(u.State) {
			gone = append(gone, fmt.Sprintf("%s (%s)", u.Email, u.State))
		}
	}
	if len(gone) == 0 {
		return nil
	}
	return &ExitError{Code: ExitEnded, Err: fmt.Errorf("application %d: the request of %s ended before it was %s",
		appID, strings.Join(gone, ", "), want)}
}

// everyone is the success message.
func everyone(appID int64, users []reconi.User, want reconi.UserState) string {
	if len(users) == 1 {
		return fmt.Sprintf("%s of application %d is %s", users[0].Email, appID, want)
	}
	return fmt.Sprintf("Every user of application %d is %s", appID, want)
}

func everyoneWant(appID int64, email string, want reconi.UserState) string {
	if email != "" {
		return fmt.Sprintf("%s of application %d is %s", email, appID, want)
	}
	return fmt.Sprintf("every user of application %d is %s", appID, want)
}

// pending lists the users not there yet, with where they are.
func pending(all []reconi.User, email string, want reconi.UserState) string {
	var out []string
	for _, u := range all {
		if email != "" && !strings.EqualFold(u.Email, strings.TrimSpace(email)) {
			continue
		}
		if waitRank(u.State) < waitRank(want) {
			out = append(out, fmt.Sprintf("%s (%s)", u.Email, u.State))
		}
	}
	return strings.Join(out, ", ")
}

// progress tells a person at the terminal what changes while waiting: a
// line when the wait starts, a line per user at the first look (or counts
// per state, for many users), then a line per change. Scripts (stderr not
// a terminal) get none of it.
type progress struct {
	opts *Options
	now  func() time.Time
	seen map[int64]reconi.UserState
}

func (p *progress) on() bool { return p.opts.IO.IsStderrTTY() }

func (p *progress) start() {
	if !p.on() {
		return
	}
	limit := "no time limit"
	if p.opts.Timeout > 0 {
		limit = "at most " + p.opts.Timeout.String()
	}
	fmt.Fprintf(p.opts.IO.ErrOut, "Waiting until %s (%s; Ctrl-C stops waiting)\n",
		everyoneWant(p.opts.AppID, p.opts.Filter.Email, p.opts.Wait), limit)
}

// firstLookLines is how many users the first look lists one by one; more
// are counted per state instead.
const firstLookLines = 10

func (p *progress) report(users []reconi.User) {
	if p.on() && len(p.seen) == 0 && len(users) > firstLookLines {
		counts := map[reconi.UserState]int{}
		for _, u := range users {
			counts[u.State]++
			p.seen[u.ID] = u.State
		}
		fmt.Fprintf(p.opts.IO.ErrOut, "%s  %d users: %s\n", p.now().Local().Format("15:04:05"), len(users), byState(counts))
		return
	}
	for _, u := range users {
		was, ok := p.seen[u.ID]
		p.seen[u.ID] = u.State
		if !p.on() || (ok && was == u.State) {
			continue
		}
		change := string(u.State)
		if ok {
			change = string(was) + " → " + change
		}
		fmt.Fprintf(p.opts.IO.ErrOut, "%s  %s: %s\n", p.now().Local().Format("15:04:05"), output.Safe(u.Email), output.Safe(change))
	}
}
