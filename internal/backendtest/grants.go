package backendtest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// Changing the permissions of issued means: grants are change drafts,
// withdrawals immediate.

func (e *env) grant(t *testing.T, in reconi.NewGrant) *reconi.Application {
	t.Helper()
	a, err := e.b.CreateGrant(e.ctx, in)
	if err != nil {
		t.Fatalf("CreateGrant(%+v): %v", in, err)
	}
	return a
}

// perms lists a means' permissions in words, with their end dates.
func perms(m reconi.Means) string {
	var out []string
	for _, p := range m.Permissions {
		out = append(out, p.String()+" "+p.ExpiresAt.Format("2006-01-02"))
	}
	return strings.Join(out, ", ")
}

func (e *env) meansOf(t *testing.T, email string) reconi.Means {
	t.Helper()
	ms := e.listMeans(t, reconi.MeansFilter{Email: email})
	if len(ms) != 1 {
		t.Fatalf("%s holds %d means, want 1", email, len(ms))
	}
	return ms[0]
}

var _ = register("grants/further permissions, quoted as extra permissions, effective on submit", func(t *testing.T, e *env) {
	e.orgA(t)
	e.issue(t, kvkA, 2, 1, reconi.PermissionsInput{Direct: true, Providers: []string{"RVO"}, ValidityYears: 3})
	issuedEnd := e.meansOf(t, "user1@example.nl").ExpiresAt
	e.clock.Advance(30 * day)
	now := e.clock.Now()

	a := e.grant(t, reconi.NewGrant{KVK: kvkA, Emails: []string{"user1@example.nl", "USER2@example.nl"},
		Providers: []string{"kadaster", "Douane"}, ValidityYears: 1})
	eq(t, "kind", a.Kind, reconi.AppKindChange)
	eq(t, "state", a.State, reconi.AppDraft)
	eq(t, "permissions", a.Permissions.String(), "all services of Kadaster, Douane")
	eq(t, "lines", len(a.Means), 2)
	// 2 means x 2 permissions, each an extra permission at EH3 for 1 year.
	wantQuote(t, "grant", a.Quote, 6000, 1260, 7260, line{"extra_permission", 4, 1500})
	// A change draft takes no users and no other permissions.
	_, err := e.b.SetPermissions(e.ctx, a.ID, allServices3y)
	wantErr(t, err, reconi.KindConflict, "change")
	// Nothing changes before submit.
	eq(t, "before submit", perms(e.meansOf(t, "user1@example.nl")), "RVO "+issuedEnd.Format("2006-01-02"))

	got, err := e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: e.terms(t), NotifyEmail: "manager@example.nl"})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "state", got.State, reconi.AppCompleted)
	year := now.AddDate(1, 0, 0).Format("2006-01-02")
	for _, email := range []string{"user1@example.nl", "user2@example.nl"} {
		m := e.meansOf(t, email)
		eq(t, email+" permissions", perms(m), "RVO "+issuedEnd.Format("2006-01-02")+", Kadaster "+year+", Douane "+year)
		sameTime(t, email+" means end unchanged", m.ExpiresAt, issuedEnd)
	}
	subjects := e.outboxTo(t, "user1@example.nl")
	if s := subjects[len(subjects)-1]; !strings.Contains(s, "granted") {
		t.Errorf("user1's last email %q", s)
	}
	eqSlice(t, "manager", e.outboxTo(t, "manager@example.nl"), []string{fmt.Sprintf("Permissions granted: change %d for Bakkerij De Korenschoof", a.ID)})
	shown, err := e.b.ShowMeans(e.ctx, "user1@example.nl", kvkA)
	if err != nil {
		t.Fatal(err)
	}
	if h := shown[0].History; !strings.Contains(h[len(h)-1].Reason, "permissions granted: all services of Kadaster, Douane") {
		t.Errorf("history ends with %+v", h[len(h)-1])
	}

	// Granting one again extends it, not a second entry.
	b := e.grant(t, reconi.NewGrant{KVK: kvkA, Emails: []string{"user1@example.nl"}, Providers: []string{"Kadaster"}, ValidityYears: 5})
	wantQuote(t, "again", b.Quote, 3500, 735, 4235, line{"extra_permission", 1, 3500})
	e.submit(t, b.ID)
	eq(t, "extended", perms(e.meansOf(t, "user1@example.nl")),
		"RVO "+issuedEnd.Format("2006-01-02")+", Kadaster "+now.AddDate(5, 0, 0).Format("2006-01-02")+", Douane "+year)
})

