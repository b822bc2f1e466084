package service

import (
	"context"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// partnerActor is who the history names for results the partner reports.
const partnerActor = "identification partner"

// maxNoteRunes bounds the partner's note, which goes into the history.
const maxNoteRunes = 500

// IdentificationResult records a result the identification partner reports
// for the request it knows by reference (the webhook provider's callback):
// the same transition as CompleteIdentification, by the identification
// partner. The caller has authenticated the partner, by the callback's
// signature; no role is checked here.
//
// An unknown reference is not found; a user no longer waiting for
// identification is a conflict, except that repeating the result already
// recorded changes nothing and succeeds, so a partner may retry a callback
// whose answer it lost.
func (s *Service) IdentificationResult(ctx context.Context, reference string, passed bool, note string) (*reconi.User, error) {
	if err := checkTexts("reference", reference, "note", note); err != nil {
		return nil, err
	}
	reference = strings.TrimSpace(reference)
	if reference == "" {
		return nil, reconi.Invalid("reference", "is empty")
	}
	note = strings.TrimSpace(note)
	if r := []rune(note); len(r) > maxNoteRunes {
		note = string(r[:maxNoteRunes]) + "…"
	}
	result := "failed"
	if passed {
		result = "passed"
	}
	ctx = reconi.WithActor(ctx, reconi.Actor{Name: partnerActor})
	var out *reconi.User
	err := s.update(ctx, func(tx store.Tx) error {
		userID, _, err := tx.IdentificationByReference(reference)
		if err != nil {
			return err
		}
		notFound := reconi.Errorf(reconi.KindNotFound, "identification %q not found", reconi.Excerpt(reference))
		if userID == 0 {
			return notFound
		}
		u, err := tx.User(userID)
		if err != nil || u == nil {
			return orErr(err, notFound)
		}
		if err := tx.LockApplication(u.ApplicationID); err != nil {
			return err
		}
		// Read again under the lock: another result may have just landed.
		_, state, err := tx.IdentificationByReference(reference)
		if err != nil {
			return err
		}
		if u, err = tx.User(userID); err != nil || u == nil {
			return orErr(err, notFound)
		}
		a, err := tx.Application(u.ApplicationID)
		if err != nil {
			return err
		}
		if u.State != reconi.UserIdentificationPending {
			if state == result {
				out = u // a repeated callback
				return nil
			}
			return reconi.Errorf(reconi.KindConflict, "identification %q: the user is not waiting for identification (state %s)", reconi.Excerpt(reference), u.State)
		}
		out, err = s.identified(ctx, tx, u, a, passed, note)
		return err
	})
	return out, err
}

func orErr(err error, otherwise error) error {
	if err != nil {
		return err
	}
	return otherwise
}

// CompleteIdentification records the partner's result: passed moves the
// user on to the final check, failed rejects the request.
func (s *Service) CompleteIdentification(ctx context.Context, userID int64, passed bool, note string) (*reconi.User, error) {
	if err := reconi.CheckText("note", note); err != nil {
		return nil, err
	}
	var out *reconi.User
	err := s.update(ctx, func(tx store.Tx) error {
		u, a, err := s.operatorUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.State != reconi.UserIdentificationPending {
			return reconi.Errorf(reconi.KindConflict, "user %d (%s) is not waiting for identification (state %s)", u.ID, u.Email, u.State)
		}
		out, err = s.identified(ctx, tx, u, a, passed, note)
		return err
	})
	return out, err
}

func (s *Service) identified(ctx context.Context, tx store.Tx, u *reconi.User, a *reconi.Application, passed bool, note string) (*reconi.User, error) {
	now := s.now().UTC()
	actor := actorName(ctx)
	result := "failed"
	if passed {
		result = "passed"
	}
	if err := tx.SetIdentificationState(u.ID, result, now); err != nil {
		return nil, err
	}
	why := "identification " + result
	if note != "" {
		why += ": " + note
	}
	if !passed {
		if err := s.move(tx, u, reconi.UserRejected, time.Time{}, actor, why, now); err != nil {
			return nil, err
		}
		if a.NotifyEmail != "" {
			if err := s.enqueue(tx, managerEmail(a, u, "rejected", why), now); err != nil {
				return nil, err
			}
		}
		return tx.User(u.ID)
	}
	if err := s.move(tx, u, reconi.UserIdentified, time.Time{}, actor, why, now); err != nil {
		return nil, err
	}
	if err := s.move(tx, u, reconi.UserFinalCheck, time.Time{}, "reconi", "awaiting the final check", now); err != nil {
		return nil, err
	}
	return tx.User(u.ID)
}
