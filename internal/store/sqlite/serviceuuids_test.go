package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/reconi/reconi/internal/store/storetest"
)

// TestServiceUUIDMigration migrates a database built at version 6 and
// checks that services got ServiceUUIDs and branch acceptance of their own,
// and service permissions the UUID of their ServiceID.
func TestServiceUUIDMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, _ := atVersion(t, path, 6)
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
	db, _ = atVersion(t, path, 6)
	db.Close()
	st, err = Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckServiceUUIDBackfill(t, st)
}
