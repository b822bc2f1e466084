package service

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// issueMeans records the means a user receives when their request is
// issued: valid for the application's validity from now, with the
// application's permissions; a renewal renews the means instead.
func (s *Service) issueMeans(tx store.Tx, a *reconi.Application, u *reconi.User, now time.Time) error {
	if a.Kind == reconi.AppKindRenewal {
		// The user of an expired means went through the steps again.
		return s.renewIssued(tx, a, u, now)
	}
	expires := now.AddDate(a.ValidityYears, 0, 0)
	m := &reconi.Means{UserID: u.ID, ApplicationID: a.ID, Email: u.Email, Organization: a.Organization,
		Level: a.Level, State: reconi.MeansActive, IssuedAt: now, ExpiresAt: expires,
		Permissions: reconi.MeansPermissions(a.Permissions, expires)}
	return tx.InsertMeans(m)
}

// authorizeManage checks that the actor may change the means of
// organisation kvk: its managers and operators may; helpdesk only reads.
func authorizeManage(ctx context.Context, kvk reconi.KVK) error {
	if reconi.ActorFrom(ctx).Role == reconi.RoleHelpdesk {
		return reconi.Errorf(reconi.KindForbidden, "a helpdesk token reads means; withdrawing them is for the organisation's managers and operators")
	}
	return authorize(ctx, actRead, kvk)
}

// meansFilter checks a filter as the caller gave it.
func meansFilter(ctx context.Context, f reconi.MeansFilter, now time.Time) (store.MeansFilter, error) {
	sf := store.MeansFilter{Now: now, Orgs: visibleOrgs(reconi.ActorFrom(ctx)), State: f.State}
	var err error
	if f.KVK != "" {
		if sf.KVK, err = reconi.ParseKVK(f.KVK); err != nil {
			return sf, err
		}
	}
	if err := authorize(ctx, actRead, sf.KVK); err != nil {
		return sf, err
	}
	if f.Email != "" {
		if sf.Email, err = reconi.ParseEmail(f.Email); err != nil {
			return sf, err
		}
	}
	if f.State != "" {
		if sf.State, err = reconi.ParseMeansState(string(f.State)); err != nil {
			return sf, err
		}
	}
	if f.ExpiringWithin < 0 {
		return sf, reconi.Invalid("expiring_within", "%s is negative: want a span such as 60d", f.ExpiringWithin)
	}
	if f.ExpiringWithin > 0 {
		sf.ExpiresBy = now.Add(f.ExpiringWithin)
	}
	if sf.AfterID, err = reconi.ParseIDCursor(f.Cursor); err != nil {
		return sf, err
	}
	sf.Limit, err = reconi.PageLimit(f.Limit)
	return sf, err
}

// ListMeans lists issued means a page at a time, in the order they were
// issued. Managers and helpdesk see their organisations' only.
func (s *Service) ListMeans(ctx context.Context, f reconi.MeansFilter) (*reconi.MeansPage, error) {
	now := s.now().UTC()
	sf, err := meansFilter(ctx, f, now)
	if err != nil {
		return nil, err
	}
	limit := sf.Limit
	sf.Limit++ // one more tells whether another page follows
	var ms []reconi.Means
	if err := s.view(ctx, func(tx store.Tx) (err error) {
		ms, err = tx.ListMeans(sf)
		return err
	}); err != nil {
		return nil, err
	}
	page := &reconi.MeansPage{Means: ms}
	if len(ms) > limit {
		page.Means = ms[:limit]
		page.NextCursor = reconi.IDCursor(ms[limit-1].ID)
	}
	for i := range page.Means {
		page.Means[i].State = page.Means[i].StateAt(now)
	}
	return page, nil
}