var _ = register("grants/the level and branch rules of step 9", func(t *testing.T, e *env) {
	e.orgA(t)
	e.issue(t, kvkA, 1, 1, reconi.PermissionsInput{Direct: true, Providers: []string{"RVO"}, ValidityYears: 1})
	// A means issued on a draft restricted to branch A.
	d := e.draft(t, kvkA, "EH3", branchA)
	e.addUser(t, d.ID, user(2, true))
	e.setPermissions(t, d.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"RVO"}, ValidityYears: 1})
	e.submit(t, d.ID)
	TakeUserSteps(t, e.ctx, e.b, d.ID)

	_, err := e.b.CreateGrant(e.ctx, reconi.NewGrant{KVK: kvkA, Emails: []string{"user1@example.nl"}, Services: []string{svcUWVGegevens}, ValidityYears: 1})
	re := wantErr(t, err, reconi.KindInvalid, "nothing was granted")
	wantRows(t, re, row{1, "email", []string{"requires EH4", "EH3"}})
	_, err = e.b.CreateGrant(e.ctx, reconi.NewGrant{KVK: kvkA, Emails: []string{"user1@example.nl", "user2@example.nl"},
		Providers: []string{"Belastingdienst"}, ValidityYears: 1})
	re = wantErr(t, err, reconi.KindInvalid)
	wantRows(t, re, row{2, "email", []string{"branch " + branchA, "Belastingdienst"}})
	_, err = e.b.CreateGrant(e.ctx, reconi.NewGrant{KVK: kvkA, Emails: []string{"user1@example.nl"}, AllServices: true, Providers: []string{"RVO"}, ValidityYears: 1})
	wantRows(t, wantErr(t, err, reconi.KindInvalid), row{1, "email", []string{"not several"}})
	_, err = e.b.CreateGrant(e.ctx, reconi.NewGrant{KVK: kvkA, Emails: []string{"user1@example.nl"}, AllServices: true, ValidityYears: 4})
	wantErr(t, err, reconi.KindInvalid, "validity")
	_, err = e.b.CreateGrant(e.ctx, reconi.NewGrant{KVK: kvkA, AllServices: true, ValidityYears: 1})
	wantErr(t, err, reconi.KindInvalid, "emails")
	_, err = e.b.CreateGrant(e.ctx, reconi.NewGrant{KVK: kvkA, Emails: []string{"nobody@example.nl"}, AllServices: true, ValidityYears: 1})
	wantRows(t, wantErr(t, err, reconi.KindInvalid), row{1, "means", []string{"no means issued"}})
	// An expired means is renewed first.
	e.clock.Advance(367 * day)
	_, err = e.b.CreateGrant(e.ctx, reconi.NewGrant{KVK: kvkA, Emails: []string{"user1@example.nl"}, AllServices: true, ValidityYears: 1})
	wantRows(t, wantErr(t, err, reconi.KindInvalid), row{1, "email", []string{"expired", "means renew"}})
})

