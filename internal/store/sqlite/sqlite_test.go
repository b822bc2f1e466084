package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
	"github.com/reconi/reconi/internal/store/sqldb"
	"github.com/reconi/reconi/internal/store/sqlite"
)

func open(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// migrationFiles counts the embedded migrations as they are in the source.
func migrationFiles(t *testing.T) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("migrations", "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no migrations found: %v", err)
	}
	return len(files)
}

// gooseVersions lists the versions recorded as applied, in order.
func gooseVersions(t *testing.T, st *sqlite.Store) []int64 {
	t.Helper()
	rows, err := st.DB().Query(`SELECT version_id FROM goose_db_version WHERE is_applied AND version_id > 0 ORDER BY id`)
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
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func pragma(t *testing.T, st *sqlite.Store, name string) string {
	t.Helper()
	var v string
	if err := st.DB().QueryRow("PRAGMA " + name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

func TestOpenCreatesTheFile(t *testing.T) {
	// The directory does not exist yet either, as on a fresh machine.
	path := filepath.Join(t.TempDir(), "data", "reconi", "reconi.db")
	st := open(t, path)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("the database file was not created: %v", err)
	}
	if fi.Size() == 0 {
		t.Error("the database file is empty")
	}
	if fi, err := os.Stat(filepath.Dir(path)); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("database directory: %v, mode %v; want 0700", err, fi.Mode().Perm())
	}
	if got := pragma(t, st, "journal_mode"); got != "wal" {
		t.Errorf("journal_mode = %q, want wal", got)
	}
	if got := pragma(t, st, "page_size"); got != strconv.Itoa(sqlite.PageSize) {
		t.Errorf("page_size = %s, want %d", got, sqlite.PageSize)
	}
	if got := pragma(t, st, "foreign_keys"); got != "1" {
		t.Errorf("foreign_keys = %q, want 1", got)
	}
	if got := pragma(t, st, "busy_timeout"); got != "30000" {
		t.Errorf("busy_timeout = %q, want 30000", got)
	}
	// WAL is a property of the file: a plain connection sees it too.
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Errorf("no write-ahead log beside the file: %v", err)
	}
}

// TestOpenPathsWithSpecialCharacters opens files whose paths would mean
// something else in a URI: the file must be created exactly where asked.
func TestOpenPathsWithSpecialCharacters(t *testing.T) {
	for _, name := range []string{"my data", "a#b", "c?d", "e%20f", "ü"} {
		dir := filepath.Join(t.TempDir(), name)
		path := filepath.Join(dir, name+".db")
		st := open(t, path)
		if err := st.Update(context.Background(), func(tx store.Tx) error { return tx.SetMeta("k", "v") }); err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		st.Close()
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if want := []string{name + ".db", name + ".db.lock"}; strings.Join(names, "|") != strings.Join(want, "|") {
			t.Errorf("%q: files %q, want %q", name, names, want)
		}
	}
}

func TestForeignKeysAreEnforced(t *testing.T) {
	st := open(t, filepath.Join(t.TempDir(), "reconi.db"))
	_, err := st.DB().Exec(`INSERT INTO branches (number, kvk) VALUES ('000037178598', '99999999')`)
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("a branch of an organisation that does not exist: %v, want a foreign key error", err)
	}
	// Through a transaction of the store, too.
	err = st.Update(context.Background(), func(tx store.Tx) error {
		return tx.InsertApplication(&reconi.Application{State: reconi.AppDraft, Organization: reconi.OrgRef{KVK: "99999999"},
			Level: reconi.EH3, CreatedBy: "test", CreatedAt: time.Now()})
	})
	if err == nil || !strings.Contains(err.Error(), "FOREIGN KEY") {
		t.Fatalf("an application of an organisation that does not exist: %v, want a foreign key error", err)
	}
}

func TestMigrationsRecordedAndIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reconi.db")
	n := migrationFiles(t)
	st := open(t, path)
	versions := gooseVersions(t, st)
	if len(versions) != n {
		t.Fatalf("applied versions %v, want %d migrations", versions, n)
	}
	for i, v := range versions {
		if v != int64(i+1) {
			t.Errorf("migration %d recorded as version %d", i+1, v)
		}
	}
	var rowsBefore int
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM goose_db_version`).Scan(&rowsBefore); err != nil {
		t.Fatal(err)
	}
	// Something to keep across reopening.
	ctx := context.Background()
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.SetMeta("kept", "yes") }); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	for range 2 {
		again := open(t, path)
		var rowsAfter int
		if err := again.DB().QueryRow(`SELECT COUNT(*) FROM goose_db_version`).Scan(&rowsAfter); err != nil {
			t.Fatal(err)
		}
		if rowsAfter != rowsBefore {
			t.Errorf("reopening changed the version table: %d rows, were %d", rowsAfter, rowsBefore)
		}
		var kept string
		if err := again.View(ctx, func(tx store.Tx) (err error) { kept, err = tx.Meta("kept"); return err }); err != nil || kept != "yes" {
			t.Errorf("after reopening, meta kept = %q, %v", kept, err)
		}
		again.Close()
	}
}

func TestUpdateRollsBackOnError(t *testing.T) {
	st := open(t, filepath.Join(t.TempDir(), "reconi.db"))
	ctx := context.Background()
	boom := errors.New("boom")
	org := &reconi.Organization{KVK: "69599084", Name: "A", CreatedAt: time.Now(), Branches: []reconi.Branch{{Number: "000037178598"}}}
	err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.InsertOrganization(org); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want the function's error", err)
	}
	var got *reconi.Organization
	if err := st.View(ctx, func(tx store.Tx) (err error) { got, err = tx.Organization("69599084"); return err }); err != nil {
		t.Fatal(err)
	}
	if got != nil {
		t.Fatalf("a rolled back insert is visible: %+v", got)
	}

	// A uniqueness violation is ErrConflict, for the service to explain.
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.InsertOrganization(org) }); err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx store.Tx) error {
		return tx.InsertOrganization(&reconi.Organization{KVK: "68750110", Name: "B", CreatedAt: time.Now(),
			Branches: []reconi.Branch{{Number: "000037178598"}}})
	})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a branch registered twice: %v, want ErrConflict", err)
	}
	if err := st.View(ctx, func(tx store.Tx) (err error) { got, err = tx.Organization("68750110"); return err }); err != nil || got != nil {
		t.Fatalf("half of a refused insert is visible: %+v, %v", got, err)
	}
}

func TestClaimMetaHasOneWinner(t *testing.T) {
	st := open(t, filepath.Join(t.TempDir(), "reconi.db"))
	ctx := context.Background()
	claim := func(v string) bool {
		var won bool
		if err := st.Update(ctx, func(tx store.Tx) (err error) { won, err = tx.ClaimMeta("k", v); return err }); err != nil {
			t.Fatal(err)
		}
		return won
	}
	if !claim("first") {
		t.Fatal("the first claim lost")
	}
	if claim("second") {
		t.Fatal("the second claim won")
	}
	var v string
	if err := st.View(ctx, func(tx store.Tx) (err error) { v, err = tx.Meta("k"); return err }); err != nil || v != "first" {
		t.Fatalf("meta k = %q, %v; want first", v, err)
	}
}

// A database with every migration applied opens without goose and its lock
// (sqldb.Migrated); one missing the last migration is migrated when opened.
func TestMigratedSkipsGooseOnlyWhenUpToDate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "reconi.db")
	st := open(t, path)
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
		t.Fatal("a freshly migrated database is not up to date")
	}
	n := migrationFiles(t)
	if _, err := st.DB().Exec(`DELETE FROM goose_db_version WHERE version_id = $1`, n); err != nil {
		t.Fatal(err)
	}
	if migrated() {
		t.Fatalf("up to date without migration %d", n)
	}
	// goose runs the last migration again. One that can run twice (00011
	// rebuilds a table) is recorded again; one that cannot fails on what it
	// made. Either proves that it ran, where the shortcut would have opened
	// the database as it was.
	again, err := sqlite.Open(ctx, path)
	if err != nil {
		return
	}
	defer again.Close()
	if !migrated() {
		t.Fatalf("Open of a database whose record lacks migration %d did not migrate it", n)
	}
}
