package postgres

import (
	"database/sql"
	"io/fs"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/reconi/reconi/internal/store/storetest"
)

// TestServiceUUIDMigration migrates a database built at version 6 and
// checks that services got ServiceUUIDs and branch acceptance of their own,
// and service permissions the UUID of their ServiceID.
func TestServiceUUIDMigration(t *testing.T) {
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
	if _, err := p.UpTo(t.Context(), 6); err != nil {
		t.Fatal(err)
	}
	storetest.SeedBeforeServiceUUIDs(t, db)
	st, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckServiceUUIDBackfill(t, st)
}
