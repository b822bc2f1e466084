package sqldb

import (
	"database/sql"
	"errors"

	"github.com/reconi/reconi/internal/store"
)

func (t *Tx) OTP(userID int64) (*store.OTP, error) {
	o := store.OTP{UserID: userID}
	var exp, sent, win int64
	err := t.tx.QueryRow(`SELECT code_hash, expires_at, attempts, sent_at, window_start, window_sends FROM otp_codes WHERE user_id = $1`, userID).
		Scan(&o.CodeHash, &exp, &o.Attempts, &sent, &win, &o.WindowSends)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	o.ExpiresAt, o.SentAt, o.WindowStart = fromMicro(exp), fromMicro(sent), fromMicro(win)
	return &o, nil
}

func (t *Tx) PutOTP(o store.OTP) error {
	_, err := t.tx.Exec(`INSERT INTO otp_codes (user_id, code_hash, expires_at, attempts, sent_at, window_start, window_sends)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (user_id) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at,
			attempts = excluded.attempts, sent_at = excluded.sent_at, window_start = excluded.window_start,
			window_sends = excluded.window_sends`,
		o.UserID, o.CodeHash, micro(o.ExpiresAt), o.Attempts, micro(o.SentAt), micro(o.WindowStart), o.WindowSends)
	return err
}

func (t *Tx) CountOTPAttempt(userID int64) (int, error) {
	var n int
	err := t.tx.QueryRow(`UPDATE otp_codes SET attempts = attempts + 1 WHERE user_id = $1 RETURNING attempts`, userID).Scan(&n)
	return n, err
}

func (t *Tx) DeleteOTP(userID int64) error {
	_, err := t.tx.Exec(`DELETE FROM otp_codes WHERE user_id = $1`, userID)
	return err
}
