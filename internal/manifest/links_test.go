package manifest_test

import (
	"testing"

	"github.com/reconi/reconi/internal/backendtest"
	"github.com/reconi/reconi/internal/manifest"
	"github.com/reconi/reconi/internal/reconi"
)

// One person, one means: a user who holds an active means for another
// organisation plans as link, priced as a link, and is among the users
// applying adds.
func TestComputeLink(t *testing.T) {
	ctx, b := backend(t)
	if _, err := b.RegisterOrganization(ctx, reconi.NewOrganization{KVK: "68750110", Name: "Other B.V."}); err != nil {
		t.Fatal(err)
	}
	other, err := b.CreateDraft(ctx, reconi.NewDraft{KVK: "68750110", Level: "EH3"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.AddUser(ctx, other.ID, reconi.NewUser{FirstName: jan.first, LastName: jan.last, Email: jan.email, Phone: jan.phone, Employed: &jan.employed}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.SetPermissions(ctx, other.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Submit(ctx, other.ID, reconi.Submission{AgreeTerms: true}); err != nil {
		t.Fatal(err)
	}
	backendtest.TakeUserSteps(t, ctx, b, other.ID)

	m := &manifest.Manifest{File: "m.yaml", Organization: "69599084", Level: reconi.EH2Plus,
		Users:       []manifest.User{user(jan, "m.yaml:1"), user(piet, "m.yaml:2")},
		Permissions: reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1}}
	p, err := manifest.Compute(ctx, b, m, manifest.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Users[0].Action != manifest.ActionLink || p.Users[0].LinkOrganization == nil || p.Users[0].LinkOrganization.KVK != "68750110" ||
		p.Users[1].Action != manifest.ActionNew || p.New != 2 || p.Link != 1 || !p.Changes || len(p.NewUsers()) != 2 {
		t.Fatalf("plan %+v", p)
	}
	var rules []string
	for _, l := range p.Quote.Lines {
		rules = append(rules, l.Rule)
	}
	want := []string{"means", "link", "included_permissions", "extra_permission", "identification"}
	if len(rules) != len(want) {
		t.Fatalf("quote rules %v, want %v", rules, want)
	}
	for i := range want {
		if rules[i] != want[i] {
			t.Errorf("quote rules %v, want %v", rules, want)
		}
	}
	// The draft apply would submit is quoted the same.
	a, err := b.CreateDraft(ctx, reconi.NewDraft{KVK: "69599084", Level: "EH2+"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range p.NewUsers() {
		if _, err := b.AddUser(ctx, a.ID, reconi.NewUser{FirstName: u.FirstName, LastName: u.LastName, Email: u.Email, Phone: u.Phone, Employed: &u.Employed}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := b.SetPermissions(ctx, a.ID, m.Permissions)
	if err != nil {
		t.Fatal(err)
	}
	if got.Quote.TotalCents != p.Quote.TotalCents {
		t.Errorf("draft quote %d, plan quote %d", got.Quote.TotalCents, p.Quote.TotalCents)
	}
}
