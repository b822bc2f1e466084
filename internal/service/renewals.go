package service

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// Renewal (verlengen): a draft of kind renewal holds issued means, one line
// each, with a request copied from the means' user. Submitting it renews an
// active means at once, from its old end date, without the user; an expired
// means' user goes through the steps of a new means again (invitation,
// details, SMS code, order; identification when not employed), and the
// means is renewed from the day it is issued again.

// checkMeansRequest checks what a renewal or a grant (in) asks before
// anything is read: its texts, the organisation, that the actor may run the
// wizard there, and the validity.
func checkMeansRequest(ctx context.Context, in any, org string, validity int) (reconi.KVK, error) {
	if err := reconi.CheckTexts("", in); err != nil {
		return "", err
	}
	kvk, err := reconi.ParseKVK(org)
	if err != nil {
		return "", err
	}
	if err := authorize(ctx, actWizard, kvk); err != nil {
		return "", err
	}
	if !slices.Contains(reconi.ValidityYears, validity) {
		return "", reconi.Invalid("validity", "%d years is not offered: want 1, 3 or 5 years (at most 5)", validity)
	}
	return kvk, nil
}

// CreateRenewal starts a renewal draft for means of one organisation.
func (s *Service) CreateRenewal(ctx context.Context, in reconi.NewRenewal) (*reconi.Application, error) {
	kvk, err := checkMeansRequest(ctx, in, in.KVK, in.ValidityYears)
	if err != nil {
		return nil, err
	}
	var within time.Duration
	if in.ExpiringWithin != "" {
		if within, err = reconi.ParseWithin("expiring_within", in.ExpiringWithin); err != nil {
			return nil, err
		}
	}
	switch {
	case len(in.Means) == 0 && within <= 0:
		return nil, reconi.Invalid("means", "none named: name the means to renew (emails or means IDs), or give expiring_within")
	case len(in.Means) > 0 && in.ExpiringWithin != "":
		return nil, reconi.Invalid("means", "name the means or give expiring_within, not both")
	}
	now := s.now().UTC()
	var id int64
	err = s.update(ctx, func(tx store.Tx) error {
		org, err := s.org(tx, kvk)
		if err != nil {
			return err
		}
		var ms []reconi.Means
		if len(in.Means) > 0 {
			ms, err = namedMeans(tx, kvk, in.Means, now)
		} else {
			ms, err = expiringMeans(tx, kvk, within, now)
		}
		if err != nil {
			return err
		}
		if err := notLinked(tx, ms); err != nil {
			return err
		}
		if err := checkNotRenewing(tx, ms, 0); err != nil {
			return err
		}
		a := &reconi.Application{State: reconi.AppDraft, Kind: reconi.AppKindRenewal,
			Organization: reconi.OrgRef{KVK: org.KVK, Name: org.Name}, Level: highestLevel(ms),
			ValidityYears: in.ValidityYears, CreatedBy: actorName(ctx), CreatedAt: now}
		if err := tx.InsertApplication(a); err != nil {
			return err
		}
		id = a.ID
		if err := tx.InsertEvent(&reconi.Event{ApplicationID: a.ID, To: string(reconi.AppDraft), Actor: a.CreatedBy,
			Reason: fmt.Sprintf("renewal draft started: %s, for %s", countNoun(len(ms), "means", "means"), reconi.Years(a.ValidityYears)),
			At:     now}); err != nil {
			return err
		}
		return addMeansLines(ctx, tx, a, ms, "added to renew means %d (ends %s)", now)
	})
	if err != nil {
		return nil, err
	}
	return s.Application(ctx, id)
}

