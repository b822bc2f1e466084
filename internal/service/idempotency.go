package service

import (
	"context"
	"errors"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// IdempotencyLease is how long a claimed key stays claimed without being
// renewed. The server renews it every few seconds while the request runs
// (see httpapi), so a claim older than this belongs to a request that
// died with its process: a retry after a crash goes ahead within the lease,
// not minutes later.
const IdempotencyLease = 30 * time.Second

// IdempotencyTTL is how long a recorded answer is replayed. Later the key
// is forgotten (ExpireIdempotencyKeys, or lazily by Claim) and a request
// with it runs again.
const IdempotencyTTL = 24 * time.Hour

// Claim starts an idempotent request. When the key was used before, it
// returns the first answer (found is true); otherwise the caller goes ahead
// and must Complete or Release the key, and Renew it while it runs.
func (a *Access) Claim(ctx context.Context, tokenID int64, key, fingerprint string) (status int, body []byte, found bool, err error) {
	var prior *store.IdempotencyRecord
	now := a.now().UTC()
	claim := store.IdempotencyRecord{TokenID: tokenID, Key: key, Fingerprint: fingerprint, CreatedAt: now}
	err = a.store.Update(ctx, func(tx store.Tx) error {
		r, err := tx.ClaimIdempotencyKey(claim)
		if err != nil || r == nil {
			return err
		}
		stale := (r.State == "pending" && now.Sub(r.CreatedAt) >= IdempotencyLease) ||
			(r.State != "pending" && now.Sub(r.CreatedAt) >= IdempotencyTTL)
		if stale {
			// The first request died, or its answer expired: forget
			// it (and whatever else expired) and go ahead.
			if _, err := tx.DeleteIdempotencyKeys(now.Add(-IdempotencyTTL), now.Add(-IdempotencyLease)); err != nil {
				return err
			}
			_, err := tx.ClaimIdempotencyKey(claim)
			return err
		}
		if r.Fingerprint != fingerprint {
			return reconi.Errorf(reconi.KindConflict, "Idempotency-Key %q was used before for a different request: use a new key for a new request", reconi.Excerpt(key))
		}
		if r.State == "pending" {
			return reconi.ErrInFlight
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

// Renew extends the lease of a claimed key: its request is still running.
func (a *Access) Renew(ctx context.Context, tokenID int64, key string) error {
	return wrap(a.store.Update(ctx, func(tx store.Tx) error {
		return tx.RenewIdempotencyKey(tokenID, key, a.now().UTC())
	}))
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

// ExpireIdempotencyKeys forgets answers older than IdempotencyTTL and
// claims whose lease ran out, and returns how many. serve calls it with
// its sweep; Claim also forgets an expired key it meets.
func (a *Access) ExpireIdempotencyKeys(ctx context.Context) (int64, error) {
	now := a.now().UTC()
	var n int64
	err := a.store.Update(ctx, func(tx store.Tx) (err error) {
		n, err = tx.DeleteIdempotencyKeys(now.Add(-IdempotencyTTL), now.Add(-IdempotencyLease))
		return err
	})
	return n, wrap(err)
}
