package sqldb

import (
	"database/sql"
	"errors"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

func (t *Tx) PutInvitation(inv store.Invitation) error {
	_, err := t.tx.Exec(`INSERT INTO invitations (user_id, token_hash, token_sealed, expires_at, created_at, sent_at, window_start, window_sends)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash, token_sealed = excluded.token_sealed,
			expires_at = excluded.expires_at, created_at = excluded.created_at, sent_at = excluded.sent_at,
			window_start = excluded.window_start, window_sends = excluded.window_sends`,
		inv.UserID, inv.TokenHash, inv.TokenSealed, micro(inv.ExpiresAt), micro(inv.CreatedAt), micro(inv.SentAt),
		micro(inv.WindowStart), inv.WindowSends)
	return t.conflict(err)
}

func (t *Tx) Invitation(userID int64) (*store.Invitation, error) {
	inv := store.Invitation{UserID: userID}
	var exp, created, sent, win int64
	err := t.tx.QueryRow(`SELECT token_hash, token_sealed, expires_at, created_at, sent_at, window_start, window_sends
		FROM invitations WHERE user_id = $1`, userID).
		Scan(&inv.TokenHash, &inv.TokenSealed, &exp, &created, &sent, &win, &inv.WindowSends)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	inv.ExpiresAt, inv.CreatedAt, inv.WindowStart = fromMicro(exp), fromMicro(created), fromMicro(win)
	// Invitations older than the resend columns were sent when made.
	inv.SentAt = inv.CreatedAt
	if sent != 0 {
		inv.SentAt = fromMicro(sent)
	}
	return &inv, nil
}

func (t *Tx) DeleteInvitation(userID int64) error {
	_, err := t.tx.Exec(`DELETE FROM invitations WHERE user_id = $1`, userID)
	return err
}

func (t *Tx) InvitationUser(tokenHash string) (*reconi.User, time.Time, error) {
	var expires int64
	u, err := scanUser(t.tx.QueryRow(`SELECT `+userColumns+`, i.expires_at FROM invitations i JOIN users u ON u.id = i.user_id
		WHERE i.token_hash = $1`, tokenHash), &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, nil
	}
	if err != nil {
		return nil, time.Time{}, err
	}
	return &u, fromMicro(expires), nil
}
