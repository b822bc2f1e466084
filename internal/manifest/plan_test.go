package manifest_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/manifest"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// backend is the embedded service on a fresh SQLite file, with the example
// organisation registered.
func backend(t *testing.T) (context.Context, reconi.Backend) {
	t.Helper()
	ctx := reconi.WithActor(context.Background(), reconi.Actor{Name: "tester", Role: reconi.RoleLocal})
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "reconi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	b, err := service.New(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.RegisterOrganization(ctx, reconi.NewOrganization{KVK: "69599084", Name: "Test EMZ Dagobert", Branches: []string{"000037178598"}}); err != nil {
		t.Fatal(err)
	}
	return ctx, b
}

type person struct {
	first, last, email, phone string
	employed                  bool
}

var (
	jan   = person{"Jan", "Jansen", "jan@example.nl", "+31612345678", true}
	piet  = person{"Piet", "Puk", "piet@example.nl", "+31687654321", false}
	sanne = person{"Sanne", "de Vries", "sanne@example.nl", "+31623456789", false}
	kees  = person{"Kees", "van der Berg", "kees@example.nl", "+31611223344", true}
	lotte = person{"Lotte", "de Jong", "lotte@example.nl", "+31689012345", true}
	anna  = person{"Anna", "Smit", "anna@example.nl", "+31655667788", false}
)

