package sqldb_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
	"github.com/reconi/reconi/internal/store/sqldb"
)

// TestInsertUsersNeedsTheDriverConnection: a dialect that inserts a row at a
// time (SQLite's) does so on the driver connection, and says so when the
// transaction was given none, instead of writing anything.
func TestInsertUsersNeedsTheDriverConnection(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	d := sqldb.Dialect{IsUnique: func(error) bool { return false }}
	_, err = sqldb.NewTx(tx, d).InsertUsers(1, []store.UserRow{{User: &reconi.User{Email: "a@example.nl"}, Line: 2}})
	if err == nil || !strings.Contains(err.Error(), "WithRaw") {
		t.Fatalf("InsertUsers without the driver connection: %v, want an error naming WithRaw", err)
	}
}
