package backendtest

import (
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// The service catalogue, and wizard step 9: permissions and validity.

// defaultServices is the default catalogue as Services lists it: by
// provider, then name.
var defaultServices = []reconi.Service{
	{ID: svcBelastingdienst, UUID: "c854ef3c-a92b-5744-8665-50481b91c566", Provider: "Belastingdienst", Name: "Mijn Belastingdienst Zakelijk", Level: reconi.EH3, AcceptsBranchUsers: no},
	{ID: svcDouane, UUID: "d70474d0-9726-5a2e-9a1c-91d0fbede618", Provider: "Douane", Name: "EU Trader Portals", Level: reconi.EH3, AcceptsBranchUsers: yes},
	{ID: svcKadaster, UUID: "26ea7b0e-e7a2-5713-96ca-0c4912f3793b", Provider: "Kadaster", Name: "Kadaster services for administrators", Level: reconi.EH3, AcceptsBranchUsers: yes},
	{ID: svcRVO, UUID: "fcff33b9-3892-5b34-95b2-3433958720bc", Provider: "RVO", Name: "Mijn RVO", Level: reconi.EH2Plus, AcceptsBranchUsers: yes},
	{ID: svcUWVGegevens, UUID: "07567543-2a51-5eaf-a761-a13256c48885", Provider: "UWV", Name: "Mijn Gegevensdiensten", Level: reconi.EH4, AcceptsBranchUsers: no},
	{ID: svcUWVWerkgevers, UUID: "4a513a16-4f9b-5a09-ae97-10494203eeb2", Provider: "UWV", Name: "Werkgeversportaal", Level: reconi.EH3, AcceptsBranchUsers: no},
}

func (e *env) services(t *testing.T, f reconi.ServiceFilter) []reconi.ServiceID {
	t.Helper()
	list, err := e.b.Services(e.ctx, f)
	if err != nil {
		t.Fatalf("Services(%+v): %v", f, err)
	}
	ids := make([]reconi.ServiceID, len(list))
	for i, s := range list {
		ids[i] = s.ID
	}
	return ids
}

var _ = register("Services", func(t *testing.T, e *env) {
	all, err := e.b.Services(e.ctx, reconi.ServiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	eqServices(t, "default catalogue", all, defaultServices)

	for _, tc := range []struct {
		f    reconi.ServiceFilter
		want []reconi.ServiceID
	}{
		{reconi.ServiceFilter{Level: "EH2"}, []reconi.ServiceID{}},
		{reconi.ServiceFilter{Level: "EH2+"}, []reconi.ServiceID{svcRVO}},
		{reconi.ServiceFilter{Level: "loa2plus"}, []reconi.ServiceID{svcRVO}},
		{reconi.ServiceFilter{Level: "eh3"}, []reconi.ServiceID{svcBelastingdienst, svcDouane, svcKadaster, svcRVO, svcUWVWerkgevers}},
		{reconi.ServiceFilter{Level: "EH4"}, []reconi.ServiceID{svcBelastingdienst, svcDouane, svcKadaster, svcRVO, svcUWVGegevens, svcUWVWerkgevers}},
		{reconi.ServiceFilter{Provider: "uwv"}, []reconi.ServiceID{svcUWVGegevens, svcUWVWerkgevers}},
		{reconi.ServiceFilter{Provider: "UWV", Level: "EH3"}, []reconi.ServiceID{svcUWVWerkgevers}},
		{reconi.ServiceFilter{Provider: "Belastingdienst", Level: "EH2+"}, []reconi.ServiceID{}},
	} {
		eqSlice(t, "services "+tc.f.Level+" "+tc.f.Provider, e.services(t, tc.f), tc.want)
	}

	_, err = e.b.Services(e.ctx, reconi.ServiceFilter{Provider: "Gemeente Utrecht"})
	wantErr(t, err, reconi.KindInvalid, "provider", "Gemeente Utrecht", "Belastingdienst", "Douane", "Kadaster", "RVO", "UWV")
	_, err = e.b.Services(e.ctx, reconi.ServiceFilter{Level: "EH1"})
	wantErr(t, err, reconi.KindInvalid, "level", "1 July 2021")
	_, err = e.b.Services(e.ctx, reconi.ServiceFilter{Level: "EH9"})
	wantErr(t, err, reconi.KindInvalid, "level", "EH2, EH2+, EH3 or EH4")
})

var _ = register("SetPermissions", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	e.clock.Advance(minute)

	got := e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 5})
	eq(t, "scope", got.Permissions.Scope, reconi.ScopeAllServices)
	eq(t, "direct", got.Permissions.Direct, true)
	eq(t, "count", got.Permissions.Count(), 1)
	eq(t, "validity", got.ValidityYears, 5)
	// EH3 is below UWV Mijn Gegevensdiensten (EH4): say so, but allow the
	// permission, which covers future services too.
	if len(got.Warnings) != 1 || !contains(got.Warnings[0], "Mijn Gegevensdiensten") || !contains(got.Warnings[0], "EH4") {
		t.Errorf("warnings = %q, want one about Mijn Gegevensdiensten needing EH4", got.Warnings)
	}

	// Providers by any case, stored as the catalogue spells them, once.
	got = e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"rvo", "KADASTER", "RVO"}, ValidityYears: 3})
	eq(t, "scope", got.Permissions.Scope, reconi.ScopeProviders)
	eqSlice(t, "providers", got.Permissions.Providers, []string{"RVO", "Kadaster"})
	eq(t, "count", got.Permissions.Count(), 2)
	eq(t, "validity", got.ValidityYears, 3)
	if len(got.Warnings) != 0 {
		t.Errorf("warnings = %q, want none", got.Warnings)
	}

	got = e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, Services: []string{svcDouane, " " + svcRVO, svcDouane}, ValidityYears: 1})
	eq(t, "scope", got.Permissions.Scope, reconi.ScopeServices)
	eqSlice(t, "services", got.Permissions.Services, []reconi.ServiceID{svcDouane, svcRVO})
	eq(t, "count", got.Permissions.Count(), 2)
	eq(t, "validity", got.ValidityYears, 1)

	// What was set last is what the draft keeps.
	stored := e.app(t, a.ID)
	eqSlice(t, "stored services", stored.Permissions.Services, []reconi.ServiceID{svcDouane, svcRVO})
	eq(t, "stored validity", stored.ValidityYears, 1)
})

