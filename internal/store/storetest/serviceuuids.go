package storetest

import (
	"database/sql"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// SeedBeforeServiceUUIDs writes, with plain SQL that both databases accept,
// the data of a database migrated up to version 6 (before services had
// ServiceUUIDs and their own branch acceptance): a provider that refuses
// branch-bound users and one that accepts them, a service of each, and an
// issued means with a permission for each service, one of them for a
// service that has since left the catalogue.
func SeedBeforeServiceUUIDs(t *testing.T, db *sql.DB) {
	t.Helper()
	for _, q := range []string{
		`INSERT INTO providers (name, oin, accepts_branch_users) VALUES ('Belastingdienst', '00000001000000000001', 0)`,
		`INSERT INTO providers (name, oin, accepts_branch_users) VALUES ('RVO', '00000001000000000005', 1)`,
		`INSERT INTO services (id, provider, name, level) VALUES ('urn:etoegang:DV:00000001000000000001:services:1', 'Belastingdienst', 'Mijn Belastingdienst Zakelijk', 'EH3')`,
		`INSERT INTO services (id, provider, name, level) VALUES ('urn:etoegang:DV:00000001000000000005:services:1', 'RVO', 'Mijn RVO', 'EH2+')`,
		`INSERT INTO organizations (kvk, name, created_at) VALUES ('69599084', 'Bakkerij', 1)`,
		`INSERT INTO applications (id, state, kvk, level, permissions, validity_years, created_by, created_at)
			VALUES (1, 'submitted', '69599084', 'EH3', '{"direct":true,"scope":"services","services":["urn:etoegang:DV:00000001000000000005:services:1","urn:etoegang:DV:00000001000000000005:services:9"]}', 1, 'tester', 1)`,
		`INSERT INTO users (id, application_id, email, email_key, first_name, last_name, phone, employed, state, updated_at)
			VALUES (1, 1, 'jan@example.nl', 'jan@example.nl', 'Jan', 'Jansen', '+31612345678', 1, 'issued', 99)`,
		`INSERT INTO means (id, user_id, application_id, kvk, email_key, level, state, issued_at, expires_at)
			VALUES (1, 1, 1, '69599084', 'jan@example.nl', 'EH3', 'active', 1000000, 4000000000000000)`,
		`INSERT INTO means_permissions (means_id, scope, provider, service, expires_at)
			VALUES (1, 'services', '', 'urn:etoegang:DV:00000001000000000005:services:1', 4000000000000000)`,
		`INSERT INTO means_permissions (means_id, scope, provider, service, expires_at)
			VALUES (1, 'services', '', 'urn:etoegang:DV:00000001000000000005:services:9', 4000000000000000)`,
		`INSERT INTO means_permissions (means_id, scope, provider, service, expires_at)
			VALUES (1, 'providers', 'RVO', '', 4000000000000000)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("seeding: %v\n%s", err, q)
		}
	}
}

// CheckServiceUUIDBackfill checks what migration 00007 made of the data of
// SeedBeforeServiceUUIDs: each service has the UUIDv5 of its ServiceID and
// its provider's branch acceptance, and each service permission the UUID
// of its ServiceID. The UUIDs were computed apart from reconi, with
// Python's uuid.uuid5(uuid.NAMESPACE_URL, id).
func CheckServiceUUIDBackfill(t *testing.T, st store.Store) {
	t.Helper()
	var cat *reconi.Catalogue
	var ms []reconi.Means
	err := st.View(t.Context(), func(tx store.Tx) (err error) {
		if cat, err = tx.Catalogue(); err != nil {
			return err
		}
		ms, err = tx.ListMeans(store.MeansFilter{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	const rvo, gone = "fcff33b9-3892-5b34-95b2-3433958720bc", "2eede00e-f7c7-5480-8107-afe93a4e6569"
	want := map[reconi.ServiceID]struct {
		uuid   reconi.ServiceUUID
		branch bool
	}{
		"urn:etoegang:DV:00000001000000000001:services:1": {"c854ef3c-a92b-5744-8665-50481b91c566", false},
		"urn:etoegang:DV:00000001000000000005:services:1": {rvo, true},
	}
	if len(cat.Services) != len(want) {
		t.Fatalf("services %+v, want %d", cat.Services, len(want))
	}
	for _, s := range cat.Services {
		w := want[s.ID]
		if s.UUID != w.uuid || s.AcceptsBranchUsers == nil || *s.AcceptsBranchUsers != w.branch {
			t.Errorf("service %s: uuid %s, branch %v; want %s, %v", s.ID, s.UUID, s.AcceptsBranchUsers, w.uuid, w.branch)
		}
	}
	if len(ms) != 1 || len(ms[0].Permissions) != 3 {
		t.Fatalf("means %+v, want one with three permissions", ms)
	}
	for i, w := range []reconi.MeansPermission{
		{Scope: reconi.ScopeServices, Service: "urn:etoegang:DV:00000001000000000005:services:1", ServiceUUID: rvo},
		{Scope: reconi.ScopeServices, Service: "urn:etoegang:DV:00000001000000000005:services:9", ServiceUUID: gone},
		{Scope: reconi.ScopeProviders, Provider: "RVO"},
	} {
		g := ms[0].Permissions[i]
		if g.Scope != w.Scope || g.Service != w.Service || g.ServiceUUID != w.ServiceUUID || g.Provider != w.Provider {
			t.Errorf("permission %d = %s %q %s %s, want %s %q %s %s", i, g.Scope, g.Provider, g.Service, g.ServiceUUID,
				w.Scope, w.Provider, w.Service, w.ServiceUUID)
		}
	}
}
