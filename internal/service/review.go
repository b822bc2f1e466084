package service

import (
	"context"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// issue issues the means and tells the user and the manager.
func (s *Service) issue(tx store.Tx, a *reconi.Application, u *reconi.User, actor, why string, now time.Time) error {
	if err := s.move(tx, u, reconi.UserIssued, time.Time{}, actor, why, now); err != nil {
		return err
	}
	if err := s.issueMeans(tx, a, u, now); err != nil {
		return err
	}
	if err := s.enqueue(tx, issuedEmail(u, a), now); err != nil {
		return err
	}
	if a.NotifyEmail != "" {
		return s.enqueue(tx, managerEmail(a, u, "issued", ""), now)
	}
	return nil
}

// operatorUser loads a user for an operator's decision.
func (s *Service) operatorUser(ctx context.Context, tx store.Tx, userID int64) (*reconi.User, *reconi.Application, error) {
	if err := authorize(ctx, actOperator, ""); err != nil {
		return nil, nil, err
	}
	u, err := tx.User(userID)
	if err != nil {
		return nil, nil, err
	}
	if u == nil {
		return nil, nil, reconi.Errorf(reconi.KindNotFound, "user %d not found", userID)
	}
	if err := tx.LockApplication(u.ApplicationID); err != nil {
		return nil, nil, err
	}
	a, err := tx.Application(u.ApplicationID)
	return u, a, err
}

// Reviews lists users awaiting the final check.
func (s *Service) Reviews(ctx context.Context) ([]reconi.Review, error) {
	if err := authorize(ctx, actOperator, ""); err != nil {
		return nil, err
	}
	out := []reconi.Review{}
	err := s.view(ctx, func(tx store.Tx) error {
		users, err := tx.UsersInState(reconi.UserFinalCheck)
		if err != nil {
			return err
		}
		apps := map[int64]*reconi.Application{}
		for _, u := range users {
			a := apps[u.ApplicationID]
			if a == nil {
				if a, err = tx.Application(u.ApplicationID); err != nil {
					return err
				}
				apps[u.ApplicationID] = a
			}
			out = append(out, reconi.Review{User: u, Organization: a.Organization, Level: a.Level, Since: u.UpdatedAt})
		}
		return nil
	})
	return out, err
}

// Approve passes the final check: the means is issued.
func (s *Service) Approve(ctx context.Context, userID int64) (*reconi.User, error) {
	return s.decide(ctx, userID, func(tx store.Tx, u *reconi.User, a *reconi.Application, now time.Time) error {
		return s.issue(tx, a, u, actorName(ctx), "final check approved", now)
	})
}

// Reject fails the final check, with the reason the manager is told.
func (s *Service) Reject(ctx context.Context, userID int64, reason string) (*reconi.User, error) {
	if err := reconi.CheckText("reason", reason); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, reconi.Invalid("reason", "is empty: say why, the manager is told")
	}
	return s.decide(ctx, userID, func(tx store.Tx, u *reconi.User, a *reconi.Application, now time.Time) error {
		if err := s.move(tx, u, reconi.UserRejected, time.Time{}, actorName(ctx), "final check rejected: "+reason, now); err != nil {
			return err
		}
		if a.NotifyEmail != "" {
			return s.enqueue(tx, managerEmail(a, u, "rejected", reason), now)
		}
		return nil
	})
}

func (s *Service) decide(ctx context.Context, userID int64, fn func(store.Tx, *reconi.User, *reconi.Application, time.Time) error) (*reconi.User, error) {
	var out *reconi.User
	err := s.update(ctx, func(tx store.Tx) error {
		u, a, err := s.operatorUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.State != reconi.UserFinalCheck {
			return reconi.Errorf(reconi.KindConflict, "user %d (%s) is not awaiting the final check (state %s)", u.ID, u.Email, u.State)
		}
		if err := fn(tx, u, a, s.now().UTC()); err != nil {
			return err
		}
		out, err = tx.User(u.ID)
		return err
	})
	return out, err
}
