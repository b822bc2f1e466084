package reconi_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

func TestPermissionsCountAndString(t *testing.T) {
	const rvo = "urn:etoegang:DV:00000001000000000005:services:1"
	const kad = "urn:etoegang:DV:00000001000000000004:services:1"
	for _, tc := range []struct {
		name  string
		p     *reconi.Permissions
		count int
		str   string
	}{
		{"not set", nil, 0, "not set"},
		{"none", &reconi.Permissions{Direct: false, Scope: reconi.ScopeNone}, 0, "none: the users cannot log in anywhere yet"},
		{"all services", &reconi.Permissions{Direct: true, Scope: reconi.ScopeAllServices}, 1, "all services of all providers"},
		{"one provider", &reconi.Permissions{Direct: true, Scope: reconi.ScopeProviders, Providers: []string{"RVO"}}, 1, "all services of RVO"},
		{"two providers", &reconi.Permissions{Direct: true, Scope: reconi.ScopeProviders, Providers: []string{"RVO", "Kadaster"}}, 2, "all services of RVO, Kadaster"},
		{"services", &reconi.Permissions{Direct: true, Scope: reconi.ScopeServices, Services: []reconi.ServiceID{rvo, kad}}, 2, rvo + ", " + kad},
		// Not added directly: nothing is priced, whatever else is set.
		{"not direct", &reconi.Permissions{Direct: false, Scope: reconi.ScopeServices, Services: []reconi.ServiceID{rvo}}, 0, rvo},
		{"unknown scope", &reconi.Permissions{Direct: true, Scope: "everything"}, 0, "none: the users cannot log in anywhere yet"},
	} {
		if got := tc.p.Count(); got != tc.count {
			t.Errorf("%s: Count() = %d, want %d", tc.name, got, tc.count)
		}
		if got := tc.p.String(); got != tc.str {
			t.Errorf("%s: String() = %q, want %q", tc.name, got, tc.str)
		}
	}
}

func TestErrors(t *testing.T) {
	if reconi.ErrorKind(nil) != "" {
		t.Error("ErrorKind(nil) must be empty")
	}
	if k := reconi.ErrorKind(errors.New("disk on fire")); k != reconi.KindInternal {
		t.Errorf("an unclassified error is %q, want internal", k)
	}
	inner := reconi.Errorf(reconi.KindConflict, "draft %d was submitted", 7)
	wrapped := fmt.Errorf("apply: %w", inner)
	if k := reconi.ErrorKind(wrapped); k != reconi.KindConflict {
		t.Errorf("a wrapped error is %q, want conflict", k)
	}
	if m := reconi.ErrorMessage(wrapped); m != "draft 7 was submitted" {
		t.Errorf("ErrorMessage = %q", m)
	}
	if m := reconi.Invalid("kvk", "%q is bad", "x").Message; m != `kvk: "x" is bad` {
		t.Errorf("Invalid message = %q", m)
	}
	e := &reconi.Error{Kind: reconi.KindInvalid, Message: "2 of 3 rows are not valid", RowsOmitted: 4, Rows: []reconi.RowError{
		{Line: 3, Field: "email", Message: "is empty"},
		{Field: "services[0].id", Message: "bad"},
	}}
	want := "2 of 3 rows are not valid\n  line 3: email: is empty\n  services[0].id: bad\n  ... and 4 more"
	if e.Error() != want {
		t.Errorf("Error() = %q, want %q", e.Error(), want)
	}
}

func TestActor(t *testing.T) {
	if a := reconi.ActorFrom(context.Background()); a.Role != "" || a.Name != "" {
		t.Errorf("a bare context has actor %+v, want none", a)
	}
	want := reconi.Actor{Name: "jan", Role: reconi.RoleManager, Orgs: []reconi.KVK{"69599084"}}
	got := reconi.ActorFrom(reconi.WithActor(context.Background(), want))
	if got.Name != want.Name || got.Role != want.Role || len(got.Orgs) != 1 || got.Orgs[0] != "69599084" {
		t.Errorf("ActorFrom = %+v, want %+v", got, want)
	}
}
