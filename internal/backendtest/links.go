package backendtest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// One person, one means: a user who holds an active means for another
// organisation is linked, not sold a second means.

var _ = register("links/a user holding a means is linked to another organisation, not sold a second", func(t *testing.T, e *env) {
	e.orgA(t)
	e.orgB(t)
	e.issue(t, kvkA, 1, 1, allServices3y)
	held := e.meansOf(t, "user1@example.nl")
	e.clock.Advance(10 * day)

	// Organisation B adds user1 (same email and mobile number) at a lower
	// level, user2 who holds nothing, and user3 whose mobile number differs
	// from the one of a means they hold.
	e.issue(t, kvkA, 1, 3, allServices3y)
	d := e.draft(t, kvkB, "EH2+", "")
	e.addUser(t, d.ID, user(1, true))
	e.addUser(t, d.ID, user(2, false))
	u3 := user(3, true)
	u3.Phone = "06 19999999"
	e.addUser(t, d.ID, u3)
	a := e.setPermissions(t, d.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1})
	if len(a.Links) != 1 || a.Links[0].Email != "user1@example.nl" || a.Links[0].MeansID != held.ID ||
		a.Links[0].Organization.KVK != kvkA || a.Links[0].Level != reconi.EH3 {
		t.Fatalf("links %+v", a.Links)
	}
	// 2 new means at €20 with their permission included, the link at its
	// price with its permission extra, 1 identification (user2).
	wantQuote(t, "with a link", a.Quote, 4000+1000+1000+1000, 1470, 8470,
		line{"means", 2, 2000}, line{"link", 1, 1000}, line{"included_permissions", 2, 0}, line{"extra_permission", 1, 1000},
		line{"identification", 1, 1000})
	// What plan asks before a draft exists says the same.
	links, err := e.b.Links(e.ctx, reconi.LinkQuery{KVK: kvkB, Level: "EH2+", People: []reconi.LinkPerson{
		{Email: "USER1@example.nl", Phone: "06 12000001"}, {Email: "user2@example.nl", Phone: "06 12000002"},
		{Email: "user3@example.nl", Phone: "06 19999999"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(links) != 1 || links[0].MeansID != held.ID {
		t.Errorf("Links %+v", links)
	}
	// Not for the organisation that holds it, nor above its level, nor
	// with another date of birth.
	for _, q := range []reconi.LinkQuery{
		{KVK: kvkA, Level: "EH2+", People: []reconi.LinkPerson{{Email: "user1@example.nl", Phone: "06 12000001"}}},
		{KVK: kvkB, Level: "EH4", People: []reconi.LinkPerson{{Email: "user1@example.nl", Phone: "06 12000001"}}},
	} {
		if got, err := e.b.Links(e.ctx, q); err != nil || len(got) != 0 {
			t.Errorf("Links(%+v) = %+v, %v; want none", q, got, err)
		}
	}
	_, err = e.b.Links(e.ctx, reconi.LinkQuery{KVK: kvkB, Level: "EH3", People: []reconi.LinkPerson{{Email: "user1@example.nl", Phone: "12"}}})
	wantErr(t, err, reconi.KindInvalid, "phone")

	got := e.submit(t, a.ID)
	states := map[string]reconi.UserState{}
	for _, u := range got.Users {
		states[u.Email] = u.State
	}
	eq(t, "user1, linked", states["user1@example.nl"], reconi.UserIssued)
	eq(t, "user2, invited", states["user2@example.nl"], reconi.UserInvited)
	eq(t, "user3, invited", states["user3@example.nl"], reconi.UserInvited)
	if len(got.Links) != 1 || got.Links[0].MeansID != held.ID {
		t.Errorf("links after submit %+v", got.Links)
	}
	for _, s := range e.outboxTo(t, "user1@example.nl") {
		if strings.Contains(s, "aanvraag") && strings.Count(strings.Join(e.outboxTo(t, "user1@example.nl"), "|"), "aanvraag") > 1 {
			t.Errorf("user1 was invited again")
		}
	}
	ms := e.listMeans(t, reconi.MeansFilter{KVK: kvkB})
	if len(ms) != 1 {
		t.Fatalf("means of B %+v", ms)
	}
	link := ms[0]
	eq(t, "linked to", link.LinkedTo, held.ID)
	eq(t, "level, the held one's", link.Level, reconi.EH3)
	sameTime(t, "ends with the held one", link.ExpiresAt, held.ExpiresAt)
	eq(t, "permissions", perms(link), "all services "+e.clock.Now().AddDate(1, 0, 0).Format("2006-01-02"))
	shown, err := e.b.ShowMeans(e.ctx, fmt.Sprint(held.ID), "")
	if err != nil {
		t.Fatal(err)
	}
	if h := shown[0].History; !strings.Contains(h[len(h)-1].Reason, "linked to Transport Van Dijk B.V.") {
		t.Errorf("held means' history ends with %+v", h[len(h)-1])
	}

	// The link is renewed with the means it links, not on its own.
	_, err = e.b.CreateRenewal(e.ctx, reconi.NewRenewal{KVK: kvkB, Means: []string{"user1@example.nl"}, ValidityYears: 1})
	wantRows(t, wantErr(t, err, reconi.KindInvalid), row{1, "means", []string{fmt.Sprintf("renew means %d", held.ID)}})
	r := e.renewal(t, reconi.NewRenewal{KVK: kvkA, Means: []string{"user1@example.nl"}, ValidityYears: 1})
	e.submit(t, r.ID)
	sameTime(t, "the link follows the renewal", e.listMeans(t, reconi.MeansFilter{KVK: kvkB})[0].ExpiresAt, held.ExpiresAt.AddDate(1, 0, 0))

	// Once organisation A withdraws the means held, B's link stays, and is
	// renewed on its own.
	if _, err := e.b.WithdrawMeans(e.ctx, reconi.Withdrawal{KVK: kvkA, Emails: []string{"user1@example.nl"}, Reason: "left A"}); err != nil {
		t.Fatal(err)
	}
	eq(t, "the link stays", e.listMeans(t, reconi.MeansFilter{KVK: kvkB})[0].State, reconi.MeansActive)
	own := e.renewal(t, reconi.NewRenewal{KVK: kvkB, Means: []string{"user1@example.nl"}, ValidityYears: 1})
	e.submit(t, own.ID)
	sameTime(t, "the link renewed on its own", e.listMeans(t, reconi.MeansFilter{KVK: kvkB})[0].ExpiresAt, held.ExpiresAt.AddDate(2, 0, 0))
})

var _ = register("links/the date of birth must match when both have one", func(t *testing.T, e *env) {
	e.orgA(t)
	e.orgB(t)
	d := e.draft(t, kvkA, "EH3", "")
	u := user(1, true)
	u.DateOfBirth = "1980-01-02"
	e.addUser(t, d.ID, u)
	e.setPermissions(t, d.ID, allServices3y)
	e.submit(t, d.ID)
	TakeUserSteps(t, e.ctx, e.b, d.ID)
	for dob, want := range map[string]int{"1980-01-02": 1, "": 1, "1981-01-01": 0} {
		got, err := e.b.Links(e.ctx, reconi.LinkQuery{KVK: kvkB, Level: "EH3", People: []reconi.LinkPerson{
			{Email: "user1@example.nl", Phone: "06 12000001", DateOfBirth: dob}}})
		if err != nil {
			t.Fatal(err)
		}
		eq(t, "links with date of birth "+dob, len(got), want)
	}
	// A draft with the other date of birth buys a new means.
	b := e.draft(t, kvkB, "EH3", "")
	u.DateOfBirth = "1981-01-01"
	e.addUser(t, b.ID, u)
	a := e.setPermissions(t, b.ID, allServices3y)
	eq(t, "links", len(a.Links), 0)
	eq(t, "first line", a.Quote.Lines[0].Rule, reconi.RuleMeans)
})
