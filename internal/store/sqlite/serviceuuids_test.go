package sqlite

import (
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/reconi/reconi/internal/store/storetest"
)

// TestServiceUUIDMigration migrates a database built at version 6 and
// checks that services got ServiceUUIDs and branch acceptance of their own,
// and service permissions the UUID of their ServiceID.
func TestServiceUUIDMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", dsn(path, "immediate"))
	if err != nil {
		t.Fatal(err)
	}
	fsys, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(t.Context(), 6); err != nil {
		t.Fatal(err)
	}
	storetest.SeedBeforeServiceUUIDs(t, db)
	db.Close()
	st, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	storetest.CheckServiceUUIDBackfill(t, st)
	st.Close()
	// Opening again changes nothing.
	st, err = Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	storetest.CheckServiceUUIDBackfill(t, st)
	st.Close()

	// Down to version 6 and up again fills the UUIDs in again.
	db, err = sql.Open("sqlite", dsn(path, "immediate"))
	if err != nil {
		t.Fatal(err)
	}
	if p, err = goose.NewProvider(goose.DialectSQLite3, db, fsys); err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(t.Context(), 6); err != nil {
		t.Fatal(err)
	}
	db.Close()
	st, err = Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckServiceUUIDBackfill(t, st)
}
