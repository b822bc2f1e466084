package service_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store"
	"github.com/reconi/reconi/internal/store/postgres"
	"github.com/reconi/reconi/internal/store/sqlite"
	"github.com/reconi/reconi/internal/store/storetest"
)

// Issue 10, item 3: a client that trickles an import must not hold the
// database. The upload is received and checked before the write lock is
// taken, so other organisations' writes, and token administration, go on
// while it arrives.

const (
	// trickleBurst rows are sent at once: more than the 64 KiB the CSV
	// reader peeks at to find the separator, so the import is under way.
	trickleBurst = 1500
	// trickleEvery is the pause before each row after the burst.
	trickleEvery = 10 * time.Millisecond
	// maxWait is the longest any other write may wait.
	maxWait = time.Second
)

// trickleRows is how many rows follow the burst, one every trickleEvery:
// 2 s of trickling, or half a second under -short, which still leaves
// several rounds of other writes while the import is under way.
func trickleRows() int {
	if testing.Short() {
		return 50
	}
	return 200
}

func TestSlowImportHoldsNoLock(t *testing.T) {
	stores := map[string]func(t *testing.T) store.Store{
		"sqlite": func(t *testing.T) store.Store {
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "reconi.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		},
		"postgres": func(t *testing.T) store.Store {
			storetest.SkipWithoutPostgres(t)
			st, err := postgres.Open(context.Background(), storetest.PostgresURL(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		},
	}
	imports := map[string]slowImport{
		// A CSV upload, as `reconi users import` or POST .../users/import sends it.
		"csv": func(ctx context.Context, svc *service.Service, appID int64) (*reconi.ImportResult, error) {
			pr, pw := io.Pipe()
			go trickle(pw)
			res, err := svc.ImportUsers(ctx, appID, pr, reconi.ImportOptions{})
			pr.CloseWithError(io.ErrClosedPipe)
			return res, err
		},
		// A manifest's rows, as `reconi apply -f` sends them.
		"rows": func(ctx context.Context, svc *service.Service, appID int64) (*reconi.ImportResult, error) {
			return svc.ImportUserRows(ctx, appID, trickledRows, reconi.ImportOptions{})
		},
	}
	for _, db := range []string{"sqlite", "postgres"} {
		for _, kind := range []string{"csv", "rows"} {
			// In parallel: each has its own database, and each mostly sleeps.
			t.Run(db+"/"+kind, func(t *testing.T) {
				t.Parallel()
				testSlowImport(t, stores[db](t), imports[kind])
			})
		}
	}
}

// slowImport imports trickleBurst+trickleRows() users into a draft, slowly.
type slowImport func(ctx context.Context, svc *service.Service, appID int64) (*reconi.ImportResult, error)

func trickleUser(i int) reconi.UserRow {
	yes := true
	return reconi.UserRow{Source: fmt.Sprintf("slow.yaml:%d", i+1), NewUser: reconi.NewUser{FirstName: fmt.Sprintf("Anna%d", i),
		LastName: "Bakker", Email: fmt.Sprintf("anna%d@example.nl", i), Phone: "0612345678", DateOfBirth: "1990-01-31", Employed: &yes}}
}

// trickledRows yields the users as trickle writes them.
func trickledRows(yield func(reconi.UserRow, error) bool) {
	for i := range trickleBurst + trickleRows() {
		if i >= trickleBurst {
			time.Sleep(trickleEvery)
		}
		if !yield(trickleUser(i), nil) {
			return
		}
	}
}

// trickle writes a CSV file of users to w: a burst, then a row at a time.
func trickle(w *io.PipeWriter) {
	row := func(i int) string {
		u := trickleUser(i)
		return fmt.Sprintf("%s,%s,%s,%s,%s,ja\n", u.FirstName, u.LastName, u.Email, u.Phone, u.DateOfBirth)
	}
	var burst strings.Builder
	burst.WriteString("first_name,last_name,email,phone,date_of_birth,employed\n")
	for i := range trickleBurst {
		burst.WriteString(row(i))
	}
	if _, err := io.WriteString(w, burst.String()); err != nil {
		w.CloseWithError(err)
		return
	}
	for i := trickleBurst; i < trickleBurst+trickleRows(); i++ {
		time.Sleep(trickleEvery)
		if _, err := io.WriteString(w, row(i)); err != nil {
			w.CloseWithError(err)
			return
		}
	}
	w.Close()
}

func testSlowImport(t *testing.T, st store.Store, slowly slowImport) {
	ctx := reconi.WithActor(context.Background(), reconi.Actor{Name: "tester", Role: reconi.RoleLocal})
	svc, err := service.New(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	access := service.NewAccess(st, nil)
	for _, o := range []reconi.NewOrganization{{KVK: "69599084", Name: "Bakkerij De Korenschoof"}, {KVK: "68750110", Name: "Transport Van Dijk B.V."}} {
		if _, err := svc.RegisterOrganization(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	slow, err := svc.CreateDraft(ctx, reconi.NewDraft{KVK: "69599084", Level: "EH3"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := svc.CreateDraft(ctx, reconi.NewDraft{KVK: "68750110", Level: "EH3"})
	if err != nil {
		t.Fatal(err)
	}

	type result struct {
		res *reconi.ImportResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := slowly(ctx, svc, slow.ID)
		done <- result{res, err}
	}()

	// Other writes while the rows trickle in: each must be quick.
	var longest time.Duration
	timed := func(what string, fn func() error) {
		t.Helper()
		start := time.Now()
		err := fn()
		waited := time.Since(start)
		longest = max(longest, waited)
		if waited > maxWait {
			t.Errorf("%s waited %v for a slow import (want at most %v)", what, waited.Round(time.Millisecond), maxWait)
		}
		if err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}
	yes := true
	trickling := time.Duration(trickleRows()) * trickleEvery
	until := time.Now().Add(trickling * 3 / 4)
	time.Sleep(trickling / 8)
	for i := 0; time.Now().Before(until); i++ {
		timed("AddUser in another organisation", func() error {
			_, err := svc.AddUser(ctx, other.ID, reconi.NewUser{FirstName: "Bram", LastName: "Visser",
				Email: fmt.Sprintf("bram%d@example.nl", i), Phone: "0623456789", Employed: &yes})
			return err
		})
		timed("CreateDraft in another organisation", func() error {
			_, err := svc.CreateDraft(ctx, reconi.NewDraft{KVK: "68750110", Level: "EH2"})
			return err
		})
		timed("token creation", func() error {
			_, _, err := access.CreateToken(ctx, service.NewToken{Name: fmt.Sprintf("ci-%d", i), Role: "operator"})
			return err
		})
		if t.Failed() {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}

	t.Logf("the longest wait of another write: %v", longest.Round(time.Millisecond))
	r := <-done
	if r.err != nil {
		t.Fatalf("the slow import: %v", r.err)
	}
	if want := trickleBurst + trickleRows(); r.res.Rows != want || r.res.Added != want {
		t.Errorf("the slow import = %+v, want %d rows added", r.res, want)
	}
}

// TestImportSpoolLimit: an import whose checked rows outgrow the spool's
// limit is refused whole, and its spool file does not stay behind.
func TestImportSpoolLimit(t *testing.T) {
	ctx := reconi.WithActor(context.Background(), reconi.Actor{Name: "tester", Role: reconi.RoleLocal})
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "reconi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	dir := t.TempDir()
	svc, err := service.New(ctx, st, service.WithImportSpool(dir, 64<<10))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RegisterOrganization(ctx, reconi.NewOrganization{KVK: "69599084", Name: "Bakkerij De Korenschoof"}); err != nil {
		t.Fatal(err)
	}
	a, err := svc.CreateDraft(ctx, reconi.NewDraft{KVK: "69599084", Level: "EH3"})
	if err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("first_name,last_name,email,phone,employed\n")
	for i := range 5000 {
		fmt.Fprintf(&csv, "Anna,Bakker,anna%d@example.nl,0612345678,ja\n", i)
	}
	_, err = svc.ImportUsers(ctx, a.ID, strings.NewReader(csv.String()), reconi.ImportOptions{})
	if reconi.ErrorKind(err) != reconi.KindInvalid || !strings.Contains(err.Error(), "larger than reconi takes at once") {
		t.Fatalf("err = %v, want invalid: larger than reconi takes at once", err)
	}
	us, err := reconi.AllUsers(ctx, svc, reconi.UserFilter{ApplicationID: a.ID})
	if err != nil || len(us) != 0 {
		t.Errorf("users after a refused import: %d, %v", len(us), err)
	}
	left, err := os.ReadDir(dir)
	if err != nil || len(left) != 0 {
		t.Errorf("the spool folder holds %v (%v)", left, err)
	}

	// Within the limit, the same folder serves.
	res, err := svc.ImportUsers(ctx, a.ID, strings.NewReader("first_name,last_name,email,phone,employed\nAnna,Bakker,anna@example.nl,0612345678,ja\n"), reconi.ImportOptions{})
	if err != nil || res.Added != 1 {
		t.Fatalf("a small import: %+v, %v", res, err)
	}
}
