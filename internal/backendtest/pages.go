package backendtest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// manyUsers imports n users into draft appID, user1 to user<n>.
func (e *env) manyUsers(t *testing.T, appID int64, n int) {
	t.Helper()
	var csv strings.Builder
	csv.WriteString("first_name,last_name,email,phone,employed\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&csv, "User%d,Jansen,user%d@example.nl,06 %08d,ja\n", i, i, 12000000+i)
	}
	if res, err := e.importCSV(t, appID, csv.String(), false); err != nil || res.Added != n {
		t.Fatalf("import of %d users: %+v, %v", n, res, err)
	}
}

// An application carries the first page of its users; the users list
// pages on from its cursor, every user once, in the order they were added.
var _ = register("PagingUsers", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	const n = reconi.DefaultPageSize + 2
	e.manyUsers(t, a.ID, n)

	got := e.app(t, a.ID)
	eq(t, "users on the application", len(got.Users), reconi.DefaultPageSize)
	eq(t, "users_total", got.UsersTotal, n)
	if got.UsersNextCursor == "" {
		t.Fatal("no users_next_cursor with more users than a page")
	}
	eq(t, "first user", got.Users[0].Email, "user1@example.nl")
	rest, err := e.b.Users(e.ctx, reconi.UserFilter{ApplicationID: a.ID, Cursor: got.UsersNextCursor})
	if err != nil {
		t.Fatal(err)
	}
	eqSlice(t, "the users after the first page", emails(rest.Users), []string{"user501@example.nl", "user502@example.nl"})
	eq(t, "next cursor of the last page", rest.NextCursor, "")

	// Pages of 200: 200, 200, 102, each user once, in order.
	var sizes []int
	var all []string
	f := reconi.UserFilter{ApplicationID: a.ID, Limit: 200}
	for {
		p, err := e.b.Users(e.ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, len(p.Users))
		all = append(all, emails(p.Users)...)
		if p.NextCursor == "" {
			break
		}
		f.Cursor = p.NextCursor
	}
	eqSlice(t, "page sizes", sizes, []int{200, 200, 102})
	for i, email := range all {
		if want := fmt.Sprintf("user%d@example.nl", i+1); email != want {
			t.Fatalf("user %d of the pages is %s, want %s", i+1, email, want)
		}
	}

	// Exactly a page full: no cursor to an empty page.
	p, err := e.b.Users(e.ctx, reconi.UserFilter{ApplicationID: a.ID, Limit: n})
	if err != nil || len(p.Users) != n || p.NextCursor != "" {
		t.Errorf("a page of all %d users: %d users, cursor %q, %v; want all, no cursor", n, len(p.Users), p.NextCursor, err)
	}
	// Pages of an organisation's users run across its applications.
	b := e.draft(t, kvkA, "EH2", "")
	e.addUser(t, b.ID, user(9999, true))
	org, err := reconi.AllUsers(e.ctx, e.b, reconi.UserFilter{KVK: kvkA, Limit: 100})
	if err != nil || len(org) != n+1 || org[n].Email != "user9999@example.nl" {
		t.Errorf("the organisation's users in pages of 100: %d (%v), want %d ending with user9999", len(org), err, n+1)
	}

	_, err = e.b.Users(e.ctx, reconi.UserFilter{ApplicationID: a.ID, Limit: reconi.MaxPageSize + 1})
	wantErr(t, err, reconi.KindInvalid, "limit", "5000")
	_, err = e.b.Users(e.ctx, reconi.UserFilter{ApplicationID: a.ID, Limit: -1})
	wantErr(t, err, reconi.KindInvalid, "limit")
	_, err = e.b.Users(e.ctx, reconi.UserFilter{ApplicationID: a.ID, Cursor: "nonsense"})
	wantErr(t, err, reconi.KindInvalid, "cursor")

	// The quote counts every user, not the first page: one more, not
	// employed, after the page (a draft within a page counts its own,
	// QuoteFromDefaultPrices).
	e.addUser(t, a.ID, user(9998, false))
	e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 3})
	got = e.app(t, a.ID)
	eq(t, "users_total with one more", got.UsersTotal, n+1)
	wantQuote(t, "more users than a page", got.Quote, (n+1)*9000+1000, ((n+1)*9000+1000)*21/100, ((n+1)*9000+1000)*121/100,
		line{"means", n + 1, 9000}, line{"included_permissions", n + 1, 0}, line{"identification", 1, 1000})
})

