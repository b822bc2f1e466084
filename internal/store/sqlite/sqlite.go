// Package sqlite is the embedded store: one SQLite file, pure Go
// (modernc.org/sqlite), safe to share between processes.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/gofrs/flock"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/reconi/reconi/internal/reconi"
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
	// Each pool's prepared statements, reused across transactions.
	writeStmts, readStmts *sqldb.Stmts
}

var _ store.Store = (*Store)(nil)

// Options says how Open treats the file at its path.
type Options struct {
	// MustExist refuses to create a missing database, with a not-found
	// error: a command that only reads must not leave an empty database
	// behind a mistyped path.
	MustExist bool
	// Warn is told what does not stop the database from opening but is
	// worth fixing: a file that others may read. Nil ignores it.
	Warn func(msg string)
}

// Open opens (creating if needed) the database at path and applies pending
// migrations.
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenWith is Open with options. The file is checked before anything is
// written beside it, so a path that names a folder, a file that is not a
// database of ours or one we may not write fails with one sentence and
// leaves no lock file behind. A database it creates (and so its -wal and
// -shm files, which SQLite gives the database's mode) is private to its
// owner: 0600, whatever the umask.
func OpenWith(ctx context.Context, path string, opts Options) (*Store, error) {
	migrated, err := prepare(path, opts)
	if err != nil {
		return nil, err
	}
	if !migrated {
		if err := migrate(ctx, path); err != nil {
			return nil, err
		}
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
	return &Store{write: write, read: read, writeStmts: sqldb.NewStmts(write), readStmts: sqldb.NewStmts(read)}, nil
}

// sqliteHeader starts every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// prepare checks the file at path, or creates it private when it is
// missing and may be created; migrated says the file is a reconi database
// with every migration applied (sqldb.Migrated), which needs no migrating.
func prepare(path string, opts Options) (migrated bool, err error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if opts.MustExist {
			return false, reconi.Errorf(reconi.KindNotFound, "no database at %s", path)
		}
		return false, create(path)
	case err != nil:
		return false, fmt.Errorf("database %s: %w", path, err)
	case fi.IsDir():
		return false, reconi.Errorf(reconi.KindInvalid, "database %s is a directory, not a reconi database file", path)
	case !fi.Mode().IsRegular():
		return false, reconi.Errorf(reconi.KindInvalid, "database %s is not a regular file, so not a reconi database", path)
	}
	fh, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrPermission) {
		if r, rerr := os.Open(path); rerr == nil {
			r.Close()
			return false, reconi.Errorf(reconi.KindInvalid, "database %s is read-only: reconi writes to it even to read (its lock, log and migrations)", path)
		}
		return false, reconi.Errorf(reconi.KindInvalid, "database %s cannot be read or written by this user", path)
	}
	if err != nil {
		return false, fmt.Errorf("database %s: %w", path, err)
	}
	head := make([]byte, len(sqliteHeader))
	n, _ := io.ReadFull(fh, head)
	fh.Close()
	// An empty file is a database not yet written: SQLite begins it.
	if n > 0 && string(head[:n]) != sqliteHeader {
		return false, reconi.Errorf(reconi.KindInvalid, "%s is not a reconi database (not an SQLite file)", path)
	}
	if n > 0 {
		if migrated, err = ours(path); err != nil {
			return false, err
		}
	}
	if opts.Warn != nil && runtime.GOOS != "windows" {
		// The -wal and -shm files take the database's mode when SQLite
		// makes them, so the database speaks for them.
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			opts.Warn(fmt.Sprintf("database %s can be read by other users (mode %04o): make it private with chmod go-rwx %s*", path, perm, path))
		}
	}
	return migrated, nil
}

// create makes an empty database file only its owner may read and write,
// in a folder only its owner may enter if the folder is new.
func create(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return reconi.Errorf(reconi.KindInvalid, "cannot create database %s: the folder %s cannot be created here (permission denied)", path, dir)
		}
		return fmt.Errorf("database folder %s: %w", dir, err)
	}
	fh, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case errors.Is(err, fs.ErrExist):
		// Another process created it first.
		return nil
	case errors.Is(err, fs.ErrPermission):
		return reconi.Errorf(reconi.KindInvalid, "cannot create database %s: the folder %s is read-only", path, dir)
	case err != nil:
		return fmt.Errorf("creating database %s: %w", path, err)
	}
	defer fh.Close()
	// The umask may have taken more than group and other bits away.
	if err := fh.Chmod(0o600); err != nil {
		return fmt.Errorf("creating database %s: %w", path, err)
	}
	return nil
}

