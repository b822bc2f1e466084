package postgres

import (
	"testing"

	"github.com/reconi/reconi/internal/store/storetest"
)

// TestServiceUUIDMigration migrates a database built at version 6 and
// checks that services got ServiceUUIDs and branch acceptance of their own,
// and service permissions the UUID of their ServiceID.
func TestServiceUUIDMigration(t *testing.T) {
	url := storetest.PostgresURL(t)
	storetest.SeedBeforeServiceUUIDs(t, atVersion(t, url, 6))
	st, err := Open(t.Context(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	storetest.CheckServiceUUIDBackfill(t, st)
}
