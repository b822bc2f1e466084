package sqldb

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

func (t *Tx) Applications(f store.ApplicationFilter) ([]reconi.ApplicationSummary, error) {
	where, args := applicationWhere(f)
	// The person's state, when the filter names one; the count below
	// reuses where and args, so its argument goes in a copy.
	person, qargs := "''", args
	if f.Email != "" {
		qargs = append(slices.Clone(args), strings.ToLower(f.Email))
		person = fmt.Sprintf("COALESCE((SELECT u.state FROM users u WHERE u.application_id = a.id AND u.email_key = $%d), '')", len(qargs))
	}
	// The latest event is the last change; events_application finds it.
	q := `SELECT a.id, a.kvk, o.name, a.level, a.branch, a.state, a.created_at, a.submitted_at, a.kind, ` + person + `,
		COALESCE((SELECT e.at FROM events e WHERE e.application_id = a.id ORDER BY e.id DESC LIMIT 1), a.created_at)
		FROM applications a JOIN organizations o ON o.kvk = a.kvk`
	if len(where) > 0 {
		q += " WHERE " + where
	}
	q += " ORDER BY a.id"
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := t.tx.Query(q, qargs...)
	if err != nil {
		return nil, err
	}
	var out []reconi.ApplicationSummary
	for rows.Next() {
		var s reconi.ApplicationSummary
		var created, updated int64
		var submitted sql.NullInt64
		if err := rows.Scan(&s.ID, &s.Organization.KVK, &s.Organization.Name, &s.Level, &s.Branch, &s.State, &created, &submitted, &s.Kind, &s.PersonState, &updated); err != nil {
			rows.Close()
			return nil, err
		}
		s.CreatedAt, s.UpdatedAt = fromMicro(created), fromMicro(updated)
		if submitted.Valid {
			at := fromMicro(submitted.Int64)
			s.SubmittedAt = &at
		}
		s.UsersByState = map[reconi.UserState]int{}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	// Count the users of this page's applications only.
	args = append(args, out[len(out)-1].ID)
	if where != "" {
		where += " AND "
	}
	where += fmt.Sprintf("a.id <= $%d", len(args))
	if err := t.countUsersByState(out, where, args); err != nil {
		return nil, err
	}
	return out, nil
}

// applicationWhere is the condition, on applications a, that selects what f
// asks for, and its arguments; "" selects all.
func applicationWhere(f store.ApplicationFilter) (string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.KVK != "" {
		where = append(where, "a.kvk = "+arg(f.KVK))
	}
	if f.AfterID != 0 {
		where = append(where, "a.id > "+arg(f.AfterID))
	}
	// Completed is not stored: a submitted application whose users all
	// reached an end state reads so.
	switch f.State {
	case "":
	case reconi.AppCompleted:
		where = append(where, completed)
	case reconi.AppSubmitted:
		where = append(where, "a.state = "+arg(f.State), "NOT "+completed)
	default:
		where = append(where, "a.state = "+arg(f.State))
	}
	if f.Open {
		where = append(where, "NOT "+completed)
	}
	if f.NoDrafts {
		where = append(where, "a.state NOT IN ('draft', 'discarded')")
	}
	if f.SubmitKey != "" {
		where = append(where, "a.submit_key = "+arg(f.SubmitKey))
	}
	if f.UserState != "" {
		where = append(where, "EXISTS (SELECT 1 FROM users u WHERE u.application_id = a.id AND u.state = "+arg(f.UserState)+")")
	}
	if f.Email != "" {
		where = append(where, "EXISTS (SELECT 1 FROM users u WHERE u.application_id = a.id AND u.email_key = "+arg(strings.ToLower(f.Email))+")")
	}
	if f.Orgs != nil {
		in := make([]string, len(f.Orgs))
		for i, k := range f.Orgs {
			in[i] = arg(k)
		}
		if len(in) == 0 {
			in = []string{"NULL"}
		}
		where = append(where, "a.kvk IN ("+strings.Join(in, ", ")+")")
	}
	return strings.Join(where, " AND "), args
}

// completed is the condition, on applications a, of a completed application.
const completed = `(a.state = 'submitted' AND NOT EXISTS (SELECT 1 FROM users u WHERE u.application_id = a.id
	AND u.state NOT IN ('issued', 'rejected', 'expired', 'cancelled')))`

func (t *Tx) CompletedAt(appID int64) (*time.Time, error) {
	var total, open int
	var last sql.NullInt64
	err := t.tx.QueryRow(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN state IN ('issued', 'rejected', 'expired', 'cancelled') THEN 0 ELSE 1 END), 0),
		MAX(updated_at) FROM users WHERE application_id = $1`, appID).Scan(&total, &open, &last)
	if err != nil || total == 0 || open > 0 || !last.Valid {
		return nil, err
	}
	at := fromMicro(last.Int64)
	return &at, nil
}

// countUsersByState fills in the user counts of the summaries in out, which
// where and args selected, in one pass over the covering index
// users(application_id, state); grouping by a.id follows the order the
// applications are read in, so no temporary B-tree is built. When a
// completed application was met, its completion time is read on its own.
func (t *Tx) countUsersByState(out []reconi.ApplicationSummary, where string, args []any) error {
	index := make(map[int64]int, len(out))
	open := map[int64]bool{}
	for i, s := range out {
		index[s.ID] = i
	}
	cq := `SELECT a.id, u.state, COUNT(*) FROM applications a JOIN users u ON u.application_id = a.id`
	if len(where) > 0 {
		cq += " WHERE " + where
	}
	cq += " GROUP BY a.id, u.state"
	crows, err := t.tx.Query(cq, args...)
	if err != nil {
		return err
	}
	defer crows.Close()
	for crows.Next() {
		var id int64
		var state reconi.UserState
		var n int
		if err := crows.Scan(&id, &state, &n); err != nil {
			return err
		}
		if i, ok := index[id]; ok {
			out[i].UsersByState[state] = n
			out[i].UsersTotal += n
			if !state.Ended() {
				open[id] = true
			}
		}
	}
	if err := crows.Err(); err != nil {
		return err
	}
	crows.Close()
	for i := range out {
		out[i].CompletedAt = nil
		if out[i].State == reconi.AppSubmitted && out[i].UsersTotal > 0 && !open[out[i].ID] {
			out[i].State = reconi.AppCompleted
			if out[i].CompletedAt, err = t.CompletedAt(out[i].ID); err != nil {
				return err
			}
		}
	}
	return nil
}
