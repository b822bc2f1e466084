package sqldb_test

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/reconi/reconi/internal/store/sqldb"
)

// TestStmtsReuse: a query is prepared once for the pool and then reused by
// later transactions, and the first use inside a transaction that holds the
// pool's only connection does not wait for a second one (SQLite's writer).
func TestStmtsReuse(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	c := sqldb.NewStmts(db)
	defer c.Close()
	d := sqldb.Dialect{IsUnique: func(error) bool { return false }}
	run := func(fn func(*sqldb.Tx) error) {
		t.Helper()
		done := make(chan error, 1)
		go func() {
			tx, err := db.Begin()
			if err != nil {
				done <- err
				return
			}
			if err := fn(sqldb.NewCachedTx(tx, d, c)); err != nil {
				tx.Rollback()
				done <- err
				return
			}
			done <- tx.Commit()
		}()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("a transaction waited 10 s: preparing blocked on the pool")
		}
	}
	run(func(tx *sqldb.Tx) error {
		if err := tx.SetMeta("k", "v1"); err != nil {
			return err
		}
		_, err := tx.Meta("k")
		return err
	})
	deadline := time.Now().Add(10 * time.Second)
	for c.Len() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("%d statements prepared after the first transaction, want 2", c.Len())
		}
		time.Sleep(5 * time.Millisecond)
	}
	for _, want := range []string{"v2", "v3"} {
		run(func(tx *sqldb.Tx) error {
			if err := tx.SetMeta("k", want); err != nil {
				return err
			}
			got, err := tx.Meta("k")
			if err == nil && got != want {
				t.Errorf("meta %q through the cached statement, want %q", got, want)
			}
			return err
		})
	}
	if c.Len() != 2 {
		t.Errorf("%d statements, want the same 2", c.Len())
	}
}
