package sqldb

import (
	"database/sql"
	"errors"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

func (t *Tx) InsertInvitation(userID int64, tokenHash string, expires, created time.Time) error {
	_, err := t.tx.Exec(`INSERT INTO invitations (user_id, token_hash, expires_at, created_at) VALUES ($1, $2, $3, $4)`,
		userID, tokenHash, micro(expires), micro(created))
	return t.conflict(err)
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
