//go:build unix

package service_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/manifest"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// seedMeans makes a database whose organisation holds benchRows issued
// means: the users are imported as `reconi users import` does, then the
// application is marked submitted and every user issued, with a means each,
// in SQL (taking 100,000 users through the user's steps one by one is not
// what is measured).
func seedMeans(b *testing.B, ctx context.Context) (*service.Service, *sqlite.Store, []string) {
	b.Helper()
	svc, st, draft := newBenchDraft(b, ctx, filepath.Join(b.TempDir(), "reconi.db"))
	if _, err := svc.ImportUsers(ctx, draft, bytes.NewReader(benchCSV()), reconi.ImportOptions{}); err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC().UnixMicro()
	for _, q := range []string{
		`UPDATE applications SET state = 'submitted', validity_years = 3, submitted_at = $1,
			permissions = '{"direct":true,"scope":"all_services"}'`,
		`UPDATE users SET state = 'issued', updated_at = $1`,
		`INSERT INTO means (user_id, application_id, kvk, email_key, level, state, issued_at, expires_at)
			SELECT u.id, u.application_id, a.kvk, u.email_key, a.level, 'active', $1, $1 + 94608000000000
			FROM users u JOIN applications a ON a.id = u.application_id ORDER BY u.id`,
		`INSERT INTO means_permissions (means_id, scope, expires_at) SELECT id, 'all_services', expires_at FROM means WHERE $1 > 0`,
	} {
		if _, err := st.DB().ExecContext(ctx, q, now); err != nil {
			b.Fatal(err)
		}
	}
	r := csv.NewReader(bytes.NewReader(benchCSV()))
	rows, err := r.ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	emails := make([]string, 0, len(rows)-1)
	for _, row := range rows[1:] {
		emails = append(emails, row[2])
	}
	return svc, st, emails
}

// peakHeap samples the Go heap while fn runs and returns the largest value.
func peakHeap(fn func()) uint64 {
	done := make(chan struct{})
	var peak uint64
	go func() {
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapAlloc)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	runtime.GC()
	fn()
	close(done)
	return peak
}

// BenchmarkMeans100k measures, on an organisation with 100,000 issued means
// (SQLite): listing them all a page at a time (`reconi means list --org`),
// planning a 100,000-user manifest that names all but 1,000 of them with
// --prune (`reconi plan -f --prune`), and withdrawing 10,000 in one call.
func BenchmarkMeans100k(b *testing.B) {
	ctx := reconi.WithActor(context.Background(), reconi.Actor{Name: "bench", Role: reconi.RoleLocal})
	svc, st, emails := seedMeans(b, ctx)
	defer st.Close()

	b.Run("list", func(b *testing.B) {
		var heap uint64
		for b.Loop() {
			n := 0
			heap = max(heap, peakHeap(func() {
				f := reconi.MeansFilter{KVK: "12345678"}
				for {
					p, err := svc.ListMeans(ctx, f)
					if err != nil {
						b.Fatal(err)
					}
					n += len(p.Means)
					if p.NextCursor == "" {
						break
					}
					f.Cursor = p.NextCursor
				}
			}))
			if n != benchRows {
				b.Fatalf("listed %d means, want %d", n, benchRows)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*benchRows), "ns/means")
		b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
	})

	b.Run("plan-prune", func(b *testing.B) {
		m := &manifest.Manifest{File: "bench.yaml", Organization: "12345678", Level: reconi.EH3,
			Permissions: reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 3}}
		us, err := reconi.AllUsers(ctx, svc, reconi.UserFilter{KVK: "12345678"})
		if err != nil {
			b.Fatal(err)
		}
		for _, u := range us[1000:] {
			m.Users = append(m.Users, manifest.User{FirstName: u.FirstName, LastName: u.LastName, Email: u.Email,
				Phone: u.Phone, Employed: u.Employed, DateOfBirth: u.DateOfBirth})
		}
		var heap uint64
		for b.Loop() {
			heap = max(heap, peakHeap(func() {
				p, err := manifest.Compute(ctx, svc, m, manifest.PlanOptions{Prune: true})
				if err != nil {
					b.Fatal(err)
				}
				if p.Withdraw != 1000 || p.Present != benchRows-1000 {
					b.Fatalf("plan: withdraw %d, present %d", p.Withdraw, p.Present)
				}
			}))
		}
		b.ReportMetric(float64(heap)/(1<<20), "peak-heap-MB")
	})

	b.Run("withdraw-10k", func(b *testing.B) {
		i := 0
		for b.Loop() {
			batch := emails[i*10_000 : (i+1)*10_000]
			i++
			res, err := svc.WithdrawMeans(ctx, reconi.Withdrawal{KVK: "12345678", Emails: batch, Reason: "bench"})
			if err != nil {
				b.Fatal(err)
			}
			if len(res.Withdrawn) != 10_000 {
				b.Fatalf("withdrew %d", len(res.Withdrawn))
			}
			if i == 10 {
				b.Fatal("out of means to withdraw: run with -benchtime at most 10x")
			}
		}
	})
}
