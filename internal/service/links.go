package service

import (
	"context"
	"fmt"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// One person, one means: a user of a new draft who holds an active means at
// the draft's level or above for another organisation is priced as a link
// to the organisation, and on submit that means gains the organisation (a
// means row of its own, linked_to the one held, ending when it ends)
// without an invitation or a new identification.

// Links answers for plan, before any draft exists, which people a draft of
// q.KVK at q.Level would link.
func (s *Service) Links(ctx context.Context, q reconi.LinkQuery) ([]reconi.AppLink, error) {
	if err := reconi.CheckTexts("", q); err != nil {
		return nil, err
	}
	kvk, err := reconi.ParseKVK(q.KVK)
	if err != nil {
		return nil, err
	}
	if err := authorize(ctx, actRead, kvk); err != nil {
		return nil, err
	}
	level, err := reconi.ParseLevel(q.Level)
	if err != nil {
		return nil, err
	}
	if len(q.People) > reconi.MaxPageSize {
		return nil, reconi.Invalid("people", "%d people: ask for at most %d at once", len(q.People), reconi.MaxPageSize)
	}
	now := s.now().UTC()
	out := []reconi.AppLink{}
	err = s.view(ctx, func(tx store.Tx) error {
		for _, p := range q.People {
			email, err := reconi.ParseEmail(p.Email)
			if err != nil {
				return err
			}
			p.Email = email
			if p.Phone, err = reconi.ParseMobile(p.Phone); err != nil {
				return err
			}
			if p.DateOfBirth != "" {
				d, err := reconi.ParseDate("date_of_birth", p.DateOfBirth, now)
				if err != nil {
					return err
				}
				p.DateOfBirth = string(d)
			}
			l, err := tx.LinkFor(p, kvk, level.Rank(), now)
			if err != nil {
				return err
			}
			if l != nil {
				out = append(out, *l)
			}
		}
		return nil
	})
	return out, err
}

// draftLinks lists the users of new draft a whose means would be linked.
func (s *Service) draftLinks(tx store.Tx, a *reconi.Application) ([]reconi.AppLink, error) {
	return tx.AppLinks(a.ID, a.Organization.KVK, a.Level.Rank(), s.now().UTC())
}

// appLinks fills in a's links: those a draft would make, or those made.
func (s *Service) appLinks(tx store.Tx, a *reconi.Application) (err error) {
	if a.Kind != reconi.AppKindNew && a.Kind != "" {
		return nil
	}
	if a.State == reconi.AppDraft {
		a.Links, err = s.draftLinks(tx, a)
	} else {
		a.Links, err = tx.LinkedMeans(a.ID)
	}
	return err
}

// linkUsers links, as draft a is submitted, the means of its users who
// hold one: each is issued at once, with a means of this organisation
// linked to the one held; the user is told, and so is the manager.
func (s *Service) linkUsers(tx store.Tx, a *reconi.Application, actor string, now time.Time) error {
	links, err := s.draftLinks(tx, a)
	if err != nil {
		return err
	}
	for _, l := range links {
		u, err := tx.User(l.UserID)
		if err != nil {
			return err
		}
		held, err := tx.MeansByID(l.MeansID)
		if err != nil {
			return err
		}
		why := fmt.Sprintf("linked: means %d of %s (%s, ends %s) now also works for %s; no new identification",
			l.MeansID, l.Organization.Name, l.Level, l.ExpiresAt.Format("2006-01-02"), a.Organization.Name)
		if err := s.move(tx, u, reconi.UserIssued, time.Time{}, actor, why, now); err != nil {
			return err
		}
		m := &reconi.Means{UserID: u.ID, ApplicationID: a.ID, Email: u.Email, Organization: a.Organization, Level: l.Level,
			State: reconi.MeansActive, IssuedAt: now, ExpiresAt: l.ExpiresAt, LinkedTo: l.MeansID,
			Permissions: reconi.MeansPermissions(a.Permissions, now.AddDate(a.ValidityYears, 0, 0))}
		if err := tx.InsertMeans(m); err != nil {
			return err
		}
		if err := tx.InsertEvent(&reconi.Event{ApplicationID: a.ID, UserID: held.UserID, Email: held.Email, From: string(reconi.MeansActive),
			To: string(reconi.MeansActive), Actor: actor, Reason: fmt.Sprintf("linked to %s (%s) as means %d by application %d",
				a.Organization.Name, a.Organization.KVK, m.ID, a.ID), At: now}); err != nil {
			return err
		}
		if err := s.enqueue(tx, linkedEmail(a, u), now); err != nil {
			return err
		}
		if a.NotifyEmail != "" {
			if err := s.enqueue(tx, managerEmail(a, u, "linked to the means they hold (no new identification)", ""), now); err != nil {
				return err
			}
		}
	}
	return nil
}

func linkedEmail(a *reconi.Application, u *reconi.User) store.Message {
	body := fmt.Sprintf(`Beste %s,

Uw eHerkenningsmiddel werkt nu ook voor %s. U hoeft niets te doen en geen nieuw middel aan te vragen.

Dear %s,

Your eHerkenning means now also works for %s. There is nothing you need to do, and no new means to order.
`, u.FirstName, a.Organization.Name, u.FirstName, a.Organization.Name)
	return msg(reconi.ChannelEmail, u.Email, "Uw eHerkenning werkt ook voor "+a.Organization.Name+" / Your eHerkenning now works for "+
		a.Organization.Name, body, body, a.ID, u.ID)
}

// linkedNotEmployed counts the links of users not employed, who are not
// identified either.
func linkedNotEmployed(links []reconi.AppLink) (n int64) {
	for _, l := range links {
		if !l.Employed {
			n++
		}
	}
	return n
}

// notLinked refuses a renewal of a means that only links another one: the
// means held is renewed, and its links with it. Once that one was
// withdrawn, a link is renewed on its own.
func notLinked(tx store.Tx, ms []reconi.Means) error {
	var rows []reconi.RowError
	for i, m := range ms {
		if m.LinkedTo == 0 {
			continue
		}
		held, err := tx.MeansByID(m.LinkedTo)
		if err != nil {
			return err
		}
		if held != nil && held.State != reconi.MeansWithdrawn {
			rows = append(rows, reconi.RowError{Line: i + 1, Field: "means", Value: m.Email,
				Message: fmt.Sprintf("means %d links means %d of another organisation to this one: renew means %d, and its links follow", m.ID, m.LinkedTo, m.LinkedTo)})
		}
	}
	return rowsError("nothing was started: %s", rows)
}
