package service_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/backendtest"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/postgres"
	"github.com/reconi/reconi/internal/store/storetest"
)

// issueEmployed submits an application of n employed users at EH3 for one
// year with a manager's address, and takes each user to issued.
func issueEmployed(t *testing.T, ctx context.Context, svc *service.Service, kvk string, n int) *reconi.Application {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := svc.RegisterOrganization(ctx, reconi.NewOrganization{KVK: kvk, Name: "Org " + kvk})
	must(err)
	a, err := svc.CreateDraft(ctx, reconi.NewDraft{KVK: kvk, Level: "EH3"})
	must(err)
	yes := true
	for i := range n {
		_, err := svc.AddUser(ctx, a.ID, reconi.NewUser{FirstName: "U", LastName: "V", Email: fmt.Sprintf("u%d@example.nl", i),
			Phone: fmt.Sprintf("06 %08d", 12000000+i), Employed: &yes})
		must(err)
	}
	_, err = svc.SetPermissions(ctx, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1})
	must(err)
	terms, err := svc.Terms(ctx)
	must(err)
	_, err = svc.Submit(ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: terms.Version, NotifyEmail: "beheer@example.nl"})
	must(err)
	backendtest.TakeUserSteps(t, ctx, svc, a.ID)
	return a
}

// TestRemindersOnceAcrossReplicas runs the means sweep of several servers
// on one PostgreSQL database at once: each reminder is queued exactly once.
func TestRemindersOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresURL(t)
	ctx := reconi.WithActor(context.Background(), reconi.Actor{Name: "tester", Role: reconi.RoleLocal})
	var mu sync.Mutex
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	var replicas []*service.Service
	for range 4 {
		st, err := postgres.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		svc, err := service.New(ctx, st, service.WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		replicas = append(replicas, svc)
	}
	for i, kvk := range []string{"69599084", "68750110", "12345678"} {
		issueEmployed(t, ctx, replicas[i], kvk, 30)
	}
	mu.Lock()
	now = now.AddDate(0, 0, 365-50) // 50 days before the end
	mu.Unlock()

	var wg sync.WaitGroup
	reminded := make([]int, len(replicas))
	for round := range 3 {
		for i, svc := range replicas {
			wg.Go(func() {
				_, r, err := svc.SweepMeans(ctx, []int{60, 14})
				if err != nil {
					t.Errorf("replica %d, round %d: %v", i, round, err)
				}
				mu.Lock()
				reminded[i] += r
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	total := 0
	for _, r := range reminded {
		total += r
	}
	if total != 90 {
		t.Errorf("the replicas reminded %v means, %d in all: want 90, each once", reminded, total)
	}
	msgs, err := reconi.AllMessages(ctx, replicas[0], reconi.OutboxFilter{To: "beheer@example.nl"})
	if err != nil {
		t.Fatal(err)
	}
	// Each means is listed in exactly one reminder; replicas that split an
	// application's means between them send one email each.
	listed := map[string]int{}
	for _, m := range msgs {
		if !strings.Contains(m.Subject, "end within 60 days") {
			continue
		}
		for line := range strings.Lines(m.Body) {
			if strings.HasPrefix(line, "  ") && strings.Contains(line, "@example.nl>") {
				listed[m.Subject+" "+strings.TrimSpace(line)]++
			}
		}
	}
	if len(listed) != 90 {
		t.Errorf("%d means listed in reminders, want 90", len(listed))
	}
	for k, n := range listed {
		if n != 1 {
			t.Errorf("%s listed %d times", k, n)
		}
	}
}
