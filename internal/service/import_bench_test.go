//go:build unix

package service_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/reconi/reconi/bench/usersgen"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// benchRows is the size of the file both import benchmarks read (issue 2,
// item 8: 100,000 rows in under a second).
const benchRows = 100_000

// benchCSV is the generated file, made once per test binary: generating it
// is not what is measured.
var benchCSV = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	if err := usersgen.Write(&b, benchRows); err != nil {
		panic(err)
	}
	return b.Bytes()
})

// BenchmarkImport100k measures `reconi users import` of 100,000 valid rows
// on the embedded backend: parsing, validating and storing, all in one
// transaction, into a fresh SQLite file per iteration. bench/import.sh runs
// the same through the CLI; docs/benchmarks.md has the figures.
func BenchmarkImport100k(b *testing.B) {
	data := benchCSV()
	ctx := reconi.WithActor(context.Background(), reconi.Actor{Name: "bench", Role: reconi.RoleLocal})
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var elapsed, cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		dir := b.TempDir()
		svc, st, draft := newBenchDraft(b, ctx, filepath.Join(dir, "reconi.db"))
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
		os.RemoveAll(dir) // 18 MB a run
		b.StartTimer()
	}
	reportRows(b, elapsed)
	// CPU time says how much work an import is, which a busy machine
	// changes less than the wall time: wall time is about this divided by
	// the number of cores (validation runs on all of them).
	b.ReportMetric(float64(cpu.Nanoseconds())/(float64(b.N)*benchRows), "cpu-ns/row")
}

// cpuTime is the user and system time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// newBenchDraft opens a new database at path and starts a draft in it, the
// way `reconi org register` and `reconi org select` do.
func newBenchDraft(b *testing.B, ctx context.Context, path string) (*service.Service, *sqlite.Store, int64) {
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
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
	return svc, st, a.ID
}

// BenchmarkSQLiteImportBaseline loads the same file with the sqlite3 shell's
// .import, as bench/import.sh does, with the statements of
// bench/sqlite-baseline.sql: into a table like reconi's users table, in one
// transaction, into a fresh file in WAL mode. It is the floor for "read a CSV
// file into SQLite", without any validation.
func BenchmarkSQLiteImportBaseline(b *testing.B) {
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		b.Skip("sqlite3 is not installed (apt-get install sqlite3): no baseline to compare with")
	}
	script, err := filepath.Abs(filepath.Join("..", "..", "bench", "sqlite-baseline.sql"))
	if err != nil {
		b.Fatal(err)
	}
	csvPath := filepath.Join(b.TempDir(), "users.csv")
	if err := os.WriteFile(csvPath, benchCSV(), 0o600); err != nil {
		b.Fatal(err)
	}
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		// The shell takes dot-commands as arguments, run in order.
		dir := b.TempDir()
		cmd := exec.Command(sqlite3, filepath.Join(dir, "baseline.db"),
			`.read "`+script+`"`, `.import --csv --skip 1 "`+csvPath+`" users`)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		b.StartTimer()
		start := time.Now()
		err := cmd.Run()
		elapsed += time.Since(start)
		b.StopTimer()
		// The shell reports a bad row on stderr and goes on.
		if err != nil || out.Len() > 0 {
			b.Fatalf("sqlite3 .import: %v\n%s", err, out.Bytes())
		}
		os.RemoveAll(dir)
		b.StartTimer()
	}
	reportRows(b, elapsed)
}

func reportRows(b *testing.B, elapsed time.Duration) {
	rows := float64(b.N) * benchRows
	b.ReportMetric(rows/elapsed.Seconds(), "rows/s")
	b.ReportMetric(float64(elapsed.Nanoseconds())/rows, "ns/row")
}

// TestImportDuplicatesBeyondTheList guards the shortcut that keeps importing
// a file twice as fast as importing it once: only the rows that are listed
// are explained (which draft or line has the email); the rest are counted.
func TestImportDuplicatesBeyondTheList(t *testing.T) {
	ctx := reconi.WithActor(context.Background(), reconi.Actor{Name: "test", Role: reconi.RoleLocal})
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "reconi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, err := service.New(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RegisterOrganization(ctx, reconi.NewOrganization{KVK: "12345678", Name: "Test BV"}); err != nil {
		t.Fatal(err)
	}
	a, err := svc.CreateDraft(ctx, reconi.NewDraft{KVK: "12345678", Level: "EH3"})
	if err != nil {
		t.Fatal(err)
	}
	const n = service.MaxRowErrors + 5
	var file bytes.Buffer
	if err := usersgen.Write(&file, n); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ImportUsers(ctx, a.ID, bytes.NewReader(file.Bytes()), reconi.ImportOptions{}); err != nil {
		t.Fatalf("first import: %v", err)
	}

	_, err = svc.ImportUsers(ctx, a.ID, bytes.NewReader(file.Bytes()), reconi.ImportOptions{})
	var e *reconi.Error
	if !errors.As(err, &e) || e.Kind != reconi.KindInvalid {
		t.Fatalf("second import: got %v, want an invalid-input error", err)
	}
	if want := fmt.Sprintf("%d of %d rows are not valid; no user was added", n, n); e.Message != want {
		t.Errorf("message %q, want %q", e.Message, want)
	}
	if len(e.Rows) != service.MaxRowErrors || e.RowsOmitted != n-service.MaxRowErrors {
		t.Fatalf("%d rows listed and %d omitted, want %d and %d", len(e.Rows), e.RowsOmitted, service.MaxRowErrors, n-service.MaxRowErrors)
	}
	last := e.Rows[len(e.Rows)-1]
	want := reconi.RowError{Line: service.MaxRowErrors + 1, Field: "email", Value: "user999@bedrijf.example",
		Message: fmt.Sprintf("user999@bedrijf.example is already a user of draft %d", a.ID)}
	if last != want {
		t.Errorf("last listed row %+v, want %+v", last, want)
	}
	users, err := reconi.AllUsers(ctx, svc, reconi.UserFilter{ApplicationID: a.ID})
	if err != nil || len(users) != n {
		t.Errorf("draft has %d users (%v), want the %d of the first import", len(users), err, n)
	}
}