// ShowMeans returns the means ref names, an ID or an email, with the
// history of each user's request.
func (s *Service) ShowMeans(ctx context.Context, ref, kvk string) ([]reconi.Means, error) {
	now := s.now().UTC()
	f := store.MeansFilter{Now: now, Orgs: visibleOrgs(reconi.ActorFrom(ctx))}
	ref = strings.TrimSpace(ref)
	var err error
	if kvk != "" {
		if f.KVK, err = reconi.ParseKVK(kvk); err != nil {
			return nil, err
		}
	}
	if err := authorize(ctx, actRead, f.KVK); err != nil {
		return nil, err
	}
	id, idErr := strconv.ParseInt(ref, 10, 64)
	if idErr != nil {
		if f.Email, err = reconi.ParseEmail(ref); err != nil {
			return nil, reconi.Invalid("means", "%q is neither a means ID nor an email address", reconi.Excerpt(ref))
		}
	}
	var out []reconi.Means
	err = s.view(ctx, func(tx store.Tx) error {
		if idErr == nil {
			m, err := tx.MeansByID(id)
			if err != nil || m == nil || !mayAccess(reconi.ActorFrom(ctx), m.Organization.KVK) ||
				(f.KVK != "" && m.Organization.KVK != f.KVK) {
				return err
			}
			out = append(out, *m)
		} else {
			var err error
			if out, err = tx.ListMeans(f); err != nil {
				return err
			}
		}
		for i := range out {
			h, err := tx.UserEvents(out[i].UserID)
			if err != nil {
				return err
			}
			out[i].History = h
			out[i].State = out[i].StateAt(now)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, reconi.Errorf(reconi.KindNotFound, "no means found for %q", reconi.Excerpt(ref))
	}
	return out, nil
}

// WithdrawMeans withdraws the means of the named users of one organisation
// at once, all or none, and tells each user and the manager. A means that
// was withdrawn before is reported unchanged, so a rerun is safe.
func (s *Service) WithdrawMeans(ctx context.Context, in reconi.Withdrawal) (*reconi.WithdrawResult, error) {
	kvk, err := reconi.ParseKVK(in.KVK)
	if err != nil {
		return nil, err
	}
	if err := authorizeManage(ctx, kvk); err != nil {
		return nil, err
	}
	if err := reconi.CheckText("reason", in.Reason); err != nil {
		return nil, err
	}
	reason := strings.TrimSpace(in.Reason)
	if reason == "" {
		return nil, reconi.Invalid("reason", "is empty: say why the means are withdrawn (it is kept in the history)")
	}
	if len(in.Emails) == 0 {
		return nil, reconi.Invalid("emails", "none given: name the users whose means to withdraw")
	}
	emails, bad := withdrawalEmails(in.Emails)
	now := s.now().UTC()
	res := &reconi.WithdrawResult{Withdrawn: []reconi.Means{}, Unchanged: []reconi.Means{}, DryRun: in.DryRun}
	run := s.store.Update
	if in.DryRun {
		run = s.store.View
	}
	err = run(ctx, func(tx store.Tx) error {
		*res = reconi.WithdrawResult{Withdrawn: []reconi.Means{}, Unchanged: []reconi.Means{}, DryRun: in.DryRun}
		if err := s.findWithdrawals(tx, kvk, emails, bad, now, res); err != nil || in.DryRun {
			return err
		}
		return s.withdraw(tx, res.Withdrawn, actorName(ctx), reason, now)
	})
	if err != nil {
		return nil, wrap(err)
	}
	for i := range res.Withdrawn {
		if !in.DryRun {
			res.Withdrawn[i].State = reconi.MeansWithdrawn
			res.Withdrawn[i].WithdrawnAt, res.Withdrawn[i].WithdrawnBy, res.Withdrawn[i].WithdrawReason = &now, actorName(ctx), reason
		}
	}
	return res, nil
}

// listedEmail is an email of a withdrawal with its place in the list.
type listedEmail struct {
	email string
	line  int
}

// withdrawalEmails checks every email, returning the good ones without
// repeats and a row problem for each bad one.
func withdrawalEmails(in []string) ([]listedEmail, []reconi.RowError) {
	var rows []reconi.RowError
	seen := map[string]bool{}
	out := make([]listedEmail, 0, len(in))
	for i, raw := range in {
		e, err := reconi.ParseEmail(raw)
		if err != nil {
			rows = append(rows, reconi.RowError{Line: i + 1, Field: "email", Value: reconi.Excerpt(raw), Message: fieldMessage(err)})
			continue
		}
		if !seen[strings.ToLower(e)] {
			seen[strings.ToLower(e)] = true
			out = append(out, listedEmail{e, i + 1})
		}
	}
	return out, rows
}

// findWithdrawals sorts each email's means into those to withdraw and those
// withdrawn before; an email without a means that can be withdrawn is a
// row problem, reported with those found before (bad) in list order.
func (s *Service) findWithdrawals(tx store.Tx, kvk reconi.KVK, emails []listedEmail, bad []reconi.RowError,
	now time.Time, res *reconi.WithdrawResult) error {
	rows := append([]reconi.RowError(nil), bad...)
	for _, le := range emails {
		ms, err := tx.ListMeans(store.MeansFilter{KVK: kvk, Email: le.email, Now: now})
		if err != nil {
			return err
		}
		row := reconi.RowError{Line: le.line, Field: "email", Value: le.email}
		var live, expired, gone []reconi.Means
		for _, m := range ms {
			switch m.StateAt(now) {
			case reconi.MeansActive:
				live = append(live, m)
			case reconi.MeansExpired:
				expired = append(expired, m)
			default:
				gone = append(gone, m)
			}
		}
		switch {
		case len(live) > 0:
			res.Withdrawn = append(res.Withdrawn, live...)
		case len(gone) > 0:
			res.Unchanged = append(res.Unchanged, gone...)
		case len(expired) > 0:
			row.Message = fmt.Sprintf("the means of %s expired on %s: there is nothing to withdraw", reconi.Excerpt(le.email), expired[0].ExpiresAt.Format("2006-01-02"))
			rows = append(rows, row)
		default:
			row.Message = fmt.Sprintf("%s holds no means issued for organisation %s", reconi.Excerpt(le.email), kvk)
			rows = append(rows, row)
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Line < rows[j].Line })
	return rowsError("no means was withdrawn: %s", rows)
}

// rowsError reports row problems as one invalid error, or nil for none.
func rowsError(format string, rows []reconi.RowError) error {
	if len(rows) == 0 {
		return nil
	}
	n := fmt.Sprintf("%d rows have problems", len(rows))
	if len(rows) == 1 {
		n = "1 row has a problem"
	}
	e := reconi.Errorf(reconi.KindInvalid, format, n)
	const max = 100
	if len(rows) > max {
		e.RowsOmitted = len(rows) - max
		rows = rows[:max]
	}
	e.Rows = rows
	return e
}

// fieldMessage is the message of a field error without the field's name,
// which a RowError carries apart.
func fieldMessage(err error) string {
	msg := reconi.ErrorMessage(err)
	if _, rest, ok := strings.Cut(msg, ": "); ok {
		return rest
	}
	return msg
}

// withdraw withdraws ms, records it in each user's history and queues the
// emails: one to each user, one to each application's manager.
func (s *Service) withdraw(tx store.Tx, ms []reconi.Means, actor, reason string, now time.Time) error {
	byApp := map[int64][]reconi.Means{}
	for _, m := range ms {
		ok, err := tx.WithdrawMeans(m.ID, now, actor, reason)
		if err != nil || !ok {
			return err
		}
		if err := tx.InsertEvent(&reconi.Event{ApplicationID: m.ApplicationID, UserID: m.UserID, Email: m.Email,
			From: string(reconi.MeansActive), To: string(reconi.MeansWithdrawn), Actor: actor, Reason: reason, At: now}); err != nil {
			return err
		}
		if err := s.enqueue(tx, withdrawnEmail(m, now), now); err != nil {
			return err
		}
		byApp[m.ApplicationID] = append(byApp[m.ApplicationID], m)
	}
	return s.tellManagers(tx, byApp, now, func(a *reconi.Application, ms []reconi.Means) store.Message {
		return withdrawnManagerEmail(a, ms, actor, reason, now)
	})
}

// tellManagers queues one email per application with a manager's address,
// in application order so that the outbox reads the same on every run.
func (s *Service) tellManagers(tx store.Tx, byApp map[int64][]reconi.Means, now time.Time,
	mail func(*reconi.Application, []reconi.Means) store.Message) error {
	ids := make([]int64, 0, len(byApp))
	for id := range byApp {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for _, id := range ids {
		a, err := tx.Application(id)
		if err != nil {
			return err
		}
		if a == nil || a.NotifyEmail == "" {
			continue
		}
		if err := s.enqueue(tx, mail(a, byApp[id]), now); err != nil {
			return err
		}
	}
	return nil
}

func withdrawnEmail(m reconi.Means, at time.Time) store.Message {
	body := fmt.Sprintf(`Beste %s,

Uw eHerkenningsmiddel %s voor %s is op %s ingetrokken. U kunt er niet meer mee inloggen namens %s.

Dear %s,

Your eHerkenning means (%s) for %s was withdrawn on %s. You can no longer log in with it on behalf of %s.
`, m.FirstName, m.Level, m.Organization.Name, at.Format("02-01-2006"), m.Organization.Name,
		m.FirstName, m.Level, m.Organization.Name, at.Format("2006-01-02"), m.Organization.Name)
	return msg(reconi.ChannelEmail, m.Email, "Uw eHerkenning is ingetrokken / Your eHerkenning was withdrawn", body, body,
		m.ApplicationID, m.UserID)
}

func withdrawnManagerEmail(a *reconi.Application, ms []reconi.Means, actor, reason string, at time.Time) store.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "%s withdrew %s of application %d for %s (%s) on %s.\nReason: %s\n\n",
		actor, countNoun(len(ms), "means", "means"), a.ID, a.Organization.Name, a.Organization.KVK, at.Format("2006-01-02 15:04 MST"), reason)
	for _, m := range ms {
		fmt.Fprintf(&b, "  %s %s <%s>\n", m.FirstName, m.LastName, m.Email)
	}
	fmt.Fprintf(&b, "\nSee them with: reconi means list --org %s --state withdrawn\n", a.Organization.KVK)
	return msg(reconi.ChannelEmail, a.NotifyEmail, fmt.Sprintf("Withdrawn: %s for %s", countNoun(len(ms), "means", "means"), a.Organization.Name),
		b.String(), b.String(), a.ID, 0)
}

// countNoun writes "1 user" or "3 users".
func countNoun(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
