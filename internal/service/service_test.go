package service_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/backendtest"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store"
	"github.com/reconi/reconi/internal/store/postgres"
	"github.com/reconi/reconi/internal/store/sqlite"
	"github.com/reconi/reconi/internal/store/storetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	storetest.DropReused()
	os.Exit(code)
}

// contractActor is who the suite acts as: the person at the terminal of an
// embedded backend, who may do everything.
var contractActor = reconi.Actor{Name: "contract-suite", Role: reconi.RoleLocal}

// embedded returns the constructor of the embedded backend over the stores
// open makes: the service, as `reconi` without --server uses it.
func embedded(open func(t *testing.T) store.Store) backendtest.NewBackend {
	return func(t *testing.T, now func() time.Time) backendtest.Harness {
		ctx := context.Background()
		st := open(t)
		svc, err := service.New(ctx, st, service.WithClock(now))
		if err != nil {
			t.Fatal(err)
		}
		return backendtest.Harness{Backend: svc, Ctx: reconi.WithActor(ctx, contractActor), SweepMeans: svc.SweepMeans}
	}
}

// TestBackendContract runs the Backend contract suite against the service
// over a real SQLite file.
func TestBackendContract(t *testing.T) {
	backendtest.Run(t, embedded(func(t *testing.T) store.Store {
		st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "reconi.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}))
}

// TestBackendContractPostgres runs the same suite over PostgreSQL, a schema
// per subtest (migrated once and emptied between subtests), when
// RECONI_TEST_POSTGRES_URL names a server. It is the longest part of a
// -short run, so it runs in full runs only (go test ./..., CI); under
// -short the suite runs here on SQLite and over HTTP in internal/client,
// and the store's own suite (internal/store/storetest) on PostgreSQL.
func TestBackendContractPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("the Backend contract on PostgreSQL runs without -short")
	}
	storetest.SkipWithoutPostgres(t)
	backendtest.Run(t, embedded(func(t *testing.T) store.Store {
		st, err := postgres.Open(context.Background(), storetest.ReusedPostgresURL(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}))
}
