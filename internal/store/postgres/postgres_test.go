package postgres_test

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
	"github.com/reconi/reconi/internal/store/postgres"
	"github.com/reconi/reconi/internal/store/sqldb"
	"github.com/reconi/reconi/internal/store/sqlite"
	"github.com/reconi/reconi/internal/store/storetest"
)

// The store contract itself runs in package storetest, on both databases.
// These are what only PostgreSQL has: migrations under an advisory lock,
// schemas, the URL.

func open(t *testing.T, url string) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func migrationFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations in %s: %v", dir, err)
	}
	for i, f := range files {
		files[i] = filepath.Base(f)
	}
	return files
}

func versions(t *testing.T, db *sql.DB) []int64 {
	t.Helper()
	rows, err := db.Query(`SELECT version_id FROM goose_db_version WHERE is_applied AND version_id > 0 ORDER BY id`)
	if err != nil {
		t.Fatalf("reading the goose version table: %v", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

func schemaOf(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("search_path")
}

func TestIsURL(t *testing.T) {
	for dsn, want := range map[string]bool{
		"postgres://db.internal/reconi":                   true,
		"postgresql://reconi@db.internal:5432/reconi?x=1": true,
		"/var/lib/reconi/reconi.db":                       false,
		"reconi.db":                                       false,
		"file:postgres://x":                               false,
	} {
		if got := postgres.IsURL(dsn); got != want {
			t.Errorf("IsURL(%q) = %v, want %v", dsn, got, want)
		}
	}
}

// The same numbered migrations exist for both databases, side by side.
func TestMigrationsSideBySide(t *testing.T) {
	pg := migrationFiles(t, "migrations")
	lite := migrationFiles(t, filepath.Join("..", "sqlite", "migrations"))
	if !slices.Equal(pg, lite) {
		t.Fatalf("PostgreSQL migrations %v, SQLite migrations %v: want the same files", pg, lite)
	}
}

func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// Port 1 on loopback refuses at once.
	_, err := postgres.Open(ctx, "postgres://reconi@127.0.0.1:1/reconi?sslmode=disable&connect_timeout=5")
	if err == nil || !strings.Contains(err.Error(), "connecting to PostgreSQL") {
		t.Fatalf("Open of a server that is not there: %v, want a connection error", err)
	}
}

func TestMigrationsRecordedInTheSchemaAndIdempotent(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	st := open(t, dsn)
	n := len(migrationFiles(t, "migrations"))
	got := versions(t, st.DB())
	if len(got) != n {
		t.Fatalf("applied versions %v, want %d migrations", got, n)
	}
	for i, v := range got {
		if v != int64(i+1) {
			t.Errorf("migration %d recorded as version %d", i+1, v)
		}
	}
	// Everything went into the test's schema, nothing into public.
	var where string
	if err := st.DB().QueryRow(`SELECT schemaname FROM pg_tables WHERE tablename = 'goose_db_version' AND schemaname = current_schema()`).Scan(&where); err != nil || where != schemaOf(t, dsn) {
		t.Fatalf("goose_db_version in schema %q (%v), want %q", where, err, schemaOf(t, dsn))
	}
	ctx := context.Background()
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.SetMeta("kept", "yes") }); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		again := open(t, dsn)
		if v := versions(t, again.DB()); !slices.Equal(v, got) {
			t.Errorf("reopening changed the applied versions: %v, were %v", v, got)
		}
		var kept string
		if err := again.View(ctx, func(tx store.Tx) (err error) { kept, err = tx.Meta("kept"); return err }); err != nil || kept != "yes" {
			t.Errorf("after reopening, meta kept = %q, %v", kept, err)
		}
	}
}

// Replicas starting together on a new database: every one opens it, and
// each migration is applied once.
func TestConcurrentOpenMigratesOnce(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	const n = 6
	errs := make(chan error, n)
	stores := make(chan *postgres.Store, n)
	start := make(chan struct{})
	began := time.Now()
	for range n {
		go func() {
			<-start
			st, err := postgres.Open(context.Background(), dsn)
			if err == nil {
				stores <- st
			}
			errs <- err
		}()
	}
	close(start)
	for range n {
		if err := <-errs; err != nil {
			t.Errorf("Open: %v", err)
		}
	}
	close(stores)
	t.Logf("%d concurrent opens of a new schema took %v", n, time.Since(began).Round(time.Millisecond))
	var first *postgres.Store
	for st := range stores {
		t.Cleanup(func() { st.Close() })
		first = st
	}
	if t.Failed() {
		return
	}
	var rows int
	if err := first.DB().QueryRow(`SELECT COUNT(*) FROM goose_db_version WHERE version_id > 0`).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if want := len(migrationFiles(t, "migrations")); rows != want {
		t.Fatalf("goose_db_version has %d migration rows, want %d: a migration ran twice", rows, want)
	}
}

