package backendtest

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// Loading the service catalogue: checked whole, the old one kept on error.

func defaultCatalogue() reconi.Catalogue {
	return reconi.Catalogue{
		Providers: []reconi.Provider{
			{Name: "Belastingdienst", OIN: "00000001000000000001", AcceptsBranchUsers: false},
			{Name: "UWV", OIN: "00000001000000000002", AcceptsBranchUsers: false},
			{Name: "Douane", OIN: "00000001000000000003", AcceptsBranchUsers: true},
			{Name: "Kadaster", OIN: "00000001000000000004", AcceptsBranchUsers: true},
			{Name: "RVO", OIN: "00000001000000000005", AcceptsBranchUsers: true},
		},
		Services: append([]reconi.Service(nil), defaultServices...),
	}
}

// smallCatalogue has one provider, which accepts branch users, with one
// EH2 service.
func smallCatalogue() reconi.Catalogue {
	return reconi.Catalogue{
		Providers: []reconi.Provider{{Name: "Gemeente Utrecht", OIN: "00000001002220647000", AcceptsBranchUsers: true}},
		Services: []reconi.Service{{ID: "urn:etoegang:DV:00000001002220647000:services:3", Provider: "Gemeente Utrecht",
			Name: "Parkeervergunning bedrijven", Level: reconi.EH2}},
	}
}

var _ = register("LoadCatalogue", func(t *testing.T, e *env) {
	if err := e.b.LoadCatalogue(e.ctx, smallCatalogue()); err != nil {
		t.Fatal(err)
	}
	got, err := e.b.Services(e.ctx, reconi.ServiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// The catalogue held says what the file left out: the UUIDv5 of the
	// ServiceID, and the provider's branch acceptance.
	want := smallCatalogue().Services
	want[0].UUID, want[0].AcceptsBranchUsers = "ad946131-a21f-5fdf-aa87-fd0bd37a724a", yes
	eqServices(t, "services", got, want)
	eqSlice(t, "EH2 services", e.services(t, reconi.ServiceFilter{Level: "EH2"}), []reconi.ServiceID{"urn:etoegang:DV:00000001002220647000:services:3"})
	// The providers of the old catalogue are gone.
	_, err = e.b.Services(e.ctx, reconi.ServiceFilter{Provider: "RVO"})
	wantErr(t, err, reconi.KindInvalid, "provider", "Gemeente Utrecht")

	// The branch warning follows the catalogue: no provider refuses branch
	// users now. Permissions follow it too.
	e.orgA(t)
	a := e.draft(t, kvkA, "EH2", branchA)
	if len(a.Warnings) != 1 || !contains(a.Warnings[0], "branch") || contains(a.Warnings[0], "Belastingdienst") || contains(a.Warnings[0], "()") {
		t.Errorf("warnings = %q, want the branch warning without Belastingdienst, which is no longer in the catalogue", a.Warnings)
	}
	p := e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"gemeente utrecht"}, ValidityYears: 1})
	eqSlice(t, "providers", p.Permissions.Providers, []string{"Gemeente Utrecht"})

	// Loading the default back restores it.
	if err := e.b.LoadCatalogue(e.ctx, defaultCatalogue()); err != nil {
		t.Fatal(err)
	}
	got, err = e.b.Services(e.ctx, reconi.ServiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	eqServices(t, "services", got, defaultServices)
})

