package service_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// TestTokenRevokedOnEveryReplica: Authenticate remembers a valid token
// briefly, yet a token revoked through one Access (a replica) is refused at
// once there and within a second on another that had it cached.
func TestTokenRevokedOnEveryReplica(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "reconi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r1, r2 := service.NewAccess(st, nil), service.NewAccess(st, nil)
	secret, tok, err := r1.CreateToken(ctx, service.NewToken{Name: "ops", Role: "operator"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*service.Access{r1, r2} {
		if a, id, err := r.Authenticate(ctx, secret); err != nil || id != tok.ID || a.Role != reconi.RoleOperator {
			t.Fatalf("a new token: %+v %d %v", a, id, err)
		}
	}
	revoked := time.Now()
	if err := r2.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := r2.Authenticate(ctx, secret); reconi.ErrorKind(err) != reconi.KindUnauthorized {
		t.Fatalf("on the replica that revoked it: %v, want unauthorized at once", err)
	}
	for {
		_, _, err := r1.Authenticate(ctx, secret)
		if reconi.ErrorKind(err) == reconi.KindUnauthorized {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if time.Since(revoked) > time.Second {
			t.Fatalf("the other replica still accepts the token %s after it was revoked", time.Since(revoked))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestReadsShowExpiryWithoutASweep: a read never shows a request past its
// deadline, though reads no longer look for due deadlines in the database
// each time: here another Service on the same file (another replica or
// command) submitted the application, the reading one knew its deadlines,
// and the clock passed them.
func TestReadsShowExpiryWithoutASweep(t *testing.T) {
	ctx := reconi.WithActor(context.Background(), reconi.Actor{Name: "test", Role: reconi.RoleLocal})
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "reconi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := service.WithClock(func() time.Time { return now })
	writer, err := service.New(ctx, st, clock)
	if err != nil {
		t.Fatal(err)
	}
	reader, err := service.New(ctx, st, clock)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := writer.RegisterOrganization(ctx, reconi.NewOrganization{KVK: "12345678", Name: "Org BV"}); err != nil {
		t.Fatal(err)
	}
	app, err := writer.CreateDraft(ctx, reconi.NewDraft{KVK: "12345678", Level: "EH3"})
	if err != nil {
		t.Fatal(err)
	}
	yes := true
	if _, err := writer.AddUser(ctx, app.ID, reconi.NewUser{FirstName: "Jan", LastName: "Jansen", Email: "jan@example.nl",
		Phone: "0612345678", Employed: &yes}); err != nil {
		t.Fatal(err)
	}
	// The reader learns there is no deadline yet.
	if got := state(t, ctx, reader, app.ID); got != reconi.UserDraft {
		t.Fatalf("state %s, want draft", got)
	}
	if _, err := writer.SetPermissions(ctx, app.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := writer.Submit(ctx, app.ID, reconi.Submission{AgreeTerms: true}); err != nil {
		t.Fatal(err)
	}
	// Within the second the reader trusts what it knew, the deadline is
	// 30 days away: the invitation shows.
	if got := state(t, ctx, reader, app.ID); got != reconi.UserInvited {
		t.Fatalf("state %s, want invited", got)
	}
	now = now.Add(service.DefaultUserSide.InvitationTTL + time.Minute)
	if got := state(t, ctx, reader, app.ID); got != reconi.UserExpired {
		t.Fatalf("state %s past the deadline, want expired", got)
	}
	page, err := reader.Applications(ctx, reconi.ApplicationFilter{})
	if err != nil || len(page.Applications) != 1 || page.Applications[0].UsersByState[reconi.UserExpired] != 1 {
		t.Fatalf("the list past the deadline: %+v %v", page, err)
	}
	// The expiry is in the history, with its reason, once.
	ev, err := reader.History(ctx, reconi.HistoryFilter{ApplicationID: app.ID})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ev.Events {
		if e.To == string(reconi.UserExpired) {
			n++
			if e.Reason != "the invitation expired" || e.Actor != "reconi" {
				t.Errorf("expiry event %+v", e)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d expiry events, want 1", n)
	}
	if n, err := writer.ExpireDue(ctx); err != nil || n != 0 {
		t.Errorf("a sweep after the read expired %d (%v), want nothing left", n, err)
	}
}

func state(t *testing.T, ctx context.Context, b reconi.Backend, appID int64) reconi.UserState {
	t.Helper()
	a, err := b.Application(ctx, appID)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Users) != 1 {
		t.Fatalf("%d users", len(a.Users))
	}
	return a.Users[0].State
}

// TestPriceListLoadedOnAnotherReplica: the price list a read quotes with is
// kept between reads, but a list loaded through another Service shows at
// the next read.
func TestPriceListLoadedOnAnotherReplica(t *testing.T) {
	ctx := reconi.WithActor(context.Background(), reconi.Actor{Name: "test", Role: reconi.RoleLocal})
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "reconi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r1, err := service.New(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := service.New(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	before, err := r1.PriceList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := service.ParsePriceList(service.DefaultPriceList())
	if err != nil {
		t.Fatal(err)
	}
	pl.VATPercent = before.VATPercent + 1
	if err := r2.LoadPriceList(ctx, *pl); err != nil {
		t.Fatal(err)
	}
	after, err := r1.PriceList(ctx)
	if err != nil || after.VATPercent != pl.VATPercent {
		t.Fatalf("price list on the other replica: %+v %v, want VAT %d %%", after, err, pl.VATPercent)
	}
}
