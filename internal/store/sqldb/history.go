package sqldb

import (
	"database/sql"

	"github.com/reconi/reconi/internal/reconi"
)

func (t *Tx) InsertEvent(e *reconi.Event) error {
	var uid sql.NullInt64
	if e.UserID != 0 {
		uid = sql.NullInt64{Int64: e.UserID, Valid: true}
	}
	return t.tx.QueryRow(`INSERT INTO events (application_id, user_id, email, from_state, to_state, actor, reason, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		e.ApplicationID, uid, e.Email, e.From, e.To, e.Actor, e.Reason, micro(e.At)).Scan(&e.ID)
}

func (t *Tx) Events(appID, afterID int64, limit int) ([]reconi.Event, error) {
	q := `application_id = $1 AND id > $2 ORDER BY id`
	args := []any{appID, afterID}
	if limit > 0 {
		q += ` LIMIT $3`
		args = append(args, limit)
	}
	return t.events(q, args...)
}

func (t *Tx) UserEvents(userID int64) ([]reconi.Event, error) {
	return t.events(`user_id = $1 ORDER BY id`, userID)
}

// events lists the events that match where (which ends with the order).
func (t *Tx) events(where string, args ...any) ([]reconi.Event, error) {
	return queryAll(t, scanEvent, `SELECT id, application_id, COALESCE(user_id, 0), email, from_state, to_state, actor, reason, at
		FROM events WHERE `+where, args...)
}

func scanEvent(sc scanner) (reconi.Event, error) {
	var e reconi.Event
	var at int64
	err := sc.Scan(&e.ID, &e.ApplicationID, &e.UserID, &e.Email, &e.From, &e.To, &e.Actor, &e.Reason, &at)
	e.At = fromMicro(at)
	return e, err
}
