// Package sqldb implements store.Tx over database/sql with SQL that SQLite and
// PostgreSQL both accept: $N placeholders, times as integer microseconds
// since the epoch, booleans as integers and JSON kept as text.
package sqldb

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

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
	// statements, against 0.9 s one prepared row at a time). One row at a
	// time runs on the driver connection, which the Tx must have (WithRaw).
	UsersPerInsert int
}

// Tx implements store.Tx on a *sql.Tx.
type Tx struct {
	tx      *stmtTx
	dialect Dialect
	// raw runs f on the driver connection of tx (sql.Conn.Raw), or is nil;
	// see WithRaw.
	raw func(f func(driverConn any) error) error
}

// NewTx wraps tx.
func NewTx(tx *sql.Tx, d Dialect) *Tx { return &Tx{tx: &stmtTx{Tx: tx}, dialect: d} }

// NewCachedTx wraps tx, whose statements are prepared once through c, the
// cache of the pool tx came from (see Stmts).
func NewCachedTx(tx *sql.Tx, d Dialect, c *Stmts) *Tx {
	return &Tx{tx: &stmtTx{Tx: tx, cache: c}, dialect: d}
}

// WithRaw lets t reach the driver connection its transaction runs on, through
// raw (the Raw method of the *sql.Conn that began it). InsertUsers then
// inserts row after row through the driver's own prepared statement, without
// database/sql's per-call argument conversion and locking: a quarter of the
// writer's time in a 100,000-row import on SQLite (issue 15).
func (t *Tx) WithRaw(raw func(f func(driverConn any) error) error) *Tx {
	t.raw = raw
	return t
}

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

// deadlineMicro keeps no deadline as 0.
func deadlineMicro(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micro(t)
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

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

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// queryAll runs q and scans every row with scan; an empty result is an
// empty slice, not nil, so lists encode as [].
func queryAll[T any](t *Tx, scan func(scanner) (T, error), q string, args ...any) ([]T, error) {
	rows, err := t.tx.Query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
