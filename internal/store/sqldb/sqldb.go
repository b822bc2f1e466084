// Package sqldb implements store.Tx over database/sql with SQL that SQLite and
// PostgreSQL both accept: $N placeholders, times as integer microseconds
// since the epoch, booleans as integers and JSON kept as text.
package sqldb

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// IsUniqueViolation reports whether a driver error is a uniqueness violation;
// each driver package supplies its own.
type IsUniqueViolation func(error) bool

// Dialect is what differs between the databases sharing this SQL.
type Dialect struct {
	IsUnique IsUniqueViolation
	// SkipLocked ends a select that claims rows: " FOR UPDATE SKIP LOCKED"
	// on PostgreSQL; empty on SQLite, where one writer runs at a time.
	SkipLocked string
	// ForUpdate ends a select whose rows the transaction will change:
	// " FOR NO KEY UPDATE" on PostgreSQL; empty on SQLite.
	ForUpdate string
	// UsersPerInsert is how many users one INSERT of InsertUsers carries
	// (at most 500): many on PostgreSQL, where each statement is a round
	// trip; 0 on SQLite, which runs in the process and where a long
	// statement costs far more per row (16.7 s for 100,000 users in 500-row
	// statements, against 0.9 s one prepared row at a time).
	UsersPerInsert int
}

// Tx implements store.Tx on a *sql.Tx.
type Tx struct {
	tx      *sql.Tx
	dialect Dialect
}

// NewTx wraps tx.
func NewTx(tx *sql.Tx, d Dialect) *Tx { return &Tx{tx: tx, dialect: d} }

var _ store.Tx = (*Tx)(nil)

