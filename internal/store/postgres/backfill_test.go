package postgres

import (
	"database/sql"
	"io/fs"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/reconi/reconi/internal/store/storetest"
)

// TestMeansMigrationBackfillsIssuedUsers migrates a database with issued
// users from before means existed and checks that each got its means.
func TestMeansMigrationBackfillsIssuedUsers(t *testing.T) {
	url := storetest.PostgresURL(t)
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fsys, _ := fs.Sub(migrations, "migrations")
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.UpTo(t.Context(), 3); err != nil {
		t.Fatal(err)
	}
	storetest.SeedBeforeMeans(t, db)
	st, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckMeansBackfill(t, st)
}
