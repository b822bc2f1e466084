package service

import (
	"context"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// ExpireDue moves open requests past their deadline to expired. serve runs
// it periodically; reads run it first, so an embedded status is right too.
// Nothing is written when nothing is due.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	now := s.now().UTC()
	var due int
	if err := s.store.View(ctx, func(tx store.Tx) (err error) {
		due, err = tx.CountUsersPastDeadline(now)
		return err
	}); err != nil || due == 0 {
		return 0, wrap(err)
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
		if err != nil || !more {
			return total, wrap(err)
		}
	}
}
