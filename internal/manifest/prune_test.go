package manifest_test

import (
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/backendtest"
	"github.com/reconi/reconi/internal/manifest"
	"github.com/reconi/reconi/internal/reconi"
)

func TestComputeLeavers(t *testing.T) {
	ctx, b := backend(t)
	pietEmployed := piet
	pietEmployed.employed = true
	id := draft(t, ctx, b, "EH3", true, jan, pietEmployed, kees)
	backendtest.TakeUserSteps(t, ctx, b, id)
	eh2 := draft(t, ctx, b, "EH2", true, lotte) // another level: never a leaver here
	backendtest.TakeUserSteps(t, ctx, b, eh2)

	m := &manifest.Manifest{File: "m.yaml", Organization: "69599084", Level: reconi.EH3,
		Users:       []manifest.User{user(jan, "m.yaml:1")},
		Permissions: reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1}}
	p, err := manifest.Compute(ctx, b, m, manifest.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range p.Users {
		got = append(got, string(u.Action)+" "+u.Email)
	}
	if strings.Join(got, ", ") != "present jan@example.nl, withdraw piet@example.nl, withdraw kees@example.nl" {
		t.Fatalf("plan: %v", got)
	}
	if p.Withdraw != 2 || p.ActiveMeans != 3 || p.Changes || p.Prune {
		t.Errorf("withdraw %d of %d, changes %v, prune %v: want 2 of 3, no changes without prune", p.Withdraw, p.ActiveMeans, p.Changes, p.Prune)
	}
	if err := p.Check(); err != nil {
		t.Errorf("without prune the leavers are only reported: %v", err)
	}

	// Two of three is above the default limit of half.
	p, err = manifest.Compute(ctx, b, m, manifest.PlanOptions{Prune: true})
	if err != nil {
		t.Fatal(err)
	}
	if !p.Changes {
		t.Error("a prune with leavers is a change")
	}
	err = p.Check()
	if reconi.ErrorKind(err) != reconi.KindInvalid || !strings.Contains(err.Error(), "withdraw 2 of the 3 active means") ||
		!strings.Contains(err.Error(), "limit of 50%") {
		t.Errorf("Check: %v", err)
	}
	p, err = manifest.Compute(ctx, b, m, manifest.PlanOptions{Prune: true, PruneLimit: 70})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Check(); err != nil {
		t.Errorf("within the limit: %v", err)
	}
	if strings.Join(p.Leavers(), " ") != "piet@example.nl kees@example.nl" {
		t.Errorf("leavers %v", p.Leavers())
	}

	// A user whose means was withdrawn is asked for again.
	if _, err := b.WithdrawMeans(ctx, reconi.Withdrawal{KVK: "69599084", Emails: []string{piet.email}, Reason: "left"}); err != nil {
		t.Fatal(err)
	}
	m.Users = append(m.Users, user(pietEmployed, "m.yaml:2"))
	p, err = manifest.Compute(ctx, b, m, manifest.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Users[1].Action != manifest.ActionNew || p.Withdraw != 1 || p.ActiveMeans != 2 {
		t.Errorf("after withdrawal: %s %s, withdraw %d of %d", p.Users[1].Action, p.Users[1].Email, p.Withdraw, p.ActiveMeans)
	}
}
