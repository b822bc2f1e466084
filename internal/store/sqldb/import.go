package sqldb

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/reconi/reconi/internal/store"
)

// maxUsersPerInsert bounds Dialect.UsersPerInsert: 10 parameters a row stay
// far below PostgreSQL's limit of 65,535.
const maxUsersPerInsert = 500

// insertUser is InsertUsers' statement for one row.
const insertUser = `INSERT INTO users (application_id, email, email_key, first_name, last_name, phone,
	date_of_birth, employed, state, import_line, updated_at) VALUES `

func (t *Tx) InsertUsers(appID int64, rows []store.UserRow) ([]bool, error) {
	added := make([]bool, len(rows))
	// A repeated email inside rows is settled here, first one wins, so
	// that no statement holds one email twice.
	first := make(map[string]int, len(rows))
	var todo []int
	for i, r := range rows {
		key := strings.ToLower(r.User.Email)
		if _, dup := first[key]; dup {
			continue
		}
		first[key] = i
		todo = append(todo, i)
	}
	per := min(t.dialect.UsersPerInsert, maxUsersPerInsert)
	if per <= 1 {
		return added, t.insertUsersRaw(appID, rows, todo, added)
	}
	for len(todo) > 0 {
		n := min(len(todo), per)
		if err := t.insertUsers(appID, rows, todo[:n], first, added); err != nil {
			return nil, err
		}
		todo = todo[n:]
	}
	return added, nil
}

// userArgs are the parameters of one row of insertUser. The integers are
// int64, which database/sql hands to the driver as they are: an int goes
// through its reflection-based converter, once per row and column.
func userArgs(args []any, r store.UserRow) []any {
	u := r.User
	return append(args, u.Email, strings.ToLower(u.Email), u.FirstName, u.LastName, u.Phone,
		string(u.DateOfBirth), int64(b2i(u.Employed)), string(u.State), int64(r.Line), micro(u.UpdatedAt))
}

// oneUser is insertUsersRaw's statement, which only SQLite runs, for
// application appID. Its parameters are anonymous (?): the driver looks up
// each parameter's name on every call, and an anonymous one has none to copy.
func oneUser(appID int64) string {
	return insertUser + `(` + strconv.FormatInt(appID, 10) + `, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (application_id, email_key) DO NOTHING`
}

// insertUsersRaw inserts rows[i] for i in idx one at a time, as SQLite
// likes it, on the driver connection (WithRaw): one statement prepared by
// the driver, its arguments set in place for each row. ON CONFLICT DO
// NOTHING leaves a duplicate out; the row count says which went in.
func (t *Tx) insertUsersRaw(appID int64, rows []store.UserRow, idx []int, added []bool) error {
	if t.raw == nil {
		return errors.New("sqldb: inserting users a row at a time needs the driver connection (Tx.WithRaw)")
	}
	return t.raw(func(dc any) error {
		conn, ok := dc.(driver.ConnPrepareContext)
		if !ok {
			return fmt.Errorf("sqldb: driver connection %T cannot prepare with a context", dc)
		}
		// A batch takes milliseconds; the import checks its context
		// between batches, and a context here would cost the driver a
		// goroutine per row.
		ctx := context.Background()
		st, err := conn.PrepareContext(ctx, oneUser(appID))
		if err != nil {
			return err
		}
		defer st.Close()
		exec, ok := st.(driver.StmtExecContext)
		if !ok {
			return fmt.Errorf("sqldb: driver statement %T cannot execute with a context", st)
		}
		args := make([]any, 0, 10)
		named := make([]driver.NamedValue, 10)
		for k := range named {
			named[k].Ordinal = k + 1
		}
		for _, i := range idx {
			for k, v := range userArgs(args[:0], rows[i]) {
				named[k].Value = v
			}
			res, err := exec.ExecContext(ctx, named)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			added[i] = n > 0
		}
		return nil
	})
}

// insertUsers inserts rows[i] for i in idx in one statement and marks those
// the database took in added. ON CONFLICT DO NOTHING leaves a duplicate out
// without failing the statement, which on PostgreSQL would abort the
// transaction; RETURNING says which rows went in.
func (t *Tx) insertUsers(appID int64, rows []store.UserRow, idx []int, first map[string]int, added []bool) error {
	const cols = 10
	q := []byte(insertUser)
	args := make([]any, 0, len(idx)*cols)
	for n, i := range idx {
		if n > 0 {
			q = append(q, ", "...)
		}
		q = strconv.AppendInt(append(q, '('), appID, 10)
		for c := range cols {
			q = strconv.AppendInt(append(q, ", $"...), int64(n*cols+c+1), 10)
		}
		q = append(q, ')')
		args = userArgs(args, rows[i])
	}
	q = append(q, " ON CONFLICT (application_id, email_key) DO NOTHING RETURNING email_key"...)
	res, err := t.tx.Query(string(q), args...)
	if err != nil {
		return err
	}
	defer res.Close()
	for res.Next() {
		var key string
		if err := res.Scan(&key); err != nil {
			return err
		}
		added[first[key]] = true
	}
	return res.Err()
}

func (t *Tx) MaxUserID() (int64, error) {
	var id int64
	err := t.tx.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM users`).Scan(&id)
	return id, err
}