// namedMeans finds the means each ref names, an ID or an email, of
// organisation kvk: every bad ref is a row problem, in order.
func namedMeans(tx store.Tx, kvk reconi.KVK, refs []string, now time.Time) ([]reconi.Means, error) {
	var rows []reconi.RowError
	var out []reconi.Means
	seen := map[int64]bool{}
	for i, raw := range refs {
		ref := strings.TrimSpace(raw)
		row := reconi.RowError{Line: i + 1, Field: "means", Value: reconi.Excerpt(ref)}
		var found []reconi.Means
		if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
			m, err := tx.MeansByID(id)
			if err != nil {
				return nil, err
			}
			if m != nil && m.Organization.KVK == kvk {
				found = append(found, *m)
			}
		} else if email, err := reconi.ParseEmail(ref); err != nil {
			row.Message = "is neither a means ID nor an email address"
			rows = append(rows, row)
			continue
		} else if found, err = tx.ListMeans(store.MeansFilter{KVK: kvk, Email: email, Now: now}); err != nil {
			return nil, err
		}
		var live []reconi.Means
		for _, m := range found {
			if m.State != reconi.MeansWithdrawn {
				live = append(live, m)
			}
		}
		switch {
		case len(found) == 0:
			row.Message = fmt.Sprintf("names no means issued for organisation %s", kvk)
		case len(live) == 0:
			row.Message = fmt.Sprintf("means %d was withdrawn on %s: a withdrawn means is not renewed; request a new one", found[0].ID,
				found[0].WithdrawnAt.Format("2006-01-02"))
		case len(live) > 1:
			ids := make([]string, len(live))
			for i, m := range live {
				ids[i] = strconv.FormatInt(m.ID, 10)
			}
			row.Message = fmt.Sprintf("holds %d means of organisation %s (IDs %s): name one by its ID", len(live), kvk, strings.Join(ids, ", "))
		default:
			if !seen[live[0].ID] {
				seen[live[0].ID] = true
				m := live[0]
				m.State = m.StateAt(now)
				out = append(out, m)
			}
			continue
		}
		rows = append(rows, row)
	}
	if err := rowsError("nothing was started: %s", rows); err != nil {
		return nil, err
	}
	return out, sameEmailOnce(out)
}

// expiringMeans lists the active means of kvk that end within d.
func expiringMeans(tx store.Tx, kvk reconi.KVK, d time.Duration, now time.Time) ([]reconi.Means, error) {
	ms, err := tx.ListMeans(store.MeansFilter{KVK: kvk, Now: now, ExpiresBy: now.Add(d)})
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, reconi.Errorf(reconi.KindNotFound, "no active means of organisation %s ends within %s", kvk, reconi.FormatWithin(d))
	}
	return ms, sameEmailOnce(ms)
}

// sameEmailOnce refuses two means of one email in one draft: each line has
// a request of its own, and a draft has an email once.
func sameEmailOnce(ms []reconi.Means) error {
	seen := map[string]int64{}
	for _, m := range ms {
		k := strings.ToLower(m.Email)
		if other, ok := seen[k]; ok {
			return reconi.Invalid("means", "%s holds means %d and %d: renew or change them one at a time, naming each by its ID", m.Email, other, m.ID)
		}
		seen[k] = m.ID
	}
	return nil
}

// checkNotRenewing refuses means that another renewal (other than except)
// holds open: a draft, or a request still in progress. The means are
// locked first, so two renewals started at once take turns.
func checkNotRenewing(tx store.Tx, ms []reconi.Means, except int64) error {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	if err := tx.LockMeans(ids); err != nil {
		return err
	}
	open, err := tx.OpenRenewals(ids, except)
	if err != nil || len(open) == 0 {
		return err
	}
	var rows []reconi.RowError
	for i, m := range ms {
		if app, ok := open[m.ID]; ok {
			rows = append(rows, reconi.RowError{Line: i + 1, Field: "means", Value: m.Email,
				Message: fmt.Sprintf("means %d is being renewed by application %d already: submit or discard that one", m.ID, app)})
		}
	}
	e := rowsError("nothing was renewed (a means is in one open renewal at a time): %s", rows).(*reconi.Error)
	e.Kind = reconi.KindConflict
	return e
}