var _ = register("SetPermissionsNotDirectly", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	got := e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: false, ValidityYears: 1})
	eq(t, "direct", got.Permissions.Direct, false)
	eq(t, "scope", got.Permissions.Scope, reconi.ScopeNone)
	eq(t, "count", got.Permissions.Count(), 0)
	if len(got.Warnings) != 1 || !contains(got.Warnings[0], "cannot log in") {
		t.Errorf("warnings = %q, want one that the users cannot log in", got.Warnings)
	}

	_, err := e.b.SetPermissions(e.ctx, a.ID, reconi.PermissionsInput{Direct: false, AllServices: true, ValidityYears: 1})
	wantErr(t, err, reconi.KindInvalid, "direct")
	_, err = e.b.SetPermissions(e.ctx, a.ID, reconi.PermissionsInput{Direct: false, Providers: []string{"RVO"}, ValidityYears: 1})
	wantErr(t, err, reconi.KindInvalid, "direct")
	_, err = e.b.SetPermissions(e.ctx, a.ID, reconi.PermissionsInput{Direct: false, Services: []string{svcRVO}, ValidityYears: 1})
	wantErr(t, err, reconi.KindInvalid, "direct")
})

var _ = register("SetPermissionsRefusesBadInput", func(t *testing.T, e *env) {
	e.orgA(t)
	eh3 := e.draft(t, kvkA, "EH3", "")
	eh2plus := e.draft(t, kvkA, "EH2+", "")
	before := e.setPermissions(t, eh3.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"Douane"}, ValidityYears: 3})

	for _, tc := range []struct {
		name string
		app  int64
		in   reconi.PermissionsInput
		kind reconi.Kind
		want []string
	}{
		{"no scope", eh3.ID, reconi.PermissionsInput{Direct: true, ValidityYears: 1},
			reconi.KindInvalid, []string{"permissions", "all_services", "providers", "services"}},
		{"two scopes", eh3.ID, reconi.PermissionsInput{Direct: true, AllServices: true, Providers: []string{"RVO"}, ValidityYears: 1},
			reconi.KindInvalid, []string{"permissions", "not several"}},
		{"three scopes", eh3.ID, reconi.PermissionsInput{Direct: true, AllServices: true, Providers: []string{"RVO"}, Services: []string{svcRVO}, ValidityYears: 1},
			reconi.KindInvalid, []string{"permissions", "not several"}},
		{"unknown provider", eh3.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"Gemeente Utrecht"}, ValidityYears: 1},
			reconi.KindInvalid, []string{"provider", "Gemeente Utrecht", "Belastingdienst", "RVO", "UWV"}},
		{"unknown service", eh3.ID, reconi.PermissionsInput{Direct: true, Services: []string{"urn:etoegang:DV:00000001000000000005:services:9"}, ValidityYears: 1},
			reconi.KindInvalid, []string{"service", "services:9", "not in the service catalogue"}},
		{"malformed service", eh3.ID, reconi.PermissionsInput{Direct: true, Services: []string{"Mijn RVO"}, ValidityYears: 1},
			reconi.KindInvalid, []string{"service", "urn:etoegang:DV:"}},
		{"service above the level", eh2plus.ID, reconi.PermissionsInput{Direct: true, Services: []string{svcBelastingdienst}, ValidityYears: 1},
			reconi.KindInvalid, []string{"service", "Mijn Belastingdienst Zakelijk", "requires EH3", "EH2+"}},
		{"EH4 service on EH3", eh3.ID, reconi.PermissionsInput{Direct: true, Services: []string{svcUWVGegevens}, ValidityYears: 1},
			reconi.KindInvalid, []string{"Mijn Gegevensdiensten", "EH4", "EH3"}},
		{"validity 0", eh3.ID, reconi.PermissionsInput{Direct: true, AllServices: true},
			reconi.KindInvalid, []string{"validity", "1, 3 or 5"}},
		{"validity 2", eh3.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 2},
			reconi.KindInvalid, []string{"validity", "1, 3 or 5", "at most 5"}},
		{"validity 10", eh3.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 10},
			reconi.KindInvalid, []string{"validity", "1, 3 or 5"}},
		{"unknown draft", 99999, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1},
			reconi.KindNotFound, []string{"99999"}},
	} {
		_, err := e.b.SetPermissions(e.ctx, tc.app, tc.in)
		if reconi.ErrorKind(err) != tc.kind {
			t.Errorf("%s: error %v, want %s", tc.name, err, tc.kind)
			continue
		}
		for _, w := range tc.want {
			if !contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", tc.name, err, w)
			}
		}
	}
	// Nothing refused changed the draft.
	after := e.app(t, eh3.ID)
	eqSlice(t, "providers", after.Permissions.Providers, before.Permissions.Providers)
	eq(t, "validity", after.ValidityYears, 3)
	if a := e.app(t, eh2plus.ID); a.Permissions != nil {
		t.Errorf("a refused permission was stored: %+v", a.Permissions)
	}
})

