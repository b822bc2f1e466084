package service

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// dueCheckTTL is how long a read trusts the earliest open deadline it
// learnt from the database. Another process (a replica, a command on the
// same file) may have added a request since, but only with a deadline a
// whole TTL (days) after its start: it cannot fall due within a second.
const dueCheckTTL = time.Second

// dueCheck is what reads know of the deadlines: the earliest deadline of an
// open request (zero: none), learnt from the database before until (real
// time, monotonic) and before clockUntil (the service's clock, which tests
// move by days at once).
type dueCheck struct {
	next       time.Time
	until      time.Time
	clockUntil time.Time
}

// dueState is the Service's memory of the deadlines; the zero value knows
// nothing.
type dueState struct {
	check atomic.Pointer[dueCheck]
	// mu lets one read at a time refresh the check and expire what is due;
	// the others wait for it instead of doing the same work.
	mu sync.Mutex
}

// forget drops what reads know: a change in this process may have given a
// request an earlier deadline.
func (d *dueState) forget() { d.check.Store(nil) }

// nothingDue reports, without the database, whether no open request can be
// past its deadline at now.
func (d *dueState) nothingDue(now time.Time) bool {
	c := d.check.Load()
	return c != nil && time.Now().Before(c.until) && now.Before(c.clockUntil) && (c.next.IsZero() || now.Before(c.next))
}

// expireOnRead makes sure a read shows no open request past its deadline.
// Most reads only compare now with the earliest deadline they know (no
// query); about once a second one asks the database for it (one indexed
// row). Only when a deadline has really passed does a read expire what is
// due, as the sweep of `reconi serve` would, so the change is in the
// history with its reason: an embedded command has no sweeper, and a
// server's reads right after a deadline do the next sweep's work once.
func (s *Service) expireOnRead(ctx context.Context) error {
	now := s.now().UTC()
	if s.due.nothingDue(now) {
		return nil
	}
	s.due.mu.Lock()
	defer s.due.mu.Unlock()
	if s.due.nothingDue(now) {
		return nil // another read did it meanwhile
	}
	_, err := s.expireDue(ctx, now)
	return err
}

// ExpireDue moves open requests past their deadline to expired. serve runs
// it periodically; reads run it when a deadline has passed (expireOnRead),
// so an embedded status is right too. Nothing is written when nothing is
// due.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	s.due.mu.Lock()
	defer s.due.mu.Unlock()
	return s.expireDue(ctx, s.now().UTC())
}

// expireDue is ExpireDue with s.due.mu held; it leaves what it learnt of
// the next deadline in s.due.
func (s *Service) expireDue(ctx context.Context, now time.Time) (int, error) {
	var next time.Time
	checked := time.Now()
	if err := s.store.View(ctx, func(tx store.Tx) (err error) {
		next, err = tx.NextDeadline()
		return err
	}); err != nil {
		return 0, wrap(err)
	}
	if next.IsZero() || now.Before(next) {
		s.due.check.Store(&dueCheck{next: next, until: checked.Add(dueCheckTTL), clockUntil: now.Add(dueCheckTTL)})
		return 0, nil
	}
	total := 0
	for {
		var n int
		more := false
		err := s.store.Update(ctx, func(tx store.Tx) error {
			users, err := tx.UsersPastDeadline(now, 500)
			if err != nil {
				return err
			}
			more = len(users) == 500
			for i := range users {
				u := &users[i]
				why := "the invitation expired"
				if u.State == reconi.UserIdentificationPending {
					why = "identification was not completed in time"
				}
				// Another sweeper may have got there first: SetUserState
				// only moves a user still in its old state.
				ok, err := tx.SetUserState(u.ID, u.State, reconi.UserExpired, time.Time{}, store.EventInfo{Actor: "reconi", Reason: why, At: now})
				if err != nil {
					return err
				}
				if ok {
					n++
				}
			}
			return nil
		})
		total += n
		if err != nil {
			return total, wrap(err)
		}
		if !more {
			break
		}
	}
	// What is left falls due later; the next read learns when.
	s.due.forget()
	return total, nil
}