// Applications page with their users counted, each page's counts whole;
// the history pages the same way.
var _ = register("PagingApplications", func(t *testing.T, e *env) {
	e.orgA(t)
	e.orgB(t)
	var ids []int64
	for i, kvk := range []string{kvkA, kvkB, kvkA} {
		a := e.draft(t, kvk, "EH3", "")
		for j := 0; j <= i; j++ {
			e.addUser(t, a.ID, user(10*i+j, true))
		}
		ids = append(ids, a.ID)
	}

	p1, err := e.b.Applications(e.ctx, reconi.ApplicationFilter{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(p1.Applications) != 2 || p1.NextCursor == "" {
		t.Fatalf("first page: %d applications, cursor %q; want 2 and a cursor", len(p1.Applications), p1.NextCursor)
	}
	p2, err := e.b.Applications(e.ctx, reconi.ApplicationFilter{Limit: 2, Cursor: p1.NextCursor})
	if err != nil {
		t.Fatal(err)
	}
	if len(p2.Applications) != 1 || p2.NextCursor != "" {
		t.Fatalf("second page: %d applications, cursor %q; want 1 and no cursor", len(p2.Applications), p2.NextCursor)
	}
	list := append(p1.Applications, p2.Applications...)
	eqSlice(t, "applications", []int64{list[0].ID, list[1].ID, list[2].ID}, ids)
	for i, a := range list {
		eq(t, fmt.Sprintf("users_total of application %d", a.ID), a.UsersTotal, i+1)
		eq(t, fmt.Sprintf("draft users of application %d", a.ID), a.UsersByState[reconi.UserDraft], i+1)
	}
	// A filter holds across pages.
	of, err := reconi.AllApplications(e.ctx, e.b, reconi.ApplicationFilter{KVK: kvkA, Limit: 1})
	if err != nil || len(of) != 2 || of[0].ID != ids[0] || of[1].ID != ids[2] {
		t.Errorf("organisation A's applications in pages of 1: %+v, %v; want %d and %d", of, err, ids[0], ids[2])
	}

	_, err = e.b.Applications(e.ctx, reconi.ApplicationFilter{Cursor: "i"})
	wantErr(t, err, reconi.KindInvalid, "cursor")
	_, err = e.b.Applications(e.ctx, reconi.ApplicationFilter{Limit: reconi.MaxPageSize + 1})
	wantErr(t, err, reconi.KindInvalid, "limit")

	// The history in pages of 2 is the history in one page.
	whole, err := e.b.History(e.ctx, reconi.HistoryFilter{ApplicationID: ids[2]})
	if err != nil || len(whole.Events) < 4 || whole.NextCursor != "" {
		t.Fatalf("history: %+v, %v; want at least 4 events (created, 3 users added) and no cursor", whole, err)
	}
	var paged []int64
	f := reconi.HistoryFilter{ApplicationID: ids[2], Limit: 2}
	for {
		h, err := e.b.History(e.ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Events) > 2 {
			t.Fatalf("a history page of limit 2 holds %d events", len(h.Events))
		}
		for _, ev := range h.Events {
			paged = append(paged, ev.ID)
		}
		if h.NextCursor == "" {
			break
		}
		f.Cursor = h.NextCursor
	}
	var want []int64
	for _, ev := range whole.Events {
		want = append(want, ev.ID)
	}
	eqSlice(t, "events in pages of 2", paged, want)
})
