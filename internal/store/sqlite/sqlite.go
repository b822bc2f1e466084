// Package sqlite is the embedded store: one SQLite file, pure Go
// (modernc.org/sqlite), safe to share between processes.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/gofrs/flock"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/reconi/reconi/internal/store"
	"github.com/reconi/reconi/internal/store/sqldb"
)

//go:embed migrations/*.sql
var migrations embed.FS

// BusyTimeout is how long a connection waits for another process's lock
// before giving up.
const BusyTimeout = 30 * time.Second

// Store is a SQLite database file.
type Store struct {
	// Writes go through one connection whose transactions begin IMMEDIATE:
	// the write lock is taken up front, so a transaction never has to upgrade
	// a read lock and fail with "database is locked" when another process
	// writes. Reads use a pool of their own and see WAL snapshots.
	write *sql.DB
	read  *sql.DB
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the database at path and applies pending
// migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("database directory: %w", err)
		}
	}
	if err := migrate(ctx, path); err != nil {
		return nil, err
	}
	write, err := sql.Open("sqlite", dsn(path, "immediate"))
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	read, err := sql.Open("sqlite", dsn(path, ""))
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(4)
	return &Store{write: write, read: read}, nil
}

func dsn(path, txlock string) string {
	q := url.Values{}
	// busy_timeout first: the pragmas after it may need a lock themselves.
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "foreign_keys(1)")
	// Deleted and overwritten content is zeroed, so a secret removed from
	// a delivered message does not linger in free pages.
	q.Add("_pragma", "secure_delete(1)")
	if txlock != "" {
		q.Set("_txlock", txlock)
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// migrate applies the embedded migrations. Processes opening the database
// at once take turns through a lock file beside it, which the operating
// system releases if a process dies. The lock is taken before the first
// connection opens: that connection's journal_mode(WAL) converts a new file,
// which needs the file to itself, and SQLite answers "database is locked" at
// once, without waiting, when two processes try that together.
func migrate(ctx context.Context, path string) error {
	lock := flock.New(path + ".lock")
	lockCtx, cancel := context.WithTimeout(ctx, BusyTimeout)
	ok, err := lock.TryLockContext(lockCtx, 20*time.Millisecond)
	cancel()
	if err == nil && !ok {
		err = errors.New("another process holds it")
	}
	if err != nil {
		return fmt.Errorf("migrating %s: taking the lock %s: %w", path, lock.Path(), err)
	}
	defer lock.Unlock()

	db, err := sql.Open("sqlite", dsn(path, "immediate"))
	if err != nil {
		return err
	}
	defer db.Close()
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrating %s: %w", path, err)
	}
	return nil
}

func isUnique(err error) bool {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// Update implements store.Store.
func (s *Store) Update(ctx context.Context, fn func(store.Tx) error) error {
	return run(ctx, s.write, nil, fn)
}

// View implements store.Store.
func (s *Store) View(ctx context.Context, fn func(store.Tx) error) error {
	return run(ctx, s.read, &sql.TxOptions{ReadOnly: true}, fn)
}

func run(ctx context.Context, db *sql.DB, opts *sql.TxOptions, fn func(store.Tx) error) error {
	tx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	if err := fn(sqldb.NewTx(tx, sqldb.Dialect{IsUnique: isUnique})); err != nil {
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

// Checkpoint copies the write-ahead log into the database file and empties
// it, so that old page images (a delivered message's secrets among them)
// leave the disk. It is best effort: with readers active it does what it can.
func (s *Store) Checkpoint(ctx context.Context) error {
	_, err := s.write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

// Close closes both pools.
func (s *Store) Close() error {
	return errors.Join(s.write.Close(), s.read.Close())
}

// DB returns the write pool, for tests that inspect the file.
func (s *Store) DB() *sql.DB { return s.write }
