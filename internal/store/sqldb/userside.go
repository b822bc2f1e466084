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

func (t *Tx) User(id int64) (*reconi.User, error) {
	u, err := scanUser(t.tx.QueryRow(`SELECT `+userColumns+` FROM users u WHERE u.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &u, nil
}

func (t *Tx) SetUserState(id int64, from, to reconi.UserState, deadline time.Time, ev store.EventInfo) (bool, error) {
	var appID int64
	var email string
	err := t.tx.QueryRow(`UPDATE users SET state = $1, updated_at = $2, deadline_at = $3 WHERE id = $4 AND state = $5
		RETURNING application_id, email`, to, micro(ev.At), deadlineMicro(deadline), id, from).Scan(&appID, &email)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, t.InsertEvent(&reconi.Event{ApplicationID: appID, UserID: id, Email: email, From: string(from), To: string(to),
		Actor: ev.Actor, Reason: ev.Reason, At: ev.At})
}

// openStates are the states a deadline applies to.
var openStates = []reconi.UserState{reconi.UserInvited, reconi.UserDetailsConfirmed, reconi.UserPhoneVerified, reconi.UserIdentificationPending}

func (t *Tx) UsersPastDeadline(now time.Time, limit int) ([]reconi.User, error) {
	args := []any{micro(now), limit}
	in := make([]string, len(openStates))
	for i, s := range openStates {
		args = append(args, s)
		in[i] = fmt.Sprintf("$%d", len(args))
	}
	return t.users(`SELECT `+userColumns+` FROM users u WHERE u.deadline_at > 0 AND u.deadline_at < $1
		AND u.state IN (`+strings.Join(in, ", ")+`) ORDER BY u.deadline_at, u.id LIMIT $2`, args...)
}

func (t *Tx) CountUsersPastDeadline(now time.Time) (int, error) {
	args := []any{micro(now)}
	in := make([]string, len(openStates))
	for i, s := range openStates {
		args = append(args, s)
		in[i] = fmt.Sprintf("$%d", len(args))
	}
	var n int
	err := t.tx.QueryRow(`SELECT COUNT(*) FROM users u WHERE u.deadline_at > 0 AND u.deadline_at < $1
		AND u.state IN (`+strings.Join(in, ", ")+`)`, args...).Scan(&n)
	return n, err
}

func (t *Tx) LockApplication(id int64) error {
	var got int64
	err := t.tx.QueryRow(`SELECT id FROM applications WHERE id = $1`+t.dialect.ForUpdate, id).Scan(&got)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return err
}

func (t *Tx) UsersInState(state reconi.UserState) ([]reconi.User, error) {
	return t.users(`SELECT `+userColumns+` FROM users u WHERE u.state = $1 ORDER BY u.updated_at, u.id`, state)
}

func (t *Tx) users(q string, args ...any) ([]reconi.User, error) {
	rows, err := t.tx.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []reconi.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

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

func (t *Tx) InsertMessage(m *store.Message) error {
	return t.tx.QueryRow(`INSERT INTO outbox (channel, recipient, subject, body, redacted, state, next_attempt_at,
		application_id, user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		m.Channel, m.To, m.Subject, m.Body, m.Redacted, m.State, micro(m.NextAttemptAt),
		nullID(m.ApplicationID), nullID(m.UserID), micro(m.CreatedAt)).Scan(&m.ID)
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

const messageColumns = `id, channel, recipient, subject, body, redacted, state, attempts, last_error,
	COALESCE(application_id, 0), COALESCE(user_id, 0), created_at, sent_at, next_attempt_at, locked_until`

func scanMessage(sc interface{ Scan(...any) error }) (store.Message, error) {
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
	rows, err := t.tx.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []store.Message{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func (t *Tx) Messages(f reconi.OutboxFilter) ([]store.Message, error) {
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