var _ = register("SetPermissionsOnABranch", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", branchA)

	for _, tc := range []struct {
		in       reconi.PermissionsInput
		provider string
	}{
		{reconi.PermissionsInput{Direct: true, Providers: []string{"Belastingdienst"}, ValidityYears: 1}, "Belastingdienst"},
		{reconi.PermissionsInput{Direct: true, Providers: []string{"RVO", "uwv"}, ValidityYears: 1}, "UWV"},
	} {
		_, err := e.b.SetPermissions(e.ctx, a.ID, tc.in)
		wantErr(t, err, reconi.KindInvalid, "provider", "none of "+tc.provider+"'s services", "accepts users bound to a branch", branchA)
	}
	_, err := e.b.SetPermissions(e.ctx, a.ID, reconi.PermissionsInput{Direct: true, Services: []string{svcUWVWerkgevers}, ValidityYears: 1})
	wantErr(t, err, reconi.KindInvalid, "service", "UWV", "Werkgeversportaal", "branch", branchA)
	_, err = e.b.SetPermissions(e.ctx, a.ID, reconi.PermissionsInput{Direct: true, Services: []string{svcBelastingdienst}, ValidityYears: 1})
	wantErr(t, err, reconi.KindInvalid, "Belastingdienst", "branch")

	// Providers that accept branch users are fine.
	got := e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"RVO", "Douane"}, ValidityYears: 1})
	eqSlice(t, "providers", got.Permissions.Providers, []string{"RVO", "Douane"})
	got = e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, Services: []string{svcKadaster}, ValidityYears: 1})
	eqSlice(t, "services", got.Permissions.Services, []reconi.ServiceID{svcKadaster})
	// All services is allowed, with the branch warning.
	got = e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1})
	found := false
	for _, w := range got.Warnings {
		if contains(w, "branch") && contains(w, "Belastingdienst") && contains(w, "UWV") {
			found = true
		}
	}
	if !found {
		t.Errorf("warnings = %q, want the branch warning naming Belastingdienst and UWV", got.Warnings)
	}
})

