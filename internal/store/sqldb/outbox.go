package sqldb

import (
	"cmp"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

func (t *Tx) InsertMessage(m *store.Message) error {
	return t.tx.QueryRow(`INSERT INTO outbox (channel, recipient, subject, body, redacted, state, next_attempt_at,
		application_id, user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		m.Channel, m.To, m.Subject, m.Body, m.Redacted, m.State, micro(m.NextAttemptAt),
		nullID(m.ApplicationID), nullID(m.UserID), micro(m.CreatedAt)).Scan(&m.ID)
}

const messageColumns = `id, channel, recipient, subject, body, redacted, state, attempts, last_error,
	COALESCE(application_id, 0), COALESCE(user_id, 0), created_at, sent_at, next_attempt_at, locked_until`

func scanMessage(sc scanner) (store.Message, error) {
	var m store.Message
	var created, next, locked int64
	var sent sql.NullInt64
	err := sc.Scan(&m.ID, &m.Channel, &m.To, &m.Subject, &m.Body, &m.Redacted, &m.State, &m.Attempts, &m.LastError,
		&m.ApplicationID, &m.UserID, &created, &sent, &next, &locked)
	if err != nil {
		return m, err
	}
	m.CreatedAt, m.NextAttemptAt, m.LockedUntil = fromMicro(created), fromMicro(next), fromMicro(locked)
	if sent.Valid {
		at := fromMicro(sent.Int64)
		m.SentAt = &at
	}
	return m, nil
}

func (t *Tx) messages(q string, args ...any) ([]store.Message, error) {
	return queryAll(t, scanMessage, q, args...)
}

func (t *Tx) Messages(f store.OutboxFilter) ([]store.Message, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.To != "" {
		add("lower(recipient) = lower($%d)", f.To)
	}
	if f.Channel != "" {
		add("channel = $%d", f.Channel)
	}
	if f.State != "" {
		add("state = $%d", f.State)
	}
	if f.ApplicationID != 0 {
		add("application_id = $%d", f.ApplicationID)
	}
	if f.UserID != 0 {
		add("user_id = $%d", f.UserID)
	}
	if f.AfterID != 0 {
		add("id > $%d", f.AfterID)
	}
	q := `SELECT ` + messageColumns + ` FROM outbox`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id"
	if f.Limit > 0 {
		args = append(args, f.Limit)
		q += fmt.Sprintf(" LIMIT $%d", len(args))
	}
	return t.messages(q, args...)
}

func (t *Tx) MessageByID(id int64) (*store.Message, error) {
	m, err := scanMessage(t.tx.QueryRow(`SELECT `+messageColumns+` FROM outbox WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &m, nil
}

func (t *Tx) ClaimMessages(now, lease time.Time, limit int) ([]store.Message, error) {
	// The lease is taken in the same statement that picks the rows: two
	// dispatchers never hold one message at once. On PostgreSQL the store
	// adds FOR UPDATE SKIP LOCKED to the inner select.
	ms, err := t.messages(`UPDATE outbox SET locked_until = $1 WHERE id IN (
			SELECT id FROM outbox WHERE state = 'pending' AND next_attempt_at <= $2 AND locked_until <= $2
			ORDER BY id LIMIT $3`+t.dialect.SkipLocked+`)
		RETURNING `+messageColumns, micro(lease), micro(now), limit)
	if err != nil {
		return nil, err
	}
	return ms, nil
}

func (t *Tx) KeepPending(ch reconi.Channel, now time.Time) (int64, error) {
	res, err := t.tx.Exec(`UPDATE outbox SET state = $1 WHERE state = 'pending' AND channel = $2
		AND next_attempt_at <= $3 AND locked_until <= $3`, reconi.MessageKept, ch, micro(now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (t *Tx) VoidMessages(userID int64, to, reason string, now time.Time) (int64, error) {
	res, err := t.tx.Exec(`UPDATE outbox SET state = $1, last_error = $2, body = redacted
		WHERE user_id = $3 AND recipient = $4 AND state IN ('pending', 'kept') AND locked_until <= $5`,
		reconi.MessageFailed, reason, userID, to, micro(now))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (t *Tx) RequeueMessage(id int64, from reconi.MessageState, now time.Time) (bool, error) {
	res, err := t.tx.Exec(`UPDATE outbox SET state = 'pending', attempts = 0, last_error = '', next_attempt_at = $1,
		locked_until = 0 WHERE id = $2 AND state = $3`, micro(now), id, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

func (t *Tx) FinishMessage(m store.Message) error {
	var sent sql.NullInt64
	if m.SentAt != nil {
		sent = sql.NullInt64{Int64: micro(*m.SentAt), Valid: true}
	}
	body := m.Body
	if m.State == reconi.MessageSent {
		// Delivered: the secrets it carried need not be kept.
		body = m.Redacted
	}
	res, err := t.tx.Exec(`UPDATE outbox SET state = $1, attempts = $2, last_error = $3, next_attempt_at = $4,
		locked_until = 0, sent_at = $5, body = $6 WHERE id = $7 AND locked_until = $8`,
		m.State, m.Attempts, m.LastError, micro(m.NextAttemptAt), sent, body, m.ID, micro(m.LockedUntil))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return cmp.Or(err, store.ErrConflict)
	}
	return nil
}