// draft starts a draft at level with people and all services for a year;
// submit submits it too.
func draft(t *testing.T, ctx context.Context, b reconi.Backend, level string, submit bool, people ...person) int64 {
	t.Helper()
	a, err := b.CreateDraft(ctx, reconi.NewDraft{KVK: "69599084", Level: level})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range people {
		if _, err := b.AddUser(ctx, a.ID, reconi.NewUser{FirstName: p.first, LastName: p.last, Email: p.email, Phone: p.phone, Employed: &p.employed}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.SetPermissions(ctx, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1}); err != nil {
		t.Fatal(err)
	}
	if submit {
		if _, err := b.Submit(ctx, a.ID, reconi.Submission{AgreeTerms: true}); err != nil {
			t.Fatal(err)
		}
	}
	return a.ID
}

func user(p person, source string) manifest.User {
	return manifest.User{FirstName: p.first, LastName: p.last, Email: p.email, Phone: p.phone, Employed: p.employed, Source: source}
}

func TestCompute(t *testing.T) {
	ctx, b := backend(t)
	first := draft(t, ctx, b, "EH3", true, jan, piet) // 1: submitted at EH3
	draft(t, ctx, b, "EH3", false, sanne)             // 2: a draft does not count
	draft(t, ctx, b, "EH2", true, kees)               // 3: in progress at EH2
	cancelled := draft(t, ctx, b, "EH3", true, lotte) // 4: cancelled does not count
	if _, err := b.Cancel(ctx, cancelled, lotte.email, "test"); err != nil {
		t.Fatal(err)
	}

	pietElsewhere := piet
	pietElsewhere.phone = "+31600000001"
	janUpper := jan
	janUpper.email = "Jan@Example.nl"
	m := &manifest.Manifest{File: "m.yaml", Organization: "69599084", Level: reconi.EH3,
		Users: []manifest.User{user(janUpper, "m.yaml:1"), user(pietElsewhere, "m.yaml:2"), user(sanne, "m.yaml:3"),
			user(kees, "m.yaml:4"), user(lotte, "m.yaml:5"), user(anna, "m.yaml:6")},
		Permissions: reconi.PermissionsInput{Direct: true, Providers: []string{"RVO", "Kadaster"}, ValidityYears: 3}}
	p, err := manifest.Compute(ctx, b, m, manifest.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		email     string
		action    manifest.Action
		app       int64
		state     reconi.UserState
		conflicts []string
	}
	var got []row
	for _, u := range p.Users {
		got = append(got, row{u.Email, u.Action, u.ApplicationID, u.State, u.Conflicts})
	}
	want := []row{
		{"Jan@Example.nl", manifest.ActionPresent, first, reconi.UserInvited, nil},
		{"piet@example.nl", manifest.ActionConflicting, 0, "", []string{"application 1 (EH3, invited) has phone +31687654321 where the manifest says +31600000001"}},
		{"sanne@example.nl", manifest.ActionNew, 0, "", nil},
		{"kees@example.nl", manifest.ActionConflicting, 0, "", []string{"application 3 (EH2, invited) is in progress at another level than the manifest's EH3: wait for it to end, or cancel it with reconi cancel 3 --email kees@example.nl"}},
		{"lotte@example.nl", manifest.ActionNew, 0, "", nil},
		{"anna@example.nl", manifest.ActionNew, 0, "", nil},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("users:\n%+v\nwant:\n%+v", got, want)
	}
	if p.New != 3 || p.Present != 1 || p.Conflicting != 2 || !p.Changes {
		t.Errorf("counts new %d, present %d, conflicting %d, changes %v", p.New, p.Present, p.Conflicting, p.Changes)
	}
	if p.Organization.Name != "Test EMZ Dagobert" || p.Permissions.Scope != reconi.ScopeProviders || p.ValidityYears != 3 {
		t.Errorf("plan = %+v", p)
	}
	var nu []string
	for _, u := range p.NewUsers() {
		nu = append(nu, u.Email)
	}
	if strings.Join(nu, " ") != "sanne@example.nl lotte@example.nl anna@example.nl" {
		t.Errorf("new users %v", nu)
	}

	// The quote is the one a draft of the new users gets: one arithmetic.
	check := draft(t, ctx, b, "EH3", false, sanne, lotte, anna)
	if _, err := b.SetPermissions(ctx, check, m.Permissions); err != nil {
		t.Fatal(err)
	}
	a, err := b.Application(ctx, check)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p.Quote, a.Quote) || p.Quote.TotalCents == 0 {
		t.Errorf("plan quote %+v\ndraft quote %+v", p.Quote, a.Quote)
	}

	// Check refuses, naming each conflict.
	err = p.Check()
	var re *reconi.Error
	if !errors.As(err, &re) || re.Kind != reconi.KindInvalid || len(re.Rows) != 2 {
		t.Fatalf("Check: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "2 users of m.yaml conflict with what organisation 69599084 already has; nothing was applied\n  piet@example.nl: application 1") {
		t.Errorf("Check: %v", err)
	}
}

func TestComputeNothingToDo(t *testing.T) {
	ctx, b := backend(t)
	draft(t, ctx, b, "EH2+", true, jan, piet)
	m := &manifest.Manifest{File: "m.yaml", Organization: "69599084", Level: reconi.EH2Plus,
		Users:       []manifest.User{user(jan, "m.yaml:1"), user(piet, "m.yaml:2")},
		Permissions: reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1}}
	p, err := manifest.Compute(ctx, b, m, manifest.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Changes || p.New != 0 || p.Present != 2 || p.Check() != nil {
		t.Errorf("plan = %+v, check %v", p, p.Check())
	}
	if len(p.Quote.Lines) != 0 || p.Quote.TotalCents != 0 {
		t.Errorf("quote for nobody = %+v", p.Quote)
	}
}

func TestComputeRefusals(t *testing.T) {
	ctx, b := backend(t)
	base := manifest.Manifest{File: "m.yaml", Organization: "69599084", Level: reconi.EH3,
		Users:       []manifest.User{user(jan, "m.yaml:1")},
		Permissions: reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1}}

	m := base
	m.Organization = "12345678"
	if _, err := manifest.Compute(ctx, b, &m, manifest.PlanOptions{}); reconi.ErrorKind(err) != reconi.KindNotFound {
		t.Errorf("unknown organisation: %v", err)
	}
	m = base
	m.Branch = "000000000001"
	if _, err := manifest.Compute(ctx, b, &m, manifest.PlanOptions{}); reconi.ErrorKind(err) != reconi.KindInvalid || !strings.Contains(err.Error(), "000000000001 is not a branch of Test EMZ Dagobert") {
		t.Errorf("unknown branch: %v", err)
	}

	// Jan at EH3 for a year: €45, the permission included with the means;
	// €54.45 with VAT.
	m = base
	limit := int64(5444)
	m.MaxPriceCents = &limit
	p, err := manifest.Compute(ctx, b, &m, manifest.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Check(); reconi.ErrorKind(err) != reconi.KindInvalid ||
		err.Error() != "max_price: the quote for 1 new user is €54.45 (VAT included), above the maximum of €54.44 in m.yaml; nothing was applied" {
		t.Errorf("over max_price: %v", err)
	}
	limit = 5445
	if err := p.Check(); err != nil {
		t.Errorf("at max_price: %v", err)
	}
}

// Permissions that step 9 would refuse are refused before anything is
// planned, each named by its place in the manifest.
func TestComputeRefusesUnusablePermissions(t *testing.T) {
	ctx, b := backend(t)
	base := manifest.Manifest{File: "m.yaml", Organization: "69599084", Level: reconi.EH2Plus,
		Users: []manifest.User{user(jan, "m.yaml:1")}}
	for _, tc := range []struct {
		name   string
		level  reconi.Level
		branch reconi.BranchNumber
		perms  reconi.PermissionsInput
		want   []string
	}{
		{"provider above the level", reconi.EH2Plus, "", reconi.PermissionsInput{Direct: true, Providers: []string{"RVO", "Belastingdienst"}},
			[]string{"m.yaml: permissions.providers[1]: none of Belastingdienst's services can be used with an EH2+ means: the lowest level they need is EH3"}},
		{"unknown provider", reconi.EH3, "", reconi.PermissionsInput{Direct: true, Providers: []string{"Gemeente Utrecht"}},
			[]string{"permissions.providers[0]", `"Gemeente Utrecht" is not a provider`, "Belastingdienst, Douane"}},
		{"provider refusing branch users", reconi.EH3, "000037178598", reconi.PermissionsInput{Direct: true, Providers: []string{"Douane", "uwv"}},
			[]string{"permissions.providers[1]", "none of UWV's services", "branch 000037178598"}},
		{"service above the level", reconi.EH2Plus, "", reconi.PermissionsInput{Direct: true,
			Services: []string{"urn:etoegang:DV:00000001000000000005:services:1", "urn:etoegang:DV:00000001000000000004:services:1"}},
			[]string{"permissions.services[1]", "Kadaster services for administrators", "requires EH3"}},
		{"service refusing branch users", reconi.EH3, "000037178598", reconi.PermissionsInput{Direct: true,
			Services: []string{"urn:etoegang:DV:00000001000000000001:services:1"}},
			[]string{"permissions.services[0]", "Mijn Belastingdienst Zakelijk", "does not accept users bound to a branch"}},
		{"unknown service", reconi.EH3, "", reconi.PermissionsInput{Direct: true, Services: []string{"urn:etoegang:DV:00000001000000000005:services:9"}},
			[]string{"permissions.services[0]", "services:9 is not in the service catalogue"}},
	} {
		m := base
		m.Level, m.Branch, m.Permissions = tc.level, tc.branch, tc.perms
		m.Permissions.ValidityYears = 1
		_, err := manifest.Compute(ctx, b, &m, manifest.PlanOptions{})
		var me *manifest.Error
		if reconi.ErrorKind(err) != reconi.KindInvalid || !errors.As(err, &me) {
			t.Errorf("%s: error %v, want an invalid manifest", tc.name, err)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", tc.name, err, w)
			}
		}
	}

	// What step 9 accepts is planned, with the services' UUIDs.
	m := base
	m.Permissions = reconi.PermissionsInput{Direct: true, Services: []string{"urn:etoegang:DV:00000001000000000005:services:1"}, ValidityYears: 1}
	p, err := manifest.Compute(ctx, b, &m, manifest.PlanOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Permissions.ServiceUUIDs; len(got) != 1 || got[0] != "fcff33b9-3892-5b34-95b2-3433958720bc" {
		t.Errorf("service uuids %v", got)
	}
}

// A permission the catalogue refuses is named with the line it was written
// on, as every other problem of a manifest is.
func TestUnusablePermissionsNameTheirLine(t *testing.T) {
	ctx, b := backend(t)
	m, err := manifest.Parse("m.yaml", []byte(`organization: "69599084"
level: EH2+
users:
  - {first_name: Jan, last_name: Jansen, email: jan@example.nl, phone: "0612345678", employed: true}
permissions:
  providers:
    - RVO
    - Belastingdienst
validity: 1y
`), time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	_, err = manifest.Compute(ctx, b, m, manifest.PlanOptions{})
	var me *manifest.Error
	if !errors.As(err, &me) || len(me.Problems) != 1 || me.Problems[0].Line != 8 || me.Problems[0].Path != "permissions.providers[1]" {
		t.Fatalf("error %v, want one problem at m.yaml:8, permissions.providers[1]", err)
	}
}
