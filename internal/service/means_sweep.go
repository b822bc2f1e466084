package service

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// The life of an issued means after the wizard: serve's sweep records the
// means whose end date passed and reminds managers before that day.

// DefaultReminderDays are the thresholds, in days before a means expires,
// at which its manager is reminded: brokers mail about two months ahead.
var DefaultReminderDays = []int{60, 14}

// SweepMeans records means whose end date passed as expired, and queues the
// reminders due at the thresholds days (in days before expiry). serve runs
// it with its deadline sweep; each reminder is queued once, also across
// replicas.
func (s *Service) SweepMeans(ctx context.Context, days []int) (expired, reminded int, err error) {
	now := s.now().UTC()
	for {
		var n int
		err := s.store.Update(ctx, func(tx store.Tx) error {
			ms, err := tx.ExpireMeans(now, 500)
			n = len(ms)
			for _, m := range ms {
				if err != nil {
					break
				}
				err = tx.InsertEvent(&reconi.Event{ApplicationID: m.ApplicationID, UserID: m.UserID, Email: m.Email,
					From: string(reconi.MeansActive), To: string(reconi.MeansExpired), Actor: "reconi",
					Reason: "the means reached its end date", At: now})
			}
			return err
		})
		expired += n
		if err != nil {
			return expired, reminded, wrap(err)
		}
		if n < 500 {
			break
		}
	}
	sorted := append([]int(nil), days...)
	sort.Ints(sorted)
	for _, d := range sorted {
		n, err := s.remind(ctx, d, now)
		reminded += n
		if err != nil {
			return expired, reminded, err
		}
	}
	return expired, reminded, nil
}

// remind queues the reminders for one threshold, a batch at a time: one
// email per application, listing its users whose means end within days.
func (s *Service) remind(ctx context.Context, days int, now time.Time) (int, error) {
	if days <= 0 {
		return 0, nil
	}
	total := 0
	for {
		var n int
		err := s.store.Update(ctx, func(tx store.Tx) error {
			ms, err := tx.ClaimReminders(days, now, now.AddDate(0, 0, days), 500)
			if err != nil {
				return err
			}
			n = len(ms)
			byApp := map[int64][]reconi.Means{}
			for _, m := range ms {
				byApp[m.ApplicationID] = append(byApp[m.ApplicationID], m)
			}
			return s.tellManagers(tx, byApp, now, func(a *reconi.Application, ms []reconi.Means) store.Message {
				return reminderEmail(a, ms, days)
			})
		})
		total += n
		if err != nil || n < 500 {
			return total, wrap(err)
		}
	}
}

func reminderEmail(a *reconi.Application, ms []reconi.Means, days int) store.Message {
	var b strings.Builder
	fmt.Fprintf(&b, "These eHerkenning means of %s (%s), from application %d, end within %d days:\n\n",
		a.Organization.Name, a.Organization.KVK, a.ID, days)
	for _, m := range ms {
		fmt.Fprintf(&b, "  %s %s <%s>, %s, ends %s\n", m.FirstName, m.LastName, m.Email, m.Level, m.ExpiresAt.Format("2006-01-02"))
	}
	fmt.Fprintf(&b, `
An expired means or permission blocks logging in, for example to file a VAT return. Renew them in time.
List them with: reconi means list --org %s --expiring-within %dd
`, a.Organization.KVK, days)
	return msg(reconi.ChannelEmail, a.NotifyEmail, fmt.Sprintf("%s for %s end within %d days", countNoun(len(ms), "eHerkenning means", "eHerkenning means"),
		a.Organization.Name, days), b.String(), b.String(), a.ID, 0)
}
