// Package postgres is the store for several `reconi serve` replicas: one
// PostgreSQL database, through pgx. It shares its SQL with SQLite (package
// sqldb) and adds what only PostgreSQL needs: row locks, so that replicas
// take turns on one draft, and SKIP LOCKED, so that dispatchers never claim
// the same message.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/reconi/reconi/internal/store"
	"github.com/reconi/reconi/internal/store/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// IsURL reports whether dsn names a PostgreSQL database.
func IsURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

var dialect = sqldb.Dialect{
	IsUnique:   isUnique,
	SkipLocked: " FOR UPDATE SKIP LOCKED",
	// NO KEY UPDATE makes LockApplication callers take turns, as FOR
	// UPDATE would, without blocking the foreign-key checks of rows that
	// refer to the application (an expiry sweep inserting an event while
	// a user's step holds the application: with FOR UPDATE the two could
	// deadlock, each holding what the other needs).
	ForUpdate: " FOR NO KEY UPDATE",
	// One statement per 500 users: an import of 100,000 rows took 6.8 s
	// with a round trip per row, 1.6 s so.
	UsersPerInsert: 500,
}

// Store is a PostgreSQL database.
type Store struct{ db *sql.DB }

var _ store.Store = (*Store)(nil)

// Open connects to the database at url and applies pending migrations;
// replicas starting together take turns through an advisory lock.
func Open(ctx context.Context, url string) (*Store, error) {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(16)
	db.SetMaxIdleConns(16)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return &Store{db: db}, nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	if ok, err := sqldb.Migrated(ctx, db, fsys); ok || err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys, goose.WithSessionLocker(migrationLock{}))
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrating: %w", err)
	}
	if err := sqldb.FillServiceUUIDs(ctx, db); err != nil {
		return fmt.Errorf("migrating: filling in ServiceUUIDs: %w", err)
	}
	return nil
}

// migrationLock serialises migrations of one schema across processes with a
// session advisory lock, held while goose applies them. It waits in
// pg_advisory_lock rather than polling as goose's own locker does (every 5
// seconds), so replicas starting together each start as soon as the one
// migrating is done. The lock is keyed by the schema (current_schema(), what
// search_path selects), so databases kept in separate schemas of one server
// never wait for each other.
type migrationLock struct{}

// migrationLockClass is the first key of reconi's migration lock: the
// advisory locks of other programs on the same server use other keys.
const migrationLockClass int32 = 0x7265636f // "reco"

const lockKeys = `$1::int4, hashtext(COALESCE(current_schema(), ''))`

var _ lock.SessionLocker = migrationLock{}

func (migrationLock) SessionLock(ctx context.Context, conn *sql.Conn) error {
	_, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+lockKeys+`)`, migrationLockClass)
	if err != nil {
		return fmt.Errorf("waiting for the migration lock: %w", err)
	}
	return nil
}

func (migrationLock) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	var held bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_advisory_unlock(`+lockKeys+`)`, migrationLockClass).Scan(&held); err != nil {
		return fmt.Errorf("releasing the migration lock: %w", err)
	}
	if !held {
		return errors.New("releasing the migration lock: it was not held")
	}
	return nil
}

func isUnique(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// Update implements store.Store. READ COMMITTED with explicit row locks
// (LockApplication, SKIP LOCKED) and conditional updates: the rules the
// service checks hold under concurrent replicas.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	return s.run(ctx, nil, fn)
}

// View implements store.Store with a read-only snapshot.
func (s *Store) View(ctx context.Context, fn func(store.Tx) error) error {
	return s.run(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}, fn)
}

func (s *Store) run(ctx context.Context, opts *sql.TxOptions, fn func(store.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	if err := fn(sqldb.NewTx(tx, dialect)); err != nil {
		tx.Rollback()
		// A request whose client went away fails with whatever the next
		// query saw ("transaction has already been committed or rolled
		// back"): say what really happened.
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	return nil
}

// Close closes the connection pool.
func (s *Store) Close() error { return s.db.Close() }

// DB returns the pool, for tests.
func (s *Store) DB() *sql.DB { return s.db }
