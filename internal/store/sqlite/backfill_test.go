package sqlite

import (
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/reconi/reconi/internal/store/storetest"
)

// atVersion migrates the SQLite file at path up (or down) to version and
// returns the connection and the migrations' provider; the caller closes db.
func atVersion(t *testing.T, path string, version int64) (*sql.DB, *goose.Provider) {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, "immediate"))
	if err != nil {
		t.Fatal(err)
	}
	fsys, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectSQLite3, db, fsys)
	if err != nil {
		t.Fatal(err)
	}
	storetest.MigrateTo(t, p, version)
	return db, p
}

// TestMeansMigrationBackfillsIssuedUsers migrates a database with issued
// users from before means existed and checks that each got its means.
func TestMeansMigrationBackfillsIssuedUsers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, _ := atVersion(t, path, 3)
	storetest.SeedBeforeMeans(t, db)
	db.Close()
	st, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckMeansBackfill(t, st)
}