func micro(t time.Time) int64 { return t.UnixMicro() }
func fromMicro(us int64) time.Time {
	return time.UnixMicro(us).UTC()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (t *Tx) conflict(err error) error {
	if err != nil && t.dialect.IsUnique(err) {
		return fmt.Errorf("%w: %v", store.ErrConflict, err)
	}
	return err
}

func (t *Tx) Meta(key string) (string, error) {
	var v string
	err := t.tx.QueryRow(`SELECT value FROM meta WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

func (t *Tx) SetMeta(key, value string) error {
	_, err := t.tx.Exec(`INSERT INTO meta (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

func (t *Tx) ClaimMeta(key, value string) (bool, error) {
	res, err := t.tx.Exec(`INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, value)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (t *Tx) InsertOrganization(o *reconi.Organization) error {
	if _, err := t.tx.Exec(`INSERT INTO organizations (kvk, name, created_at) VALUES ($1, $2, $3)`,
		o.KVK, o.Name, micro(o.CreatedAt)); err != nil {
		return t.conflict(err)
	}
	for _, b := range o.Branches {
		if _, err := t.tx.Exec(`INSERT INTO branches (number, kvk, name) VALUES ($1, $2, $3)`,
			b.Number, o.KVK, b.Name); err != nil {
			return t.conflict(err)
		}
	}
	return nil
}

func (t *Tx) Organization(kvk reconi.KVK) (*reconi.Organization, error) {
	o := &reconi.Organization{KVK: kvk}
	var created int64
	err := t.tx.QueryRow(`SELECT name, created_at FROM organizations WHERE kvk = $1`, kvk).Scan(&o.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	o.CreatedAt = fromMicro(created)
	o.Branches, err = t.branches(`WHERE kvk = $1`, kvk)
	if err != nil {
		return nil, err
	}
	return o, nil
}

func (t *Tx) branches(where string, args ...any) ([]reconi.Branch, error) {
	rows, err := t.tx.Query(`SELECT number, name FROM branches `+where+` ORDER BY number`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []reconi.Branch{}
	for rows.Next() {
		var b reconi.Branch
		if err := rows.Scan(&b.Number, &b.Name); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

func (t *Tx) Organizations() ([]reconi.Organization, error) {
	rows, err := t.tx.Query(`SELECT kvk, name, created_at FROM organizations ORDER BY name, kvk`)
	if err != nil {
		return nil, err
	}
	var out []reconi.Organization
	for rows.Next() {
		var o reconi.Organization
		var created int64
		if err := rows.Scan(&o.KVK, &o.Name, &created); err != nil {
			rows.Close()
			return nil, err
		}
		o.CreatedAt = fromMicro(created)
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Organisations are few and branches fewer; one query per organisation
	// keeps this plain.
	for i := range out {
		if out[i].Branches, err = t.branches(`WHERE kvk = $1`, out[i].KVK); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *Tx) ReplaceCatalogue(c reconi.Catalogue) error {
	for _, q := range []string{`DELETE FROM services`, `DELETE FROM providers`} {
		if _, err := t.tx.Exec(q); err != nil {
			return err
		}
	}
	for _, p := range c.Providers {
		if _, err := t.tx.Exec(`INSERT INTO providers (name, oin, accepts_branch_users) VALUES ($1, $2, $3)`,
			p.Name, p.OIN, b2i(p.AcceptsBranchUsers)); err != nil {
			return t.conflict(err)
		}
	}
	for _, s := range c.Services {
		if _, err := t.tx.Exec(`INSERT INTO services (id, provider, name, level) VALUES ($1, $2, $3, $4)`,
			s.ID, s.Provider, s.Name, s.Level); err != nil {
			return t.conflict(err)
		}
	}
	return nil
}

func (t *Tx) Catalogue() (*reconi.Catalogue, error) {
	c := &reconi.Catalogue{}
	rows, err := t.tx.Query(`SELECT name, oin, accepts_branch_users FROM providers ORDER BY name`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var p reconi.Provider
		var accepts int
		if err := rows.Scan(&p.Name, &p.OIN, &accepts); err != nil {
			rows.Close()
			return nil, err
		}
		p.AcceptsBranchUsers = accepts != 0
		c.Providers = append(c.Providers, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = t.tx.Query(`SELECT id, provider, name, level FROM services ORDER BY provider, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s reconi.Service
		if err := rows.Scan(&s.ID, &s.Provider, &s.Name, &s.Level); err != nil {
			return nil, err
		}
		c.Services = append(c.Services, s)
	}
	return c, rows.Err()
}

func (t *Tx) InsertPriceList(p reconi.PriceList, at time.Time) error {
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = t.tx.Exec(`INSERT INTO price_lists (body, created_at) VALUES ($1, $2)`, string(body), micro(at))
	return err
}

func (t *Tx) PriceList() (*reconi.PriceList, error) {
	var body string
	err := t.tx.QueryRow(`SELECT body FROM price_lists ORDER BY id DESC LIMIT 1`).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var p reconi.PriceList
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		return nil, fmt.Errorf("price list: %w", err)
	}
	return &p, nil
}

// appRow is how an application is kept: the parts that are documents
// (permissions, quote) as JSON.
type appRow struct {
	permissions, quote     sql.NullString
	termsVersion, agreedBy sql.NullString
	agreedAt, submittedAt  sql.NullInt64
}

func nullJSON(v any, isNil bool) (sql.NullString, error) {
	if isNil {
		return sql.NullString{}, nil
	}
	b, err := json.Marshal(v)
	return sql.NullString{String: string(b), Valid: true}, err
}

func (t *Tx) InsertApplication(a *reconi.Application) error {
	return t.tx.QueryRow(`INSERT INTO applications (state, kvk, level, branch, validity_years, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		a.State, a.Organization.KVK, a.Level, a.Branch, a.ValidityYears, a.CreatedBy, micro(a.CreatedAt)).Scan(&a.ID)
}

func (t *Tx) UpdateApplication(a *reconi.Application) error {
	perms, err := nullJSON(a.Permissions, a.Permissions == nil)
	if err != nil {
		return err
	}
	var quote sql.NullString
	var submitted sql.NullInt64
	if a.SubmittedAt != nil {
		// The quote is kept once the application is submitted, so a later
		// price list does not change what was agreed.
		if quote, err = nullJSON(a.Quote, false); err != nil {
			return err
		}
		submitted = sql.NullInt64{Int64: micro(*a.SubmittedAt), Valid: true}
	}
	var tv, by sql.NullString
	var at sql.NullInt64
	if a.Terms != nil {
		tv = sql.NullString{String: a.Terms.Version, Valid: true}
		by = sql.NullString{String: a.Terms.AgreedBy, Valid: true}
		at = sql.NullInt64{Int64: micro(a.Terms.AgreedAt), Valid: true}
	}
	_, err = t.tx.Exec(`UPDATE applications SET state = $1, permissions = $2, validity_years = $3, quote = $4,
		terms_version = $5, agreed_by = $6, agreed_at = $7, submitted_at = $8, submit_key = $9, manager_email = $10 WHERE id = $11`,
		a.State, perms, a.ValidityYears, quote, tv, by, at, submitted, a.IdempotencyKey, a.NotifyEmail, a.ID)
	return err
}

const appColumns = `a.id, a.state, a.kvk, o.name, a.level, a.branch, a.permissions, a.validity_years, a.quote,
	a.terms_version, a.agreed_by, a.agreed_at, a.created_by, a.created_at, a.submitted_at, a.submit_key, a.manager_email`

func (t *Tx) Application(id int64) (*reconi.Application, error) {
	a := &reconi.Application{}
	var r appRow
	var created int64
	err := t.tx.QueryRow(`SELECT `+appColumns+` FROM applications a JOIN organizations o ON o.kvk = a.kvk WHERE a.id = $1`, id).
		Scan(&a.ID, &a.State, &a.Organization.KVK, &a.Organization.Name, &a.Level, &a.Branch, &r.permissions,
			&a.ValidityYears, &r.quote, &r.termsVersion, &r.agreedBy, &r.agreedAt, &a.CreatedBy, &created, &r.submittedAt, &a.IdempotencyKey, &a.NotifyEmail)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	a.CreatedAt = fromMicro(created)
	if r.permissions.Valid {
		a.Permissions = &reconi.Permissions{}
		if err := json.Unmarshal([]byte(r.permissions.String), a.Permissions); err != nil {
			return nil, fmt.Errorf("application %d permissions: %w", id, err)
		}
	}
	if r.quote.Valid {
		if err := json.Unmarshal([]byte(r.quote.String), &a.Quote); err != nil {
			return nil, fmt.Errorf("application %d quote: %w", id, err)
		}
	}
	if r.termsVersion.Valid {
		a.Terms = &reconi.TermsAgreement{Version: r.termsVersion.String, AgreedBy: r.agreedBy.String, AgreedAt: fromMicro(r.agreedAt.Int64)}
	}
	if r.submittedAt.Valid {
		s := fromMicro(r.submittedAt.Int64)
		a.SubmittedAt = &s
	}
	return a, nil
}

func (t *Tx) Applications(f store.ApplicationFilter) ([]reconi.ApplicationSummary, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.KVK != "" {
		where = append(where, "a.kvk = "+arg(f.KVK))
	}
	if f.State != "" {
		where = append(where, "a.state = "+arg(f.State))
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
	q := `SELECT a.id, a.kvk, o.name, a.level, a.branch, a.state, a.created_at, a.submitted_at
		FROM applications a JOIN organizations o ON o.kvk = a.kvk`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY a.id"
	rows, err := t.tx.Query(q, args...)
	if err != nil {
		return nil, err
	}
	var out []reconi.ApplicationSummary
	index := map[int64]int{}
	for rows.Next() {
		var s reconi.ApplicationSummary
		var created int64
		var submitted sql.NullInt64
		if err := rows.Scan(&s.ID, &s.Organization.KVK, &s.Organization.Name, &s.Level, &s.Branch, &s.State, &created, &submitted); err != nil {
			rows.Close()
			return nil, err
		}
		s.CreatedAt = fromMicro(created)
		if submitted.Valid {
			at := fromMicro(submitted.Int64)
			s.SubmittedAt = &at
		}
		s.UsersByState = map[reconi.UserState]int{}
		index[s.ID] = len(out)
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	// Count users per state for the selected applications in one pass.
	cq := `SELECT u.application_id, u.state, COUNT(*) FROM users u JOIN applications a ON a.id = u.application_id`
	if len(where) > 0 {
		cq += " WHERE " + strings.Join(where, " AND ")
	}
	cq += " GROUP BY u.application_id, u.state"
	crows, err := t.tx.Query(cq, args...)
	if err != nil {
		return nil, err
	}
	defer crows.Close()
	for crows.Next() {
		var id int64
		var state reconi.UserState
		var n int
		if err := crows.Scan(&id, &state, &n); err != nil {
			return nil, err
		}
		if i, ok := index[id]; ok {
			out[i].UsersByState[state] = n
			out[i].UsersTotal += n
		}
	}
	return out, crows.Err()
}

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
		return added, t.insertUsersOneByOne(appID, rows, todo, added)
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

// userArgs are the parameters of one row of insertUser.
func userArgs(args []any, r store.UserRow) []any {
	u := r.User
	return append(args, u.Email, strings.ToLower(u.Email), u.FirstName, u.LastName, u.Phone,
		string(u.DateOfBirth), b2i(u.Employed), u.State, r.Line, micro(u.UpdatedAt))
}

// insertUsersOneByOne inserts rows[i] for i in idx through one prepared
// statement, a row at a time.
func (t *Tx) insertUsersOneByOne(appID int64, rows []store.UserRow, idx []int, added []bool) error {
	stmt, err := t.tx.Prepare(insertUser + `(` + strconv.FormatInt(appID, 10) + `, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (application_id, email_key) DO NOTHING`)
	if err != nil {
		return err
	}
	defer stmt.Close()
	args := make([]any, 0, 10)
	for _, i := range idx {
		res, err := stmt.Exec(userArgs(args[:0], rows[i])...)
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

const userColumns = `u.id, u.application_id, u.email, u.first_name, u.last_name, u.phone, u.date_of_birth, u.employed, u.state, u.updated_at, u.deadline_at`

func scanUser(sc interface{ Scan(...any) error }, extra ...any) (reconi.User, error) {
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
		q += ` JOIN applications a ON a.id = u.application_id WHERE a.kvk = $1`
		arg = f.KVK
	default:
		return nil, errors.New("users: no application or organisation given")
	}
	return t.users(q+` ORDER BY u.id`, arg)
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

func (t *Tx) MaxUserID() (int64, error) {
	var id int64
	err := t.tx.QueryRow(`SELECT COALESCE(MAX(id), 0) FROM users`).Scan(&id)
	return id, err
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

func deadlineMicro(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micro(t)
}

func (t *Tx) InsertEvent(e *reconi.Event) error {
	var uid sql.NullInt64
	if e.UserID != 0 {
		uid = sql.NullInt64{Int64: e.UserID, Valid: true}
	}
	return t.tx.QueryRow(`INSERT INTO events (application_id, user_id, email, from_state, to_state, actor, reason, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		e.ApplicationID, uid, e.Email, e.From, e.To, e.Actor, e.Reason, micro(e.At)).Scan(&e.ID)
}

func (t *Tx) Events(appID int64) ([]reconi.Event, error) {
	rows, err := t.tx.Query(`SELECT id, application_id, COALESCE(user_id, 0), email, from_state, to_state, actor, reason, at
		FROM events WHERE application_id = $1 ORDER BY id`, appID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []reconi.Event{}
	for rows.Next() {
		var e reconi.Event
		var at int64
		if err := rows.Scan(&e.ID, &e.ApplicationID, &e.UserID, &e.Email, &e.From, &e.To, &e.Actor, &e.Reason, &at); err != nil {
			return nil, err
		}
		e.At = fromMicro(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
