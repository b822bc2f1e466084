package sqldb

import (
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