// ours reports an error for an SQLite file that holds tables but not
// reconi's migrations table: another program's database, which reconi must
// not migrate. It reads without the lock, the log or the WAL pragma, so
// nothing is written beside a file that is not ours. migrated says the
// file has every migration applied already (sqldb.Migrated).
func ours(path string) (migrated bool, err error) {
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?mode=ro&_pragma="+
		url.QueryEscape(fmt.Sprintf("busy_timeout(%d)", BusyTimeout.Milliseconds())))
	if err != nil {
		return false, err
	}
	defer db.Close()
	var tables, goose int
	err = db.QueryRow(`SELECT count(*), count(*) FILTER (WHERE name = 'goose_db_version') FROM sqlite_master WHERE type = 'table'`).Scan(&tables, &goose)
	if err != nil {
		var e *sqlite.Error
		if errors.As(err, &e) && (e.Code()&0xff == sqlite3.SQLITE_NOTADB || e.Code()&0xff == sqlite3.SQLITE_CORRUPT) {
			return false, reconi.Errorf(reconi.KindInvalid, "%s is not a reconi database (a damaged SQLite file)", path)
		}
		return false, fmt.Errorf("database %s: %w", path, err)
	}
	if tables > 0 && goose == 0 {
		return false, reconi.Errorf(reconi.KindInvalid, "%s is not a reconi database (another program's SQLite database)", path)
	}
	fsys, err := fs.Sub(migrations, "migrations")
	if err != nil || goose == 0 {
		return false, err
	}
	return sqldb.Migrated(context.Background(), db, fsys)
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
	if errors.Is(err, fs.ErrPermission) {
		return reconi.Errorf(reconi.KindInvalid, "database %s is in a read-only folder: reconi keeps its lock and write-ahead log beside it", path)
	}
	if err != nil {
		return fmt.Errorf("migrating %s: taking the lock %s: %w", path, lock.Path(), err)
	}
	defer lock.Unlock()

	if err := setPageSize(path); err != nil {
		return fmt.Errorf("creating %s: %w", path, err)
	}
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
	if err := sqldb.FillServiceUUIDs(ctx, db); err != nil {
		return fmt.Errorf("migrating %s: filling in ServiceUUIDs: %w", path, err)
	}
	return nil
}

// PageSize is the page size of a database file reconi creates, in bytes:
// 16 KiB, where SQLite's default is 4 KiB. An import of 100,000 users is
// 13 % faster with it (a quarter as many pages to write to the log and to
// split; docs/benchmarks.md). A file keeps the page size it was created with: an
// older one keeps 4 KiB, which works as well.
const PageSize = 16384

// setPageSize gives a new, empty file at path (migrate holds its lock) its
// page size and WAL mode, on a connection of its own: the driver runs a
// DSN's pragmas in alphabetical order, so journal_mode(WAL) would write
// the first page, and fix the page size, before page_size ran. A file
// with pages is left alone.
func setPageSize(path string) error {
	fi, err := os.Stat(path)
	if err != nil || fi.Size() > 0 {
		return err
	}
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath())
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.Exec(fmt.Sprintf("PRAGMA page_size = %d; PRAGMA journal_mode = WAL", PageSize))
	return err
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
	return run(ctx, s.write, s.writeStmts, nil, fn)
}

// View implements store.Store.
func (s *Store) View(ctx context.Context, fn func(store.Tx) error) error {
	return run(ctx, s.read, s.readStmts, &sql.TxOptions{ReadOnly: true}, fn)
}

func run(ctx context.Context, db *sql.DB, stmts *sqldb.Stmts, opts *sql.TxOptions, fn func(store.Tx) error) error {
	// The transaction runs on a connection of its own, whose driver
	// connection InsertUsers may use directly (sqldb.Tx.WithRaw).
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	if err := fn(sqldb.NewCachedTx(tx, sqldb.Dialect{IsUnique: isUnique}, stmts).WithRaw(conn.Raw)); err != nil {
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
	return errors.Join(s.writeStmts.Close(), s.readStmts.Close(), s.write.Close(), s.read.Close())
}

// DB returns the write pool, for tests that inspect the file.
func (s *Store) DB() *sql.DB { return s.write }