// highestLevel is the highest level among ms: a renewal's own level.
func highestLevel(ms []reconi.Means) reconi.Level {
	var l reconi.Level
	for _, m := range ms {
		if m.Level.Rank() > l.Rank() {
			l = m.Level
		}
	}
	return l
}

// addMeansLines adds a request to draft a for each of ms, a copy of the
// means' user, and the line that ties the two.
func addMeansLines(ctx context.Context, tx store.Tx, a *reconi.Application, ms []reconi.Means, why string, now time.Time) error {
	rows := make([]store.UserRow, 0, len(ms))
	for _, m := range ms {
		u, err := tx.User(m.UserID)
		if err != nil {
			return err
		}
		if u == nil {
			return fmt.Errorf("means %d: user %d is missing", m.ID, m.UserID)
		}
		c := *u
		c.ID, c.ApplicationID, c.State, c.UpdatedAt, c.DeadlineAt = 0, a.ID, reconi.UserDraft, now, nil
		rows = append(rows, store.UserRow{User: &c})
	}
	if _, err := tx.InsertUsers(a.ID, rows); err != nil {
		return err
	}
	lines := make([]store.AppMeansRow, 0, len(ms))
	for _, m := range ms {
		u, err := tx.UserByEmail(a.ID, m.Email)
		if err != nil {
			return err
		}
		if u == nil {
			return fmt.Errorf("means %d: the request of %s was not added", m.ID, m.Email)
		}
		lines = append(lines, store.AppMeansRow{MeansID: m.ID, UserID: u.ID, PreviousExpiresAt: m.ExpiresAt})
		if err := tx.InsertEvent(&reconi.Event{ApplicationID: a.ID, UserID: u.ID, Email: u.Email, To: string(reconi.UserDraft),
			Actor: actorName(ctx), Reason: fmt.Sprintf(why, m.ID, m.ExpiresAt.Format("2006-01-02")), At: now}); err != nil {
			return err
		}
	}
	return tx.InsertAppMeans(a.ID, lines)
}

// linesQuote prices a renewal or change draft from its lines.
func (s *Service) linesQuote(tx store.Tx, a *reconi.Application) (reconi.Quote, error) {
	pl, err := s.priceList(tx)
	if err != nil {
		return reconi.Quote{}, err
	}
	lines, err := tx.AppMeans(a.ID, s.now().UTC())
	if err != nil {
		return reconi.Quote{}, err
	}
	if a.Kind == reconi.AppKindChange {
		return grantQuote(pl, a, lines)
	}
	items := make([]reconi.RenewalItem, len(lines))
	for i, l := range lines {
		items[i] = reconi.RenewalItem{Level: l.Level, Permissions: int64(l.Permissions),
			Identify: l.State != reconi.MeansActive && !l.Employed}
	}
	return pl.QuoteRenewal(a.ValidityYears, items)
}

