package sqlite

import (
	"path/filepath"
	"testing"
)

// A file made before reconi set its own page size keeps SQLite's 4 KiB
// through the migrations and every open: only a new file gets PageSize.
func TestOlderFileKeepsItsPageSize(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	db, _ := atVersion(t, path, 10)
	db.Close()
	st, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var size int
	if err := st.DB().QueryRow(`PRAGMA page_size`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	if size != 4096 {
		t.Errorf("page_size of an older file = %d after opening it, want 4096 as it was made", size)
	}
}