var _ = register("LoadCatalogueRefusesBadInput", func(t *testing.T, e *env) {
	for _, tc := range []struct {
		name   string
		change func(*reconi.Catalogue)
		field  string
		want   []string
	}{
		{"bad OIN", func(c *reconi.Catalogue) { c.Providers[0].OIN = "123"; c.Services = nil }, "providers[0].oin", []string{"123", "20 digits"}},
		{"OIN with a letter", func(c *reconi.Catalogue) { c.Providers[0].OIN = "0000000100222064700X"; c.Services = nil }, "providers[0].oin", []string{"20 digits"}},
		{"provider without name", func(c *reconi.Catalogue) { c.Providers[0].Name = " "; c.Services = nil }, "providers[0].name", []string{"empty"}},
		{"service of another OIN", func(c *reconi.Catalogue) {
			c.Services[0].ID = "urn:etoegang:DV:00000001000000000005:services:1"
		}, "services[0].id", []string{"00000001000000000005", "00000001002220647000", "Gemeente Utrecht"}},
		{"bad ServiceID", func(c *reconi.Catalogue) { c.Services[0].ID = "urn:etoegang:DV:00000001002220647000:services:0" }, "services[0].id", []string{"ServiceID", "index ≥ 1"}},
		{"name too long", func(c *reconi.Catalogue) { c.Services[0].Name = strings.Repeat("n", 65) }, "services[0].name", []string{"64", "65"}},
		{"empty name", func(c *reconi.Catalogue) { c.Services[0].Name = "" }, "services[0].name", []string{"64"}},
		{"unknown level", func(c *reconi.Catalogue) { c.Services[0].Level = "EH5" }, "services[0].level", []string{"EH5", "EH2, EH2+, EH3 or EH4"}},
		{"unknown provider", func(c *reconi.Catalogue) { c.Services[0].Provider = "Gemeente Amsterdam" }, "services[0].provider", []string{"Gemeente Amsterdam"}},
	} {
		c := smallCatalogue()
		tc.change(&c)
		err := e.b.LoadCatalogue(e.ctx, c)
		if reconi.ErrorKind(err) != reconi.KindInvalid {
			t.Errorf("%s: error %v, want invalid", tc.name, err)
			continue
		}
		re := wantErr(t, err, reconi.KindInvalid, "nothing was changed")
		if len(re.Rows) != 1 || re.Rows[0].Field != tc.field {
			t.Errorf("%s: row problems %+v, want one for %s", tc.name, re.Rows, tc.field)
			continue
		}
		for _, w := range tc.want {
			if !contains(re.Rows[0].Message, w) {
				t.Errorf("%s: message %q does not contain %q", tc.name, re.Rows[0].Message, w)
			}
		}
	}

	// A 64-character name is fine.
	c := smallCatalogue()
	c.Services[0].Name = strings.Repeat("ë", 64)
	if err := e.b.LoadCatalogue(e.ctx, c); err != nil {
		t.Errorf("a name of 64 characters: %v", err)
	}
	if err := e.b.LoadCatalogue(e.ctx, defaultCatalogue()); err != nil {
		t.Fatal(err)
	}

	// Several problems at once, and the catalogue in force stays.
	c = smallCatalogue()
	c.Providers[0].OIN = "123"
	c.Services = append(c.Services,
		reconi.Service{ID: "urn:etoegang:DV:00000001002220647000:services:4", Provider: "Gemeente Utrecht", Name: strings.Repeat("x", 65), Level: reconi.EH3},
		reconi.Service{ID: "urn:etoegang:DV:00000001002220647000:services:5", Provider: "Gemeente Utrecht", Name: "Afval", Level: "EH1"})
	err := e.b.LoadCatalogue(e.ctx, c)
	re := wantErr(t, err, reconi.KindInvalid)
	fields := make([]string, len(re.Rows))
	for i, r := range re.Rows {
		fields[i] = r.Field
	}
	// The services' OIN is checked against the provider's, which is bad
	// itself; what must be there is each problem named by its field.
	for _, f := range []string{"providers[0].oin", "services[1].name", "services[2].level"} {
		found := false
		for _, g := range fields {
			found = found || g == f
		}
		if !found {
			t.Errorf("row problems %v do not name %s", fields, f)
		}
	}
	got, err := e.b.Services(e.ctx, reconi.ServiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	eqServices(t, "services after a refused catalogue", got, defaultServices)
})

// finerCatalogue sets branch acceptance and ServiceUUIDs per service: a
// provider's value is only the default of services that do not say.
func finerCatalogue() reconi.Catalogue {
	return reconi.Catalogue{
		Providers: []reconi.Provider{
			{Name: "Gemeente Utrecht", OIN: "00000001002220647000", AcceptsBranchUsers: true},
			{Name: "Waterschap", OIN: "00000001002220647001", AcceptsBranchUsers: false},
		},
		Services: []reconi.Service{
			{ID: "urn:etoegang:DV:00000001002220647000:services:3", Provider: "Gemeente Utrecht", Name: "Parkeervergunning bedrijven", Level: reconi.EH2},
			{ID: "urn:etoegang:DV:00000001002220647000:services:4", UUID: "0F0E0D0C-0B0A-4908-8706-050403020100",
				Provider: "Gemeente Utrecht", Name: "Belastingen", Level: reconi.EH2, AcceptsBranchUsers: no},
			{ID: "urn:etoegang:DV:00000001002220647001:services:1", Provider: "Waterschap", Name: "Heffingen", Level: reconi.EH3, AcceptsBranchUsers: yes},
			{ID: "urn:etoegang:DV:00000001002220647001:services:2", Provider: "Waterschap", Name: "Aangifte", Level: reconi.EH2},
		},
	}
}

var _ = register("CatalogueServiceFacts", func(t *testing.T, e *env) {
	if err := e.b.LoadCatalogue(e.ctx, finerCatalogue()); err != nil {
		t.Fatal(err)
	}
	got, err := e.b.Services(e.ctx, reconi.ServiceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	// A UUID given is kept (in lower case); one left out is the UUIDv5 of
	// the ServiceID in the URL namespace; branch acceptance left out is
	// the provider's.
	eqServices(t, "services", got, []reconi.Service{
		{ID: "urn:etoegang:DV:00000001002220647000:services:4", UUID: "0f0e0d0c-0b0a-4908-8706-050403020100",
			Provider: "Gemeente Utrecht", Name: "Belastingen", Level: reconi.EH2, AcceptsBranchUsers: no},
		{ID: "urn:etoegang:DV:00000001002220647000:services:3", UUID: "ad946131-a21f-5fdf-aa87-fd0bd37a724a",
			Provider: "Gemeente Utrecht", Name: "Parkeervergunning bedrijven", Level: reconi.EH2, AcceptsBranchUsers: yes},
		{ID: "urn:etoegang:DV:00000001002220647001:services:2", UUID: "d4fe6934-6dc5-5fff-836c-c3bd538cc9d4",
			Provider: "Waterschap", Name: "Aangifte", Level: reconi.EH2, AcceptsBranchUsers: no},
		{ID: "urn:etoegang:DV:00000001002220647001:services:1", UUID: "bfdc3288-061b-5338-84b4-5263f1b7e1f8",
			Provider: "Waterschap", Name: "Heffingen", Level: reconi.EH3, AcceptsBranchUsers: yes},
	})

	e.orgA(t)
	eh2 := e.draft(t, kvkA, "EH2", branchA)
	// A provider with one service that accepts branch-bound users is
	// allowed, with advice about the other.
	p := e.setPermissions(t, eh2.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"Gemeente Utrecht"}, ValidityYears: 1})
	eqSlice(t, "providers", p.Permissions.Providers, []string{"Gemeente Utrecht"})
	found := false
	for _, w := range p.Warnings {
		found = found || contains(w, "Belastingen") && contains(w, "branch")
	}
	if !found {
		t.Errorf("warnings = %q, want advice that Belastingen refuses branch-bound users", p.Warnings)
	}
	// That service itself is refused, per service now.
	_, err = e.b.SetPermissions(e.ctx, eh2.ID, reconi.PermissionsInput{Direct: true,
		Services: []string{"urn:etoegang:DV:00000001002220647000:services:4"}, ValidityYears: 1})
	wantErr(t, err, reconi.KindInvalid, "service", "Belastingen", "does not accept users bound to a branch", branchA)
	// Waterschap at EH2 on a branch: Heffingen needs EH3, Aangifte refuses
	// branch-bound users (the provider's default): nothing is usable.
	_, err = e.b.SetPermissions(e.ctx, eh2.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"waterschap"}, ValidityYears: 1})
	wantErr(t, err, reconi.KindInvalid, "provider", "Waterschap", "accepts users bound to a branch", branchA)
	// At EH3 Heffingen accepts them although its provider's default does not.
	eh3 := e.draft(t, kvkA, "EH3", branchA)
	p = e.setPermissions(t, eh3.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"Waterschap"}, ValidityYears: 1})
	eqSlice(t, "providers", p.Permissions.Providers, []string{"Waterschap"})
	p = e.setPermissions(t, eh3.ID, reconi.PermissionsInput{Direct: true,
		Services: []string{"urn:etoegang:DV:00000001002220647001:services:1"}, ValidityYears: 1})
	eqSlice(t, "service uuids", p.Permissions.ServiceUUIDs, []reconi.ServiceUUID{got[3].UUID})
	// Without a branch, the same services are fine.
	plain := e.draft(t, kvkA, "EH2", "")
	p = e.setPermissions(t, plain.ID, reconi.PermissionsInput{Direct: true,
		Services: []string{"urn:etoegang:DV:00000001002220647000:services:4", "urn:etoegang:DV:00000001002220647000:services:3"}, ValidityYears: 1})
	eqSlice(t, "service uuids", p.Permissions.ServiceUUIDs,
		[]reconi.ServiceUUID{"0f0e0d0c-0b0a-4908-8706-050403020100", "ad946131-a21f-5fdf-aa87-fd0bd37a724a"})
	eqSlice(t, "stored service uuids", e.app(t, plain.ID).Permissions.ServiceUUIDs, p.Permissions.ServiceUUIDs)

	// Bad ServiceUUIDs are refused, naming the row.
	for _, tc := range []struct {
		name  string
		uuid  reconi.ServiceUUID
		index int
		want  string
	}{
		{"not a UUID", "parkeren", 0, "not a UUID"},
		{"no hyphens", "0f0e0d0c0b0a49088706050403020100", 0, "not a UUID"},
		{"all zeros", "00000000-0000-0000-0000-000000000000", 0, "not a UUID"},
		{"twice", "0F0E0D0C-0B0A-4908-8706-050403020100", 2, "already the ServiceUUID of urn:etoegang:DV:00000001002220647000:services:4"},
	} {
		c := finerCatalogue()
		c.Services[tc.index].UUID = tc.uuid
		err := e.b.LoadCatalogue(e.ctx, c)
		re := wantErr(t, err, reconi.KindInvalid, "nothing was changed")
		if re == nil || len(re.Rows) != 1 || !contains(re.Rows[0].Field, "service_uuid") || !contains(re.Rows[0].Message, tc.want) {
			t.Errorf("%s: rows %+v, want one for service_uuid saying %q", tc.name, re, tc.want)
		}
	}
	if err := e.b.LoadCatalogue(e.ctx, defaultCatalogue()); err != nil {
		t.Fatal(err)
	}
})

// eqServices compares catalogue entries by value (AcceptsBranchUsers is a
// pointer: a file may leave it out).
func eqServices(t *testing.T, what string, got, want []reconi.Service) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %s, want %s", what, showServices(got), showServices(want))
	}
}

func showServices(svcs []reconi.Service) string {
	out := make([]string, len(svcs))
	for i, s := range svcs {
		branch := "unset"
		if s.AcceptsBranchUsers != nil {
			branch = fmt.Sprint(*s.AcceptsBranchUsers)
		}
		out[i] = fmt.Sprintf("{%s %s %s %q %s branch=%s}", s.ID, s.UUID, s.Provider, s.Name, s.Level, branch)
	}
	return "[" + strings.Join(out, " ") + "]"
}
