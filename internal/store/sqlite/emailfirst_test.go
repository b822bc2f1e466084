package sqlite

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/store/storetest"
)

// Migration 00011 rebuilds the users table with foreign keys off: every
// user and every row that references one must come through it (a drop
// with foreign keys on would have deleted the references), in both
// directions, and the new key must do the old key's and index's work.
func TestEmailFirstMigrationKeepsUsersAndReferences(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, _ := atVersion(t, path, 10)
	storetest.SeedBeforeEmailFirst(t, db)
	before := storetest.DumpUsers(t, db)
	db.Close()

	st, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if after := storetest.DumpUsers(t, st.DB()); after != before {
		t.Errorf("the migration changed the users or what references them:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	checkIntegrity(t, st.DB())
	if got := usersIndexes(t, st.DB()); got != "sqlite_autoindex_users_1 users_application_id users_application_state users_deadline" {
		t.Errorf("indexes of users after the migration: %s", got)
	}
	// A person is found by the table's key, alone or with an application.
	for _, q := range []string{
		`SELECT id FROM users WHERE email_key = 'jan@example.nl'`,
		`SELECT id FROM users WHERE application_id = 1 AND email_key = 'jan@example.nl'`,
	} {
		if plan := queryPlan(t, st.DB(), q); !strings.Contains(plan, "USING COVERING INDEX sqlite_autoindex_users_1 (email_key=?") {
			t.Errorf("%s: plan %q does not use the key", q, plan)
		}
	}
	storetest.CheckEmailFirst(t, st)
	after := storetest.DumpUsers(t, st.DB())
	// A crash after the migration's COMMIT and before goose records it:
	// the next Open runs it again, on the table it made.
	if _, err := st.DB().Exec(`DELETE FROM goose_db_version WHERE version_id = 11`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st, err = Open(t.Context(), path)
	if err != nil {
		t.Fatalf("opening after a crash between the migration and its record: %v", err)
	}
	if got := storetest.DumpUsers(t, st.DB()); got != after {
		t.Errorf("running the migration twice changed the users:\nbefore:\n%s\nafter:\n%s", after, got)
	}
	checkIntegrity(t, st.DB())
	st.Close()

	// Down and up again.
	db, _ = atVersion(t, path, 10)
	if got := storetest.DumpUsers(t, db); got != after {
		t.Errorf("migrating down changed the users:\nbefore:\n%s\nafter:\n%s", after, got)
	}
	checkIntegrity(t, db)
	if got := usersIndexes(t, db); got != "sqlite_autoindex_users_1 users_application_id users_application_state users_deadline users_email_key" {
		t.Errorf("indexes of users after migrating down: %s", got)
	}
	db.Close()
	st, err = Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if got := storetest.DumpUsers(t, st.DB()); got != after {
		t.Errorf("migrating up again changed the users:\nbefore:\n%s\nafter:\n%s", after, got)
	}
}

// checkIntegrity fails the test if a foreign key points nowhere or foreign
// keys are off on db's connections.
func checkIntegrity(t *testing.T, db *sql.DB) {
	t.Helper()
	var dangling int
	if err := db.QueryRow(`SELECT count(*) FROM pragma_foreign_key_check`).Scan(&dangling); err != nil {
		t.Fatal(err)
	}
	if dangling > 0 {
		t.Errorf("PRAGMA foreign_key_check: %d rows reference a missing row", dangling)
	}
	var on int
	if err := db.QueryRow(`PRAGMA foreign_keys`).Scan(&on); err != nil || on != 1 {
		t.Errorf("foreign keys are %d (%v), want on", on, err)
	}
}

// usersIndexes names the indexes of the users table, in order.
func usersIndexes(t *testing.T, db *sql.DB) string {
	t.Helper()
	var names string
	err := db.QueryRow(`SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master
		WHERE type = 'index' AND tbl_name = 'users' ORDER BY name)`).Scan(&names)
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// queryPlan is the detail of EXPLAIN QUERY PLAN for q, one step a line.
func queryPlan(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	rows, err := db.Query(`EXPLAIN QUERY PLAN ` + q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var steps []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, detail)
	}
	return strings.Join(steps, "\n")
}
