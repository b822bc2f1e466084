package postgres

import (
	"database/sql"
	"io/fs"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/reconi/reconi/internal/store/storetest"
)

// atVersion migrates the schema of url up to version and returns a
// connection to it, closed when the test ends.
func atVersion(t *testing.T, url string, version int64) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fsys, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(t.Context(), version); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestMeansMigrationBackfillsIssuedUsers migrates a database with issued
// users from before means existed and checks that each got its means.
func TestMeansMigrationBackfillsIssuedUsers(t *testing.T) {
	url := storetest.PostgresURL(t)
	storetest.SeedBeforeMeans(t, atVersion(t, url, 3))
	st, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckMeansBackfill(t, st)
}
