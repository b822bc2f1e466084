package storetest_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/reconi/reconi/internal/store"
	"github.com/reconi/reconi/internal/store/postgres"
	"github.com/reconi/reconi/internal/store/sqlite"
	"github.com/reconi/reconi/internal/store/storetest"
)

// The store contract, on both databases: SQLite always, PostgreSQL when
// RECONI_TEST_POSTGRES_URL is set, each test in a file or schema of its own.

func TestSQLite(t *testing.T) {
	storetest.Run(t, func(t *testing.T) func() (store.Store, error) {
		path := filepath.Join(t.TempDir(), "reconi.db")
		return func() (store.Store, error) { return sqlite.Open(context.Background(), path) }
	})
}

func TestPostgres(t *testing.T) {
	storetest.SkipWithoutPostgres(t)
	storetest.Run(t, func(t *testing.T) func() (store.Store, error) {
		url := storetest.PostgresURL(t)
		return func() (store.Store, error) { return postgres.Open(context.Background(), url) }
	})
}
