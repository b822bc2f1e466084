package sqldb

import (
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

func (t *Tx) UsersInState(state reconi.UserState) ([]reconi.User, error) {
	return t.users(`SELECT `+userColumns+` FROM users u WHERE u.state = $1 ORDER BY u.updated_at, u.id`, state)
}

func (t *Tx) users(q string, args ...any) ([]reconi.User, error) {
	return queryAll(t, func(sc scanner) (reconi.User, error) { return scanUser(sc) }, q, args...)
}

const userColumns = `u.id, u.application_id, u.email, u.first_name, u.last_name, u.phone, u.date_of_birth, u.employed, u.state, u.updated_at, u.deadline_at`

func scanUser(sc scanner, extra ...any) (reconi.User, error) {
	var u reconi.User
	var employed int
	var updated, deadline int64
	dst := append([]any{&u.ID, &u.ApplicationID, &u.Email, &u.FirstName, &u.LastName, &u.Phone, &u.DateOfBirth, &employed, &u.State, &updated, &deadline}, extra...)
	if err := sc.Scan(dst...); err != nil {
		return u, err
	}
	u.Employed = employed != 0
	u.UpdatedAt = fromMicro(updated)
	if deadline != 0 {
		d := fromMicro(deadline)
		u.DeadlineAt = &d
	}
	return u, nil
}

func (t *Tx) UserByEmail(appID int64, email string) (*store.StoredUser, error) {
	var su store.StoredUser
	u, err := scanUser(t.tx.QueryRow(`SELECT `+userColumns+`, u.import_line FROM users u
		WHERE u.application_id = $1 AND u.email_key = $2`, appID, strings.ToLower(email)), &su.ImportLine)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	su.User = u
	return &su, nil
}

func (t *Tx) Users(f store.UserFilter) ([]reconi.User, error) {
	q := `SELECT ` + userColumns + ` FROM users u`
	var arg any
	switch {
	case f.ApplicationID != 0:
		q += ` WHERE u.application_id = $1`
		arg = f.ApplicationID
	case f.KVK != "":
		// The requests of renewals and permission changes are copies of
		// users the organisation has already: its users are those of its
		// applications for new means.
		q += ` JOIN applications a ON a.id = u.application_id WHERE a.kvk = $1 AND a.kind = 'new'`
		arg = f.KVK
	default:
		return nil, errors.New("users: no application or organisation given")
	}
	q += ` AND u.id > $2 ORDER BY u.id`
	if f.Limit > 0 {
		return t.users(q+` LIMIT $3`, arg, f.AfterID, f.Limit)
	}
	return t.users(q, arg, f.AfterID)
}

func (t *Tx) CountUsers(appID int64) (n int, err error) {
	err = t.tx.QueryRow(`SELECT COUNT(*) FROM users WHERE application_id = $1`, appID).Scan(&n)
	return n, err
}

func (t *Tx) UserCounts(appID int64) (total, notEmployed int64, err error) {
	err = t.tx.QueryRow(`SELECT COUNT(*), COALESCE(SUM(1 - employed), 0) FROM users WHERE application_id = $1`, appID).
		Scan(&total, &notEmployed)
	return total, notEmployed, err
}

func (t *Tx) DeleteUser(id int64) error {
	_, err := t.tx.Exec(`DELETE FROM users WHERE id = $1`, id)
	return err
}

func (t *Tx) AdvanceUsers(appID int64, from, to reconi.UserState, deadline time.Time, ev store.EventInfo) (int64, error) {
	if _, err := t.tx.Exec(`INSERT INTO events (application_id, user_id, email, from_state, to_state, actor, reason, at)
		SELECT application_id, id, email, state, $1, $2, $3, $4 FROM users WHERE application_id = $5 AND state = $6 ORDER BY id`,
		to, ev.Actor, ev.Reason, micro(ev.At), appID, from); err != nil {
		return 0, err
	}
	res, err := t.tx.Exec(`UPDATE users SET state = $1, updated_at = $2, deadline_at = $3 WHERE application_id = $4 AND state = $5`,
		to, micro(ev.At), deadlineMicro(deadline), appID, from)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (t *Tx) PersonRequests(email string, kvk reconi.KVK, orgs []reconi.KVK) ([]reconi.PersonRequest, error) {
	args := []any{strings.ToLower(email)}
	q := `SELECT ` + userColumns + `, a.kvk, o.name, a.level, a.state FROM users u
		JOIN applications a ON a.id = u.application_id JOIN organizations o ON o.kvk = a.kvk WHERE u.email_key = $1`
	if kvk != "" {
		args = append(args, kvk)
		q += fmt.Sprintf(" AND a.kvk = $%d", len(args))
	}
	if orgs != nil {
		in := []string{"NULL"}
		for i, k := range orgs {
			args = append(args, k)
			if i == 0 {
				in = in[:0]
			}
			in = append(in, fmt.Sprintf("$%d", len(args)))
		}
		q += " AND a.kvk IN (" + strings.Join(in, ", ") + ")"
	}
	rows, err := t.tx.Query(q+" ORDER BY u.id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []reconi.PersonRequest{}
	for rows.Next() {
		var r reconi.PersonRequest
		u, err := scanUser(rows, &r.Organization.KVK, &r.Organization.Name, &r.Level, &r.ApplicationState)
		if err != nil {
			return nil, err
		}
		r.User, r.ApplicationID = u, u.ApplicationID
		out = append(out, r)
	}
	return out, rows.Err()
}

func (t *Tx) SetUserContact(id int64, email, phone string, at time.Time) error {
	_, err := t.tx.Exec(`UPDATE users SET email = $1, email_key = $2, phone = $3, updated_at = $4 WHERE id = $5`,
		email, strings.ToLower(email), phone, micro(at), id)
	return t.conflict(err)
}
