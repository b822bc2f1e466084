package sqldb

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

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

func (t *Tx) NextDeadline() (time.Time, error) {
	args := make([]any, len(openStates))
	in := make([]string, len(openStates))
	for i, s := range openStates {
		args[i] = s
		in[i] = fmt.Sprintf("$%d", i+1)
	}
	// users_deadline (deadline_at WHERE deadline_at > 0) is read in order
	// until an open user is met.
	var us int64
	err := t.tx.QueryRow(`SELECT u.deadline_at FROM users u WHERE u.deadline_at > 0
		AND u.state IN (`+strings.Join(in, ", ")+`) ORDER BY u.deadline_at LIMIT 1`, args...).Scan(&us)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	return fromMicro(us), nil
}
