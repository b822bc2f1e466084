package service

import (
	"context"
	"errors"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// IdempotencyPendingTimeout is how long a first request may run before a
// retry may take its key over (the first one presumably died).
const IdempotencyPendingTimeout = 2 * time.Minute

// Claim starts an idempotent request. When the key was used before, it
// returns the first answer (found is true); otherwise the caller goes ahead
// and must Complete or Release the key.
func (a *Access) Claim(ctx context.Context, tokenID int64, key, fingerprint string) (status int, body []byte, found bool, err error) {
	var prior *store.IdempotencyRecord
	err = a.store.Update(ctx, func(tx store.Tx) error {
		r, err := tx.ClaimIdempotencyKey(store.IdempotencyRecord{TokenID: tokenID, Key: key, Fingerprint: fingerprint, CreatedAt: a.now().UTC()})
		if err != nil || r == nil {
			return err
		}
		if r.Fingerprint != fingerprint {
			return reconi.Errorf(reconi.KindInvalid, "Idempotency-Key %q was used before for a different request", reconi.Excerpt(key))
		}
		if r.State == "pending" {
			if a.now().Sub(r.CreatedAt) < IdempotencyPendingTimeout {
				return reconi.ErrInFlight
			}
			// The first request died: let this one go ahead.
			if err := tx.ReleaseIdempotencyKey(tokenID, key); err != nil {
				return err
			}
			_, err := tx.ClaimIdempotencyKey(store.IdempotencyRecord{TokenID: tokenID, Key: key, Fingerprint: fingerprint, CreatedAt: a.now().UTC()})
			return err
		}
		prior = r
		return nil
	})
	if errors.Is(err, reconi.ErrInFlight) {
		return 0, nil, false, err
	}
	if err != nil || prior == nil {
		return 0, nil, false, wrap(err)
	}
	return prior.Status, []byte(prior.Body), true, nil
}

// Complete stores the first answer to a request.
func (a *Access) Complete(ctx context.Context, tokenID int64, key string, status int, body []byte) error {
	return wrap(a.store.Update(ctx, func(tx store.Tx) error {
		return tx.CompleteIdempotencyKey(store.IdempotencyRecord{TokenID: tokenID, Key: key, Status: status, Body: string(body)})
	}))
}

// Release forgets a claim whose request failed before it changed anything
// (for example, the server is shutting down), so that a retry runs again.
func (a *Access) Release(ctx context.Context, tokenID int64, key string) error {
	return wrap(a.store.Update(ctx, func(tx store.Tx) error { return tx.ReleaseIdempotencyKey(tokenID, key) }))
}
