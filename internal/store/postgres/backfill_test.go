package postgres

import (
	"database/sql"
	"io/fs"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/reconi/reconi/internal/store/storetest"
)

// atVersion migrates the schema of url up (or down) to version and returns
// a connection to it, closed when the test ends.
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
	storetest.MigrateTo(t, p, version)
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

// Migration 00011 makes (email_key, application_id) the users table's key
// and drops users_email_key, in both directions, keeping every row.
func TestEmailFirstMigration(t *testing.T) {
	url := storetest.PostgresURL(t)
	db := atVersion(t, url, 10)
	storetest.SeedBeforeEmailFirst(t, db)
	before := storetest.DumpUsers(t, db)
	st, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if after := storetest.DumpUsers(t, db); after != before {
		t.Errorf("the migration changed the users:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	if got := usersIndexes(t, db); got != "users_application_id users_application_state users_deadline users_email_key_application_id_key users_pkey" {
		t.Errorf("indexes of users after the migration: %s", got)
	}
	storetest.CheckEmailFirst(t, st)
	after := storetest.DumpUsers(t, db)
	atVersion(t, url, 10)
	if got := storetest.DumpUsers(t, db); got != after {
		t.Errorf("migrating down changed the users:\nbefore:\n%s\nafter:\n%s", after, got)
	}
	if got := usersIndexes(t, db); got != "users_application_id users_application_id_email_key_key users_application_state users_deadline users_email_key users_pkey" {
		t.Errorf("indexes of users after migrating down: %s", got)
	}
}

// usersIndexes names the indexes of the users table in the schema db
// uses, in order.
func usersIndexes(t *testing.T, db *sql.DB) string {
	t.Helper()
	var names string
	err := db.QueryRow(`SELECT string_agg(indexname, ' ' ORDER BY indexname) FROM pg_indexes
		WHERE tablename = 'users' AND schemaname = current_schema()`).Scan(&names)
	if err != nil {
		t.Fatal(err)
	}
	return names
}