// The migration lock is per schema: a migration running in one schema makes
// another Open of that schema wait, and no other schema.
func TestMigrationLockIsPerSchema(t *testing.T) {
	busy, free := storetest.PostgresURL(t), storetest.PostgresURL(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	// Hold busy's migration lock, as a replica migrating it would.
	holder, err := sql.Open("pgx", busy)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	conn, err := holder.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	const keys = `$1::int4, hashtext(current_schema())`
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+keys+`)`, 0x7265636f); err != nil {
		t.Fatal(err)
	}

	// Another schema is not held up.
	open(t, free)

	type result struct {
		st  *postgres.Store
		err error
	}
	done := make(chan result, 1)
	go func() {
		st, err := postgres.Open(ctx, busy)
		done <- result{st, err}
	}()
	// Wait until the Open is seen waiting for the lock.
	waiting := func() bool {
		var n int
		err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND classid = $1::int4::oid AND objid = hashtext(current_schema())::oid`, 0x7265636f).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n > 0
	}
	for deadline := time.Now().Add(30 * time.Second); !waiting(); time.Sleep(20 * time.Millisecond) {
		select {
		case r := <-done:
			t.Fatalf("Open finished while another process held the schema's migration lock: %v", r.err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("Open never waited for the migration lock")
		}
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock(`+keys+`)`, 0x7265636f); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil {
		t.Fatalf("Open after the lock was released: %v", r.err)
	}
	r.st.Close()
}

// The tables and columns of both databases are the same, so the SQL they
// share (package sqldb) means the same on each.
func TestSchemaMatchesSQLite(t *testing.T) {
	pg := open(t, storetest.PostgresURL(t))
	lite, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "reconi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()

	pgCols := columns(t, pg.DB(), `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name <> 'goose_db_version'`)
	liteCols := columns(t, lite.DB(), `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'goose_db_version'`)
	if !slices.Equal(pgCols, liteCols) {
		t.Fatalf("columns differ:\nPostgreSQL: %v\nSQLite:     %v", pgCols, liteCols)
	}
	// Indexes made by CREATE INDEX: those behind PRIMARY KEY and UNIQUE
	// constraints are named differently by each database.
	pgIdx := columns(t, pg.DB(), `SELECT tablename, indexname FROM pg_indexes i
		WHERE schemaname = current_schema() AND tablename <> 'goose_db_version' AND NOT EXISTS (
			SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = current_schema()::regnamespace)`)
	liteIdx := columns(t, lite.DB(), `SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`)
	if !slices.Equal(pgIdx, liteIdx) {
		t.Fatalf("indexes differ:\nPostgreSQL: %v\nSQLite:     %v", pgIdx, liteIdx)
	}
}

func columns(t *testing.T, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var table, col string
		if err := rows.Scan(&table, &col); err != nil {
			t.Fatal(err)
		}
		out = append(out, table+"."+col)
	}
	slices.Sort(out)
	return out
}

// A transaction holding an application (LockApplication, as a user's step
// does) must not block rows that merely refer to it, such as the event an
// expiry sweep inserts: the sweep would wait while holding user rows the
// step needs next, and the two would deadlock.
func TestLockApplicationLetsReferencesThrough(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	holder, other := open(t, dsn), open(t, dsn)
	ctx := context.Background()
	var appID int64
	if err := holder.Update(ctx, func(tx store.Tx) error {
		if err := tx.InsertOrganization(&reconi.Organization{KVK: "69599084", Name: "A", CreatedAt: time.Now()}); err != nil {
			return err
		}
		a := &reconi.Application{State: reconi.AppSubmitted, Organization: reconi.OrgRef{KVK: "69599084"}, Level: reconi.EH3,
			CreatedBy: "t", CreatedAt: time.Now()}
		err := tx.InsertApplication(a)
		appID = a.ID
		return err
	}); err != nil {
		t.Fatal(err)
	}

	locked, release, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- holder.Update(ctx, func(tx store.Tx) error {
			if err := tx.LockApplication(appID); err != nil {
				return err
			}
			close(locked)
			<-release
			return nil
		})
	}()
	<-locked
	inserted := make(chan error, 1)
	go func() {
		inserted <- other.Update(ctx, func(tx store.Tx) error {
			return tx.InsertEvent(&reconi.Event{ApplicationID: appID, From: "invited", To: "expired", Actor: "reconi", Reason: "sweep", At: time.Now()})
		})
	}()
	select {
	case err := <-inserted:
		close(release)
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		// Let the holder go, so the insert and the test can end.
		close(release)
		t.Fatalf("inserting an event of a locked application waited for the lock (%v)", <-inserted)
	}
	// Changing the application itself still waits its turn.
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// An up-to-date schema opens without goose (sqldb.Migrated); one whose
// record lacks a migration, or whose ServiceUUIDs were never filled in, is
// not up to date, and opening it puts that right.
func TestMigratedSkipsGooseOnlyWhenUpToDate(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	st := open(t, dsn)
	ctx := context.Background()
	fsys := os.DirFS("migrations")
	migrated := func() bool {
		t.Helper()
		ok, err := sqldb.Migrated(ctx, st.DB(), fsys)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !migrated() {
		t.Fatal("a freshly migrated schema is not up to date")
	}
	if _, err := st.DB().Exec(`DELETE FROM meta WHERE key = 'service_uuids_filled'`); err != nil {
		t.Fatal(err)
	}
	if migrated() {
		t.Fatal("up to date without service_uuids_filled")
	}
	open(t, dsn)
	if !migrated() {
		t.Fatal("opening did not fill the ServiceUUIDs in again")
	}
	n := len(migrationFiles(t, "migrations"))
	if _, err := st.DB().Exec(`DELETE FROM goose_db_version WHERE version_id = $1`, n); err != nil {
		t.Fatal(err)
	}
	if migrated() {
		t.Fatalf("up to date without migration %d", n)
	}
}
