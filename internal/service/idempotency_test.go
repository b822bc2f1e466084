package service_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// TestIdempotencyLeaseAndExpiry: a claim whose server died is taken over
// once its lease runs out (not minutes later), a renewed claim is not, an
// in-flight key is "unavailable" (retry), not a conflict, and answers are
// forgotten after IdempotencyTTL, by the sweep or by Claim. Issue 10,
// item 4.
func TestIdempotencyLeaseAndExpiry(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "reconi.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	a := service.NewAccess(st, func() time.Time { return now })

	// A crash: k1 was claimed and never answered.
	if _, _, found, err := a.Claim(ctx, 1, "k1", "fp"); err != nil || found {
		t.Fatalf("first claim: %v %v", found, err)
	}
	now = now.Add(5 * time.Second)
	_, _, _, err = a.Claim(ctx, 1, "k1", "fp")
	if !errors.Is(err, reconi.ErrInFlight) || reconi.ErrorKind(err) != reconi.KindUnavailable {
		t.Fatalf("a retry within the lease: %v (kind %s), want in flight, unavailable", err, reconi.ErrorKind(err))
	}
	now = now.Add(service.IdempotencyLease)
	if _, _, found, err := a.Claim(ctx, 1, "k1", "fp"); err != nil || found {
		t.Fatalf("a retry after the lease: %v %v, want a fresh claim", found, err)
	}
	if service.IdempotencyLease > time.Minute {
		t.Errorf("lease %v: a retry after a crash waits that long", service.IdempotencyLease)
	}

	// A slow request renews its claim and keeps it.
	for range 5 {
		now = now.Add(service.IdempotencyLease / 2)
		if err := a.Renew(ctx, 1, "k1"); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, _, err := a.Claim(ctx, 1, "k1", "fp"); !errors.Is(err, reconi.ErrInFlight) {
		t.Fatalf("a renewed claim was taken over: %v", err)
	}
	if err := a.Complete(ctx, 1, "k1", 201, []byte(`{"id":1}`)); err != nil {
		t.Fatal(err)
	}

	// Answers are replayed for a day, then forgotten.
	now = now.Add(service.IdempotencyTTL - time.Minute)
	if status, body, found, err := a.Claim(ctx, 1, "k1", "fp"); err != nil || !found || status != 201 || string(body) != `{"id":1}` {
		t.Fatalf("replay: %d %s %v %v", status, body, found, err)
	}
	if n, err := a.ExpireIdempotencyKeys(ctx); err != nil || n != 0 {
		t.Fatalf("sweep before the TTL: %d %v", n, err)
	}
	if _, _, _, err := a.Claim(ctx, 2, "k2", "fp"); err != nil {
		t.Fatal(err)
	}
	if err := a.Complete(ctx, 2, "k2", 400, []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	now = now.Add(2 * time.Minute)
	if n, err := a.ExpireIdempotencyKeys(ctx); err != nil || n != 1 {
		t.Fatalf("sweep after the TTL: %d %v, want k1 gone", n, err)
	}
	if _, _, found, err := a.Claim(ctx, 1, "k1", "other"); err != nil || found {
		t.Fatalf("an expired key: %v %v, want a fresh claim", found, err)
	}
	now = now.Add(service.IdempotencyTTL)
	if _, _, found, err := a.Claim(ctx, 2, "k2", "fp"); err != nil || found {
		t.Fatalf("an expired key met by Claim: %v %v, want a fresh claim", found, err)
	}
}