var _ = register("SetPermissionsRefusesUnusableProviders", func(t *testing.T, e *env) {
	e.orgA(t)
	eh2plus := e.draft(t, kvkA, "EH2+", "")
	// None of these providers' services can be used with an EH2+ means: a
	// permission for all of them would be paid for and never used.
	for _, tc := range []struct{ provider, lowest string }{
		{"Belastingdienst", "EH3"}, {"uwv", "EH3"}, {"Kadaster", "EH3"},
	} {
		_, err := e.b.SetPermissions(e.ctx, eh2plus.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"RVO", tc.provider}, ValidityYears: 1})
		wantErr(t, err, reconi.KindInvalid, "provider", "none of", "an EH2+ means", "the lowest level they need is "+tc.lowest)
	}
	if a := e.app(t, eh2plus.ID); a.Permissions != nil {
		t.Errorf("a refused permission was stored: %+v", a.Permissions)
	}
	got := e.setPermissions(t, eh2plus.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"RVO"}, ValidityYears: 1})
	eqSlice(t, "providers", got.Permissions.Providers, []string{"RVO"})

	// At EH3 UWV is fine: Werkgeversportaal needs EH3, and the advice says
	// Mijn Gegevensdiensten (EH4) cannot be used.
	eh3 := e.draft(t, kvkA, "EH3", "")
	got = e.setPermissions(t, eh3.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"UWV"}, ValidityYears: 1})
	if len(got.Warnings) != 1 || !contains(got.Warnings[0], "Mijn Gegevensdiensten") || !contains(got.Warnings[0], "EH4") {
		t.Errorf("warnings = %q, want one about Mijn Gegevensdiensten needing EH4", got.Warnings)
	}

	// A provider the catalogue has no services of yet is refused too.
	c := defaultCatalogue()
	c.Providers = append(c.Providers, reconi.Provider{Name: "Gemeente Utrecht", OIN: "00000001002220647000", AcceptsBranchUsers: true})
	if err := e.b.LoadCatalogue(e.ctx, c); err != nil {
		t.Fatal(err)
	}
	_, err := e.b.SetPermissions(e.ctx, eh3.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"Gemeente Utrecht"}, ValidityYears: 1})
	wantErr(t, err, reconi.KindInvalid, "provider", "Gemeente Utrecht", "no services")

	// The check is made again on submit: a catalogue that raised RVO's
	// only service to EH3 since step 9 stops the EH2+ draft.
	e.addUser(t, eh2plus.ID, user(1, true))
	c = defaultCatalogue()
	for i := range c.Services {
		if c.Services[i].ID == svcRVO {
			c.Services[i].Level = reconi.EH3
		}
	}
	if err := e.b.LoadCatalogue(e.ctx, c); err != nil {
		t.Fatal(err)
	}
	_, err = e.b.Submit(e.ctx, eh2plus.ID, reconi.Submission{AgreeTerms: true, TermsVersion: e.terms(t)})
	wantErr(t, err, reconi.KindInvalid, "provider", "RVO", "EH2+", "EH3")
	if err := e.b.LoadCatalogue(e.ctx, defaultCatalogue()); err != nil {
		t.Fatal(err)
	}
})

var _ = register("MeansPermissionsAreRegisteredAgainstServiceUUIDs", func(t *testing.T, e *env) {
	e.orgA(t)
	e.issue(t, kvkA, 1, 1, reconi.PermissionsInput{Direct: true, Services: []string{svcRVO, svcKadaster}, ValidityYears: 1})
	ms := e.listMeans(t, reconi.MeansFilter{KVK: kvkA})
	if len(ms) != 1 || len(ms[0].Permissions) != 2 {
		t.Fatalf("means %+v, want one with two permissions", ms)
	}
	eq(t, "first service", ms[0].Permissions[0].Service, reconi.ServiceID(svcRVO))
	eq(t, "first service uuid", ms[0].Permissions[0].ServiceUUID, defaultServices[3].UUID)
	eq(t, "second service uuid", ms[0].Permissions[1].ServiceUUID, defaultServices[2].UUID)

	// The operator renumbers RVO's service but keeps its ServiceUUID: the
	// permission follows the UUID and reads the new ServiceID.
	c := defaultCatalogue()
	for i := range c.Services {
		if c.Services[i].ID == svcRVO {
			c.Services[i].ID = "urn:etoegang:DV:00000001000000000005:services:7"
			c.Services[i].UUID = defaultServices[3].UUID
		}
	}
	if err := e.b.LoadCatalogue(e.ctx, c); err != nil {
		t.Fatal(err)
	}
	ms = e.listMeans(t, reconi.MeansFilter{KVK: kvkA})
	eq(t, "renumbered service", ms[0].Permissions[0].Service, reconi.ServiceID("urn:etoegang:DV:00000001000000000005:services:7"))
	eq(t, "its uuid", ms[0].Permissions[0].ServiceUUID, defaultServices[3].UUID)
	if err := e.b.LoadCatalogue(e.ctx, defaultCatalogue()); err != nil {
		t.Fatal(err)
	}
})