// submitLines submits a renewal or change draft a, agreed by the actor of
// ctx: the quote is fixed and each line takes effect.
func (s *Service) submitLines(ctx context.Context, tx store.Tx, a *reconi.Application, key, notify string, maxPrice *int64) error {
	now := s.now().UTC()
	lines, err := tx.AppMeans(a.ID, now)
	if err != nil {
		return err
	}
	if err := a.Incomplete(len(lines)); err != nil {
		return err
	}
	var rows []reconi.RowError
	ms := make([]reconi.Means, len(lines))
	for i, l := range lines {
		ms[i] = reconi.Means{ID: l.MeansID, Email: l.Email}
		if l.State == reconi.MeansWithdrawn {
			rows = append(rows, reconi.RowError{Line: i + 1, Field: "means", Value: l.Email,
				Message: fmt.Sprintf("means %d was withdrawn since the draft was started: take it off with reconi users remove %s --draft %d", l.MeansID, l.Email, a.ID)})
		}
	}
	if err := rowsError("nothing was submitted: %s", rows); err != nil {
		return err
	}
	if a.Kind == reconi.AppKindRenewal {
		if err := checkNotRenewing(tx, ms, a.ID); err != nil {
			return err
		}
	} else if err := s.checkGrant(tx, a, lines); err != nil {
		return err
	}
	if a.Quote, err = s.linesQuote(tx, a); err != nil {
		return err
	}
	if maxPrice != nil && a.Quote.TotalCents > *maxPrice {
		return reconi.Invalid("max_price", "the quote is %s (VAT included), above the maximum of %s; nothing was submitted",
			reconi.FormatCents(a.Quote.TotalCents), reconi.FormatCents(*maxPrice))
	}
	actor := actorName(ctx)
	a.State, a.SubmittedAt, a.IdempotencyKey, a.NotifyEmail = reconi.AppSubmitted, &now, key, notify
	a.Terms = &reconi.TermsAgreement{Version: s.terms.Version, AgreedBy: actor, AgreedAt: now}
	if err := tx.UpdateApplication(a); err != nil {
		return err
	}
	if err := tx.InsertEvent(&reconi.Event{ApplicationID: a.ID, From: string(reconi.AppDraft), To: string(reconi.AppSubmitted),
		Actor: actor, Reason: fmt.Sprintf("submitted; agreed to conditions %s; quote %s", s.terms.Version, reconi.FormatCents(a.Quote.TotalCents)), At: now}); err != nil {
		return err
	}
	if a.Kind == reconi.AppKindChange {
		return s.applyGrant(tx, a, lines, actor, now)
	}
	return s.applyRenewal(tx, a, lines, actor, now)
}

// applyRenewal renews the active means of a at once and invites the users
// of the expired ones; the users and the manager are told.
func (s *Service) applyRenewal(tx store.Tx, a *reconi.Application, lines []reconi.AppMeans, actor string, now time.Time) error {
	var renewed, invited []reconi.AppMeans
	for _, l := range lines {
		u, err := tx.User(l.UserID)
		if err != nil {
			return err
		}
		if l.State != reconi.MeansActive {
			deadline := now.Add(s.us.InvitationTTL)
			why := fmt.Sprintf("invitation sent: means %d expired on %s, so the user confirms and orders again", l.MeansID, l.ExpiresAt.Format("2006-01-02"))
			if err := s.move(tx, u, reconi.UserInvited, deadline, actor, why, now); err != nil {
				return err
			}
			if err := s.inviteOne(tx, a, u, deadline, now); err != nil {
				return err
			}
			invited = append(invited, l)
			continue
		}
		until := l.ExpiresAt.AddDate(a.ValidityYears, 0, 0)
		if err := s.renew(tx, a, u, l, until, actor, now, true); err != nil {
			return err
		}
		l.ExpiresAt = until
		renewed = append(renewed, l)
	}
	if a.NotifyEmail == "" {
		return nil
	}
	return s.enqueue(tx, renewalManagerEmail(a, renewed, invited), now)
}

// renew renews the means of line l until the given day, records it in the
// history of the renewal's request and of the means' user, and tells the
// user when tell is set.
func (s *Service) renew(tx store.Tx, a *reconi.Application, u *reconi.User, l reconi.AppMeans, until time.Time, actor string, now time.Time, tell bool) error {
	m, err := tx.MeansByID(l.MeansID)
	if err != nil {
		return err
	}
	ok, err := tx.RenewMeans(l.MeansID, until)
	if err != nil {
		return err
	}
	if !ok || m == nil {
		return reconi.Errorf(reconi.KindConflict, "means %d of %s was withdrawn: it cannot be renewed", l.MeansID, l.Email)
	}
	why := fmt.Sprintf("renewed: means %d ends %s (was %s)", l.MeansID, until.Format("2006-01-02"), m.ExpiresAt.Format("2006-01-02"))
	if u.State != reconi.UserIssued {
		if err := s.move(tx, u, reconi.UserIssued, time.Time{}, actor, why, now); err != nil {
			return err
		}
	}
	// The means' own history (reconi means show) tells of the renewal too.
	if err := tx.InsertEvent(&reconi.Event{ApplicationID: a.ID, UserID: m.UserID, Email: m.Email, From: string(m.StateAt(now)),
		To: string(reconi.MeansActive), Actor: actor, Reason: fmt.Sprintf("%s, by application %d", why, a.ID), At: now}); err != nil {
		return err
	}
	if !tell {
		return nil
	}
	return s.enqueue(tx, renewedEmail(a, u, until), now)
}

