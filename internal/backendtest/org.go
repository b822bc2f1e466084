package backendtest

import (
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// The organisation register, and wizard steps 3 to 6 (org select).

var _ = register("RegisterOrganization", func(t *testing.T, e *env) {
	o := e.register(t, reconi.NewOrganization{KVK: "01234567", Name: "  Nul Een B.V. ", Branches: []string{"0000 0000 0001", "000000000002", "000000000001"}})
	eq(t, "kvk", o.KVK, "01234567") // leading zero kept
	eq(t, "name", o.Name, "Nul Een B.V.")
	sameTime(t, "created_at", o.CreatedAt, Start)
	if len(o.Branches) != 2 || o.Branches[0].Number != "000000000001" || o.Branches[1].Number != "000000000002" {
		t.Errorf("branches = %+v, want 000000000001 and 000000000002 once each", o.Branches)
	}

	got, err := e.b.Organization(e.ctx, "01234567")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "stored kvk", got.KVK, "01234567")
	eq(t, "stored name", got.Name, "Nul Een B.V.")
	if !got.HasBranch("000000000002") || len(got.Branches) != 2 {
		t.Errorf("stored branches = %+v", got.Branches)
	}

	e.orgA(t)
	list, err := e.b.Organizations(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	var kvks []reconi.KVK
	for _, o := range list {
		kvks = append(kvks, o.KVK)
	}
	// Sorted by name: "Bakkerij ..." before "Nul Een ...".
	eqSlice(t, "organizations", kvks, []reconi.KVK{kvkA, "01234567"})
})

var _ = register("RegisterOrganizationRefusesBadInput", func(t *testing.T, e *env) {
	for _, kvk := range []string{"", "1234567", "123456789", "1234567a", "6959-9084"} {
		_, err := e.b.RegisterOrganization(e.ctx, reconi.NewOrganization{KVK: kvk, Name: "X"})
		wantErr(t, err, reconi.KindInvalid, "kvk", "8 digits")
	}
	for _, branch := range []string{"37178598", "00003717859", "0000371785981", "00003717859x"} {
		_, err := e.b.RegisterOrganization(e.ctx, reconi.NewOrganization{KVK: kvkA, Name: "X", Branches: []string{branch}})
		wantErr(t, err, reconi.KindInvalid, "branch", "12 digits")
	}
	_, err := e.b.RegisterOrganization(e.ctx, reconi.NewOrganization{KVK: kvkA, Name: "  "})
	wantErr(t, err, reconi.KindInvalid, "name", "empty")

	list, err := e.b.Organizations(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 0 {
		t.Errorf("bad input registered %d organisations", len(list))
	}
})

var _ = register("RegisterOrganizationConflicts", func(t *testing.T, e *env) {
	e.orgA(t)
	_, err := e.b.RegisterOrganization(e.ctx, reconi.NewOrganization{KVK: kvkA, Name: "Another name"})
	wantErr(t, err, reconi.KindConflict, kvkA, "already registered")

	// A branch belongs to one organisation.
	_, err = e.b.RegisterOrganization(e.ctx, reconi.NewOrganization{KVK: kvkB, Name: "B", Branches: []string{branchA}})
	wantErr(t, err, reconi.KindConflict, kvkB)
	if _, err := e.b.Organization(e.ctx, kvkB); reconi.ErrorKind(err) != reconi.KindNotFound {
		t.Errorf("a refused registration was half written: Organization(%s) = %v", kvkB, err)
	}
})

var _ = register("OrganizationNotFound", func(t *testing.T, e *env) {
	_, err := e.b.Organization(e.ctx, "99999999")
	wantErr(t, err, reconi.KindNotFound, "99999999")
	_, err = e.b.Organization(e.ctx, "9999")
	wantErr(t, err, reconi.KindInvalid, "kvk", "8 digits")
	_, err = e.b.CreateDraft(e.ctx, reconi.NewDraft{KVK: "99999999", Level: "EH3"})
	wantErr(t, err, reconi.KindNotFound, "99999999")
	_, err = reconi.AllUsers(e.ctx, e.b, reconi.UserFilter{KVK: "99999999"})
	wantErr(t, err, reconi.KindNotFound, "99999999")
})

var _ = register("CreateDraftLevels", func(t *testing.T, e *env) {
	org := e.orgA(t)
	for in, want := range map[string]reconi.Level{
		"EH2": reconi.EH2, "eh2": reconi.EH2,
		"EH2+": reconi.EH2Plus, "eh2+": reconi.EH2Plus, "loa2plus": reconi.EH2Plus,
		"EH3": reconi.EH3, "eh3": reconi.EH3, "urn:etoegang:core:assurance-class:loa3": reconi.EH3,
	} {
		a := e.draft(t, kvkA, in, "")
		eq(t, in+": level", a.Level, want)
		eq(t, in+": state", a.State, reconi.AppDraft)
		eq(t, in+": organization", a.Organization, reconi.OrgRef{KVK: kvkA, Name: org.Name})
		eq(t, in+": branch", a.Branch, "")
		eq(t, in+": created_by", a.CreatedBy, e.me)
		sameTime(t, in+": created_at", a.CreatedAt, Start)
		if a.ID <= 0 || len(a.Users) != 0 || a.Permissions != nil || a.ValidityYears != 0 || a.SubmittedAt != nil || a.Terms != nil {
			t.Errorf("%s: a new draft = %+v", in, a)
		}
		if len(a.Warnings) != 0 {
			t.Errorf("%s: warnings %q without a branch", in, a.Warnings)
		}
	}
})

var _ = register("CreateDraftRefusesEH1AndEH4", func(t *testing.T, e *env) {
	e.orgA(t)
	for _, l := range []string{"EH1", "eh1", "loa1"} {
		_, err := e.b.CreateDraft(e.ctx, reconi.NewDraft{KVK: kvkA, Level: l})
		wantErr(t, err, reconi.KindInvalid, "level", "EH1", "retired", "1 July 2021", "EH2, EH2+ or EH3")
	}
	for _, l := range []string{"EH4", "loa4"} {
		_, err := e.b.CreateDraft(e.ctx, reconi.NewDraft{KVK: kvkA, Level: l})
		wantErr(t, err, reconi.KindInvalid, "level", "EH4", "in person", "EH2, EH2+ or EH3")
	}
	for _, l := range []string{"", "EH5", "high"} {
		_, err := e.b.CreateDraft(e.ctx, reconi.NewDraft{KVK: kvkA, Level: l})
		wantErr(t, err, reconi.KindInvalid, "level", "EH2, EH2+, EH3")
	}
	_, err := e.b.CreateDraft(e.ctx, reconi.NewDraft{KVK: "6959908", Level: "EH3"})
	wantErr(t, err, reconi.KindInvalid, "kvk", "8 digits")

	apps, err := reconi.AllApplications(e.ctx, e.b, reconi.ApplicationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(apps) != 0 {
		t.Errorf("refused drafts were stored: %+v", apps)
	}
})

var _ = register("CreateDraftWithBranch", func(t *testing.T, e *env) {
	e.orgA(t)
	e.orgB(t)
	a := e.draft(t, kvkA, "EH3", "0000 3717 8598")
	eq(t, "branch", a.Branch, branchA)
	if len(a.Warnings) != 1 {
		t.Fatalf("warnings = %q, want one about the branch", a.Warnings)
	}
	for _, w := range []string{"branch", "cannot log in", "Belastingdienst", "UWV"} {
		if !contains(a.Warnings[0], w) {
			t.Errorf("branch warning %q does not mention %q", a.Warnings[0], w)
		}
	}
	// Warnings are advice about the request just made, not stored.
	if got := e.app(t, a.ID); got.Branch != branchA || len(got.Warnings) != 0 {
		t.Errorf("stored draft: branch %q, warnings %q", got.Branch, got.Warnings)
	}

	// The branch must belong to the organisation.
	_, err := e.b.CreateDraft(e.ctx, reconi.NewDraft{KVK: kvkA, Level: "EH3", Branch: branchB})
	wantErr(t, err, reconi.KindInvalid, "branch", branchB, "not a branch of", kvkA, branchA)
	_, err = e.b.CreateDraft(e.ctx, reconi.NewDraft{KVK: kvkA, Level: "EH3", Branch: "123"})
	wantErr(t, err, reconi.KindInvalid, "branch", "12 digits")
})

var _ = register("WhoamiAndTerms", func(t *testing.T, e *env) {
	a, err := e.b.Whoami(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "name", a.Name, e.me)
	terms, err := e.b.Terms(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if terms.Version == "" || terms.Text == "" || terms.Title == "" {
		t.Errorf("terms = %+v, want a version, title and text", terms)
	}
})
