package sqldb

import (
	"time"

	"github.com/reconi/reconi/internal/store"
)

func (t *Tx) ClaimIdempotencyKey(k store.IdempotencyRecord) (*store.IdempotencyRecord, error) {
	res, err := t.tx.Exec(`INSERT INTO idempotency_keys (token_id, key, fingerprint, state, created_at)
		VALUES ($1, $2, $3, 'pending', $4) ON CONFLICT (token_id, key) DO NOTHING`,
		k.TokenID, k.Key, k.Fingerprint, micro(k.CreatedAt))
	if err != nil {
		return nil, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return nil, err
	}
	var r store.IdempotencyRecord
	var created int64
	err = t.tx.QueryRow(`SELECT token_id, key, fingerprint, state, status, body, created_at FROM idempotency_keys
		WHERE token_id = $1 AND key = $2`, k.TokenID, k.Key).
		Scan(&r.TokenID, &r.Key, &r.Fingerprint, &r.State, &r.Status, &r.Body, &created)
	r.CreatedAt = fromMicro(created)
	return &r, err
}

func (t *Tx) CompleteIdempotencyKey(k store.IdempotencyRecord) error {
	_, err := t.tx.Exec(`UPDATE idempotency_keys SET state = 'done', status = $1, body = $2 WHERE token_id = $3 AND key = $4`,
		k.Status, k.Body, k.TokenID, k.Key)
	return err
}

func (t *Tx) ReleaseIdempotencyKey(tokenID int64, key string) error {
	_, err := t.tx.Exec(`DELETE FROM idempotency_keys WHERE token_id = $1 AND key = $2 AND state = 'pending'`, tokenID, key)
	return err
}

func (t *Tx) RenewIdempotencyKey(tokenID int64, key string, at time.Time) error {
	_, err := t.tx.Exec(`UPDATE idempotency_keys SET created_at = $1 WHERE token_id = $2 AND key = $3 AND state = 'pending'`,
		micro(at), tokenID, key)
	return err
}

func (t *Tx) DeleteIdempotencyKeys(doneBefore, pendingBefore time.Time) (int64, error) {
	res, err := t.tx.Exec(`DELETE FROM idempotency_keys WHERE (state = 'done' AND created_at < $1) OR (state = 'pending' AND created_at < $2)`,
		micro(doneBefore), micro(pendingBefore))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
