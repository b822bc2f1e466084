package cli_test

import (
	"testing"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/store/postgres"
)

// The factory opens PostgreSQL for what cmdutil calls a database URL (and
// names the current draft's target by); the driver must agree.
func TestDatabaseURLAsTheDriverSees(t *testing.T) {
	for _, db := range []string{"postgres://u@h/db", "postgresql://h/db", "/var/lib/reconi.db", "reconi.db", "", "file:postgres://x", "mysql://h/db"} {
		if got, want := cmdutil.IsDatabaseURL(db), postgres.IsURL(db); got != want {
			t.Errorf("%q: cmdutil says %v, the postgres driver %v", db, got, want)
		}
	}
}
