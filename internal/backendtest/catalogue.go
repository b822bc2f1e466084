package backendtest

import (
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
	eqSlice(t, "services", got, smallCatalogue().Services)
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
	eqSlice(t, "services", got, defaultServices)
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
	eqSlice(t, "services after a refused catalogue", got, defaultServices)
})