// renewIssued renews, when a renewal's user is issued after the steps of an
// expired means, that means from now.
func (s *Service) renewIssued(tx store.Tx, a *reconi.Application, u *reconi.User, now time.Time) error {
	line, err := tx.AppMeansOfUser(u.ID)
	if err != nil {
		return err
	}
	if line == nil {
		return fmt.Errorf("renewal %d: user %d has no means", a.ID, u.ID)
	}
	l := reconi.AppMeans{MeansID: line.MeansID, UserID: u.ID, Email: u.Email}
	// issue tells the user and the manager.
	return s.renew(tx, a, u, l, now.AddDate(a.ValidityYears, 0, 0), "reconi", now, false)
}

// inviteOne records an invitation for u and queues its email.
func (s *Service) inviteOne(tx store.Tx, a *reconi.Application, u *reconi.User, expires, now time.Time) error {
	key, err := s.invitationKey(tx)
	if err != nil {
		return err
	}
	token, err := s.putInvitation(tx, key, u.ID, nil, expires, now)
	if err != nil {
		return err
	}
	return s.enqueue(tx, invitationEmail(a, *u, s.InviteLink(token), expires), now)
}

func renewedEmail(a *reconi.Application, u *reconi.User, until time.Time) store.Message {
	body := fmt.Sprintf(`Beste %s,

Uw eHerkenningsmiddel voor %s is verlengd tot %s. U hoeft niets te doen.

Dear %s,

Your eHerkenning means for %s was renewed until %s. There is nothing you need to do.
`, u.FirstName, a.Organization.Name, until.Format("02-01-2006"), u.FirstName, a.Organization.Name, until.Format("2006-01-02"))
	return msg(reconi.ChannelEmail, u.Email, "Uw eHerkenning is verlengd / Your eHerkenning was renewed", body, body, a.ID, u.ID)
}

func renewalManagerEmail(a *reconi.Application, renewed, invited []reconi.AppMeans) store.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "Renewal %d for %s (%s) was submitted by %s: %s, total %s (VAT included).\n",
		a.ID, a.Organization.Name, a.Organization.KVK, a.Terms.AgreedBy, reconi.Years(a.ValidityYears), reconi.FormatCents(a.Quote.TotalCents))
	if len(renewed) > 0 {
		fmt.Fprintf(&b, "\nRenewed now:\n")
		for _, l := range renewed {
			fmt.Fprintf(&b, "  %s %s <%s>, %s, means %d, now ends %s\n", l.FirstName, l.LastName, l.Email, l.Level, l.MeansID, l.ExpiresAt.Format("2006-01-02"))
		}
	}
	if len(invited) > 0 {
		fmt.Fprintf(&b, "\nExpired, so the user is invited to confirm and order again (and identified again when not employed):\n")
		for _, l := range invited {
			fmt.Fprintf(&b, "  %s %s <%s>, %s, means %d, ended %s\n", l.FirstName, l.LastName, l.Email, l.Level, l.MeansID, l.ExpiresAt.Format("2006-01-02"))
		}
	}
	fmt.Fprintf(&b, "\nFollow it with: reconi status %d\n", a.ID)
	return msg(reconi.ChannelEmail, a.NotifyEmail, fmt.Sprintf("Renewal %d for %s", a.ID, a.Organization.Name), b.String(), b.String(), a.ID, 0)
}
