package sqldb

import (
	"database/sql"
	"errors"
	"time"
)

func (t *Tx) InsertIdentification(userID int64, reference, state string, at time.Time) error {
	_, err := t.tx.Exec(`INSERT INTO identifications (user_id, reference, state, requested_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id) DO UPDATE SET reference = excluded.reference, state = excluded.state,
			requested_at = excluded.requested_at, completed_at = NULL`, userID, reference, state, micro(at))
	return t.conflict(err)
}

func (t *Tx) IdentificationByReference(ref string) (int64, string, error) {
	var id int64
	var state string
	err := t.tx.QueryRow(`SELECT user_id, state FROM identifications WHERE reference = $1`, ref).Scan(&id, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return id, state, err
}

func (t *Tx) SetIdentificationState(userID int64, state string, at time.Time) error {
	_, err := t.tx.Exec(`UPDATE identifications SET state = $1, completed_at = $2 WHERE user_id = $3`, state, micro(at), userID)
	return err
}
