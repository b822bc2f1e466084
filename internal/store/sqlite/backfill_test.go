package sqlite

import (
	"database/sql"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/reconi/reconi/internal/store/storetest"
)

// TestMeansMigrationBackfillsIssuedUsers migrates a database with issued
// users from before means existed and checks that each got its means.
func TestMeansMigrationBackfillsIssuedUsers(t *testing.T) {
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
	if _, err := p.UpTo(t.Context(), 3); err != nil {
		t.Fatal(err)
	}
	storetest.SeedBeforeMeans(t, db)
	db.Close()
	st, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckMeansBackfill(t, st)
}
