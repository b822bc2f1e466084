package backendtest

import (
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// Drafts as things a manager manages: listed, discarded.

var _ = register("DiscardDraft", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, a.ID, user(1, true))
	e.addUser(t, a.ID, user(2, false))
	e.clock.Advance(minute)
	got, err := e.b.DiscardDraft(e.ctx, a.ID, "  the wrong organisation ")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "state", got.State, reconi.AppDiscarded)
	eq(t, "users", got.UsersTotal, 0)
	eq(t, "users left", len(e.users(t, a.ID)), 0)
	history, err := reconi.AllEvents(e.ctx, e.b, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := history[len(history)-1]
	eq(t, "from", last.From, string(reconi.AppDraft))
	eq(t, "to", last.To, string(reconi.AppDiscarded))
	eq(t, "who", last.Actor, e.me)
	eq(t, "why", last.Reason, "the wrong organisation (2 users removed)")
	sameTime(t, "when", last.At, e.clock.Now())

	// A discarded draft is changed no more.
	_, err = e.b.AddUser(e.ctx, a.ID, user(3, true))
	wantErr(t, err, reconi.KindConflict, "discarded")
	_, err = e.b.DiscardDraft(e.ctx, a.ID, "")
	wantErr(t, err, reconi.KindConflict, "already discarded")
	_, err = e.b.DiscardDraft(e.ctx, 99999, "")
	wantErr(t, err, reconi.KindNotFound, "99999")
	_, err = e.b.DiscardDraft(e.ctx, a.ID, "bad\x00")
	wantErr(t, err, reconi.KindInvalid, "reason")

	// Only a draft: a submitted application is named as such.
	s := e.ready(t)
	e.submit(t, s.ID)
	_, err = e.b.DiscardDraft(e.ctx, s.ID, "")
	wantErr(t, err, reconi.KindConflict, "is submitted, not a draft")
	eq(t, "still submitted", e.app(t, s.ID).State, reconi.AppSubmitted)
	eq(t, "its users stay", len(e.users(t, s.ID)), 2)

	// Without a reason, the default one.
	d := e.draft(t, kvkA, "EH2+", "")
	if _, err := e.b.DiscardDraft(e.ctx, d.ID, ""); err != nil {
		t.Fatal(err)
	}
	history, err = reconi.AllEvents(e.ctx, e.b, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "default reason", history[len(history)-1].Reason, "discarded by the authorization manager (0 users removed)")
})

var _ = register("ListDrafts", func(t *testing.T, e *env) {
	e.orgA(t)
	e.orgB(t)
	a := e.draft(t, kvkA, "EH3", "")
	e.clock.Advance(minute)
	e.addUser(t, a.ID, user(1, true))
	b := e.draft(t, kvkB, "EH2+", "")
	s := e.ready(t)
	e.submit(t, s.ID)
	gone := e.draft(t, kvkA, "EH3", "")
	if _, err := e.b.DiscardDraft(e.ctx, gone.ID, "test"); err != nil {
		t.Fatal(err)
	}

	drafts := e.applications(t, reconi.ApplicationFilter{State: "draft"})
	eqSlice(t, "drafts", ids(drafts), []int64{a.ID, b.ID})
	eq(t, "users of the first", drafts[0].UsersTotal, 1)
	sameTime(t, "created", drafts[0].CreatedAt, Start)
	sameTime(t, "updated: the user added", drafts[0].UpdatedAt, Start.Add(minute))
	sameTime(t, "updated of a draft without changes", drafts[1].UpdatedAt, drafts[1].CreatedAt)
	eqSlice(t, "drafts of B", ids(e.applications(t, reconi.ApplicationFilter{State: "draft", KVK: kvkB})), []int64{b.ID})
	eqSlice(t, "discarded", ids(e.applications(t, reconi.ApplicationFilter{State: "discarded"})), []int64{gone.ID})
	eqSlice(t, "no drafts", ids(e.applications(t, reconi.ApplicationFilter{NoDrafts: true})), []int64{s.ID})
	eqSlice(t, "all", ids(e.applications(t, reconi.ApplicationFilter{})), []int64{a.ID, b.ID, s.ID, gone.ID})
	// Drafts page like every list.
	page, err := e.b.Applications(e.ctx, reconi.ApplicationFilter{State: "draft", Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	eqSlice(t, "first page", ids(page.Applications), []int64{a.ID})
	if page.NextCursor == "" {
		t.Fatal("no next cursor after the first of two drafts")
	}
	page, err = e.b.Applications(e.ctx, reconi.ApplicationFilter{State: "draft", Limit: 1, Cursor: page.NextCursor})
	if err != nil {
		t.Fatal(err)
	}
	eqSlice(t, "second page", ids(page.Applications), []int64{b.ID})
})