var _ = register("permissions/withdrawn at once, free, recorded, all or none", func(t *testing.T, e *env) {
	e.orgA(t)
	e.issue(t, kvkA, 1, 1, reconi.PermissionsInput{Direct: true, Services: []string{svcDouane, svcKadaster}, ValidityYears: 3})
	e.issue(t, kvkA, 1, 2, reconi.PermissionsInput{Direct: true, Providers: []string{"RVO", "Kadaster"}, ValidityYears: 3})
	one := perms(e.meansOf(t, "user1@example.nl"))

	for _, tc := range []struct {
		in   reconi.PermissionWithdrawal
		want []string
	}{
		{reconi.PermissionWithdrawal{KVK: kvkA, Emails: []string{"user1@example.nl"}, All: true}, []string{"reason"}},
		{reconi.PermissionWithdrawal{KVK: kvkA, Emails: []string{"user1@example.nl"}, Reason: "x"}, []string{"all, providers or services"}},
		{reconi.PermissionWithdrawal{KVK: kvkA, Emails: []string{"user1@example.nl"}, All: true, Providers: []string{"RVO"}, Reason: "x"}, []string{"one of"}},
		{reconi.PermissionWithdrawal{KVK: kvkA, Emails: []string{"user1@example.nl"}, Providers: []string{"Nope"}, Reason: "x"}, []string{"Nope", "not in the service catalogue"}},
		{reconi.PermissionWithdrawal{KVK: kvkA, All: true, Reason: "x"}, []string{"emails"}},
	} {
		_, err := e.b.WithdrawPermissions(e.ctx, tc.in)
		wantErr(t, err, reconi.KindInvalid, tc.want...)
	}
	// A service held only through a provider permission is no such
	// permission; nothing is withdrawn for anyone.
	_, err := e.b.WithdrawPermissions(e.ctx, reconi.PermissionWithdrawal{KVK: kvkA, Emails: []string{"user1@example.nl", "user2@example.nl"},
		Services: []string{svcKadaster}, Reason: "changed role"})
	re := wantErr(t, err, reconi.KindInvalid, "no permission was withdrawn")
	wantRows(t, re, row{2, "email", []string{"holds no such permission", "RVO, Kadaster"}})
	eq(t, "nothing withdrawn", perms(e.meansOf(t, "user1@example.nl")), one)

	// --provider Kadaster takes Kadaster's services too; a dry run nothing.
	in := reconi.PermissionWithdrawal{KVK: kvkA, Emails: []string{"user1@example.nl", "user2@example.nl"}, Providers: []string{"kadaster"},
		Reason: "changed role", DryRun: true}
	res, err := e.b.WithdrawPermissions(e.ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if !res.DryRun || len(res.Withdrawn) != 2 || res.Withdrawn[0].Service != svcKadaster || res.Withdrawn[1].Provider != "Kadaster" {
		t.Errorf("dry run %+v", res)
	}
	eq(t, "dry run changed nothing", perms(e.meansOf(t, "user1@example.nl")), one)
	in.DryRun = false
	if res, err = e.b.WithdrawPermissions(e.ctx, in); err != nil {
		t.Fatal(err)
	}
	eq(t, "result", len(res.Means), 2)
	eq(t, "result user1", len(res.Means[0].Permissions), 1)
	m1, m2 := e.meansOf(t, "user1@example.nl"), e.meansOf(t, "user2@example.nl")
	eq(t, "user1 after", len(m1.Permissions), 1)
	eq(t, "user1 keeps Douane", m1.Permissions[0].Service, reconi.ServiceID(svcDouane))
	eq(t, "user2 after", len(m2.Permissions), 1)
	eq(t, "user2 keeps RVO", m2.Permissions[0].Provider, "RVO")
	eq(t, "means stays active", m1.State, reconi.MeansActive)
	shown, err := e.b.ShowMeans(e.ctx, "user1@example.nl", kvkA)
	if err != nil {
		t.Fatal(err)
	}
	if h := shown[0].History; !strings.Contains(h[len(h)-1].Reason, "permissions withdrawn: "+svcKadaster+"; changed role") || h[len(h)-1].Actor != e.me {
		t.Errorf("history ends with %+v", h[len(h)-1])
	}
	subjects := e.outboxTo(t, "user2@example.nl")
	if s := subjects[len(subjects)-1]; !strings.Contains(s, "withdrawn") {
		t.Errorf("user2's last email %q", s)
	}
	// All of them.
	if _, err := e.b.WithdrawPermissions(e.ctx, reconi.PermissionWithdrawal{KVK: kvkA, Emails: []string{"user1@example.nl"}, All: true, Reason: "left the team"}); err != nil {
		t.Fatal(err)
	}
	eq(t, "none left", len(e.meansOf(t, "user1@example.nl").Permissions), 0)
})
