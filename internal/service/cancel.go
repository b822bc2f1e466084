package service

import (
	"context"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// Cancel stops requests still in progress: one user's, or all of an
// application's.
func (s *Service) Cancel(ctx context.Context, appID int64, email, reason string) (*reconi.Application, error) {
	if err := checkTexts("email", email, "reason", reason); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		reason = "cancelled by the authorization manager"
	}
	err := s.update(ctx, func(tx store.Tx) error {
		a, err := s.lockedApp(ctx, tx, appID, actWizard)
		if err != nil {
			return err
		}
		if a.State == reconi.AppDraft {
			return reconi.Errorf(reconi.KindConflict, "application %d is a draft", a.ID)
		}
		now := s.now().UTC()
		n := 0
		err = eachUser(tx, a.ID, func(u *reconi.User) error {
			if email != "" && !strings.EqualFold(u.Email, strings.TrimSpace(email)) {
				return nil
			}
			if email != "" && !u.State.Open() {
				return reconi.Errorf(reconi.KindConflict, "the request of %s is no longer in progress (state %s)", u.Email, u.State)
			}
			if !u.State.Open() {
				return nil
			}
			n++
			return s.move(tx, u, reconi.UserCancelled, time.Time{}, actorName(ctx), reason, now)
		})
		if err != nil {
			return err
		}
		if n == 0 && email != "" {
			return reconi.Errorf(reconi.KindNotFound, "%q is not a user of application %d", reconi.Excerpt(strings.TrimSpace(email)), a.ID)
		}
		if n == 0 {
			return reconi.Errorf(reconi.KindConflict, "application %d has no request in progress", a.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Application(ctx, appID)
}
