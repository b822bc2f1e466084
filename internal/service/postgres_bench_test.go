//go:build unix

package service_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store"
	"github.com/reconi/reconi/internal/store/postgres"
	"github.com/reconi/reconi/internal/store/sqlite"
	"github.com/reconi/reconi/internal/store/storetest"
)

// The PostgreSQL side of docs/benchmarks.md: the import of
// BenchmarkImport100k on PostgreSQL, and status listing on both databases.
// They need RECONI_TEST_POSTGRES_URL (the SQLite listing runs without).

// BenchmarkImport100kPostgres is BenchmarkImport100k on PostgreSQL: the same
// file, into a new schema per iteration. cpu-ns/row counts this process
// only; the server's work is on top, in its own processes.
func BenchmarkImport100kPostgres(b *testing.B) {
	storetest.SkipWithoutPostgres(b)
	data := benchCSV()
	ctx := reconi.WithActor(context.Background(), reconi.Actor{Name: "bench", Role: reconi.RoleLocal})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var elapsed, cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		st, err := postgres.Open(ctx, storetest.PostgresURL(b))
		if err != nil {
			b.Fatal(err)
		}
		svc, draft := benchDraft(b, ctx, st)
		b.StartTimer()
		start, cpuStart := time.Now(), cpuTime()
		res, err := svc.ImportUsers(ctx, draft, bytes.NewReader(data), reconi.ImportOptions{})
		elapsed += time.Since(start)
		cpu += cpuTime() - cpuStart
		b.StopTimer()
		if err != nil {
			b.Fatalf("import: %v", err)
		}
		if res.Added != benchRows {
			b.Fatalf("added %d users, want %d", res.Added, benchRows)
		}
		st.Close()
		b.StartTimer()
	}
	reportRows(b, elapsed)
	b.ReportMetric(float64(cpu.Nanoseconds())/(float64(b.N)*benchRows), "cpu-ns/row")
}

func benchDraft(b *testing.B, ctx context.Context, st store.Store) (*service.Service, int64) {
	svc, err := service.New(ctx, st)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.RegisterOrganization(ctx, reconi.NewOrganization{KVK: "12345678", Name: "Bench BV"}); err != nil {
		b.Fatal(err)
	}
	a, err := svc.CreateDraft(ctx, reconi.NewDraft{KVK: "12345678", Level: "EH3"})
	if err != nil {
		b.Fatal(err)
	}
	return svc, a.ID
}

// listApps and listUsers size the status benchmarks: 10,000 applications
// of 5 users over 100 organisations, half of them submitted.
const listApps, listUsers = 10_000, 5

// BenchmarkApplications10k measures `reconi status` (Backend.Applications)
// over 10,000 applications on each database: all of them, as an operator
// or the local user sees them, and the 100 of one organisation, as its
// manager does.
func BenchmarkApplications10k(b *testing.B) {
	b.Run("db=sqlite", func(b *testing.B) {
		st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "reconi.db"))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		benchApplications(b, st)
	})
	b.Run("db=postgres", func(b *testing.B) {
		storetest.SkipWithoutPostgres(b)
		st, err := postgres.Open(context.Background(), storetest.PostgresURL(b))
		if err != nil {
			b.Fatal(err)
		}
		defer st.Close()
		benchApplications(b, st)
	})
}

func benchApplications(b *testing.B, st store.Store) {
	storetest.Seed(b, st, listApps, listUsers)
	// A database in use has statistics (PostgreSQL's autovacuum gathers
	// them soon after a bulk load): without them PostgreSQL counts the
	// users of one organisation's applications by scanning all 50,000.
	if err := analyze(st); err != nil {
		b.Fatal(err)
	}
	svc, err := service.New(context.Background(), st)
	if err != nil {
		b.Fatal(err)
	}
	for _, who := range []struct {
		name  string
		actor reconi.Actor
		want  int
	}{
		{"all", reconi.Actor{Name: "bench", Role: reconi.RoleLocal}, listApps},
		{"one-org", reconi.Actor{Name: "bench", Role: reconi.RoleManager, Orgs: []reconi.KVK{storetest.SeedKVK}}, listApps / storetest.SeedOrgs},
	} {
		b.Run("apps="+who.name, func(b *testing.B) {
			ctx := reconi.WithActor(context.Background(), who.actor)
			for b.Loop() {
				out, err := reconi.AllApplications(ctx, svc, reconi.ApplicationFilter{})
				if err != nil {
					b.Fatal(err)
				}
				if len(out) != who.want || out[len(out)-1].UsersTotal != listUsers {
					b.Fatalf("%d applications, the last with %d users; want %d with %d", len(out), out[len(out)-1].UsersTotal, who.want, listUsers)
				}
			}
			b.ReportMetric(float64(who.want), "apps/op")
		})
	}
}

// analyze gathers the planner's statistics, on either database.
func analyze(st store.Store) error {
	db, ok := st.(interface{ DB() *sql.DB })
	if !ok {
		return fmt.Errorf("%T has no DB()", st)
	}
	_, err := db.DB().Exec("ANALYZE")
	return err
}
