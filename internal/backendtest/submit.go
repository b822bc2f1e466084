package backendtest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// Wizard step 10: agreeing to the conditions and submitting.

// ready makes a draft of organisation A at EH3 with two users and all
// services for 3 years: quote 229.90 VAT included.
func (e *env) ready(t *testing.T) *reconi.Application {
	t.Helper()
	a := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, a.ID, user(1, true))
	e.addUser(t, a.ID, user(2, false))
	return e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 3})
}

func ptr[T any](v T) *T { return &v }

var _ = register("SubmitNeedsUsersPermissionsAndAgreement", func(t *testing.T, e *env) {
	e.orgA(t)
	version := e.terms(t)
	a := e.draft(t, kvkA, "EH3", "")
	_, err := e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version})
	wantErr(t, err, reconi.KindInvalid, "users")
	e.addUser(t, a.ID, user(1, true))
	_, err = e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version})
	wantErr(t, err, reconi.KindInvalid, "permissions")
	e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1})
	_, err = e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: false, TermsVersion: version})
	wantErr(t, err, reconi.KindInvalid, "agree_terms")
	_, err = e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: "1999-01"})
	wantErr(t, err, reconi.KindConflict, "1999-01", version, "changed")
	_, err = e.b.Submit(e.ctx, 99999, reconi.Submission{AgreeTerms: true, TermsVersion: version})
	wantErr(t, err, reconi.KindNotFound, "99999")

	got := e.app(t, a.ID)
	eq(t, "state", got.State, reconi.AppDraft)
	if got.SubmittedAt != nil || got.Terms != nil {
		t.Errorf("a refused submission was recorded: submitted_at %v, terms %+v", got.SubmittedAt, got.Terms)
	}
	eq(t, "user state", got.Users[0].State, reconi.UserDraft)
})

var _ = register("SubmitMaxPrice", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.ready(t)
	eq(t, "total", a.Quote.TotalCents, int64(22990))
	version := e.terms(t)

	_, err := e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version, MaxPriceCents: ptr(int64(22989))})
	wantErr(t, err, reconi.KindInvalid, "max_price", "€229.90", "€229.89", "nothing was submitted")
	got := e.app(t, a.ID)
	eq(t, "state", got.State, reconi.AppDraft)
	for _, u := range got.Users {
		eq(t, u.Email+" state", u.State, reconi.UserDraft)
	}
	// The maximum is inclusive.
	got, err = e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version, MaxPriceCents: ptr(int64(22990))})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "state", got.State, reconi.AppSubmitted)
})

var _ = register("Submit", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.ready(t)
	version := e.terms(t)
	at := e.clock.Advance(minute)
	got, err := e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "state", got.State, reconi.AppSubmitted)
	if got.SubmittedAt == nil {
		t.Fatal("no submitted_at")
	}
	sameTime(t, "submitted_at", *got.SubmittedAt, at)
	if got.Terms == nil {
		t.Fatal("no terms agreement recorded")
	}
	eq(t, "terms version", got.Terms.Version, version)
	eq(t, "agreed by", got.Terms.AgreedBy, e.me)
	sameTime(t, "agreed at", got.Terms.AgreedAt, at)
	if !reflect.DeepEqual(got.Quote, a.Quote) {
		t.Errorf("quote %+v, shown before submitting %+v", got.Quote, a.Quote)
	}
	eqSlice(t, "users", emails(got.Users), []string{"user1@example.nl", "user2@example.nl"})
	for _, u := range got.Users {
		eq(t, u.Email+" state", u.State, reconi.UserInvited)
		sameTime(t, u.Email+" updated_at", u.UpdatedAt, at)
	}
	for _, u := range e.users(t, a.ID) {
		eq(t, u.Email+" listed state", u.State, reconi.UserInvited)
	}
	stored := e.app(t, a.ID)
	if stored.State != reconi.AppSubmitted || stored.Terms == nil || stored.Terms.Version != version || stored.SubmittedAt == nil {
		t.Errorf("stored application = %+v", stored)
	}

	_, err = e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version})
	wantErr(t, err, reconi.KindConflict, "submitted")
})

var _ = register("SubmittedApplicationCannotChange", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.ready(t)
	e.submit(t, a.ID)

	_, err := e.b.AddUser(e.ctx, a.ID, user(3, true))
	wantErr(t, err, reconi.KindConflict, "submitted")
	_, err = e.b.ImportUsers(e.ctx, a.ID, strings.NewReader(goodCSV), reconi.ImportOptions{})
	wantErr(t, err, reconi.KindConflict, "submitted")
	_, err = e.b.ImportUsers(e.ctx, a.ID, strings.NewReader(goodCSV), reconi.ImportOptions{DryRun: true})
	wantErr(t, err, reconi.KindConflict, "submitted")
	err = e.b.RemoveUser(e.ctx, a.ID, "user1@example.nl")
	wantErr(t, err, reconi.KindConflict, "submitted")
	_, err = e.b.SetPermissions(e.ctx, a.ID, reconi.PermissionsInput{Direct: false, ValidityYears: 1})
	wantErr(t, err, reconi.KindConflict, "submitted")

	got := e.app(t, a.ID)
	eqSlice(t, "users", emails(got.Users), []string{"user1@example.nl", "user2@example.nl"})
	eq(t, "scope", got.Permissions.Scope, reconi.ScopeAllServices)
	eq(t, "validity", got.ValidityYears, 3)
})

var _ = register("SubmitIdempotencyKey", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.ready(t)
	version := e.terms(t)
	first, err := e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version, IdempotencyKey: "pipeline-42"})
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(minute)
	// A retry with the same key answers as the first time.
	again, err := e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version, IdempotencyKey: "pipeline-42"})
	if err != nil {
		t.Fatalf("a repeated submission with the same key: %v", err)
	}
	if again.State != reconi.AppSubmitted || !again.SubmittedAt.Equal(*first.SubmittedAt) {
		t.Errorf("repeated submission = %+v, first %+v", again, first)
	}
	// Another key is another request: the application was submitted.
	_, err = e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version, IdempotencyKey: "pipeline-43"})
	wantErr(t, err, reconi.KindConflict, "submitted")
	history, err := reconi.AllEvents(e.ctx, e.b, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range history {
		if ev.To == string(reconi.AppSubmitted) {
			n++
		}
	}
	eq(t, "submissions recorded", n, 1)
})

var _ = register("SubmitChecksTheCatalogueAgain", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, a.ID, user(1, true))
	e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, Services: []string{svcDouane}, ValidityYears: 1})
	// The operator raises Douane's service to EH4 after step 9.
	cat := defaultCatalogue()
	for i := range cat.Services {
		if cat.Services[i].ID == svcDouane {
			cat.Services[i].Level = reconi.EH4
		}
	}
	if err := e.b.LoadCatalogue(e.ctx, cat); err != nil {
		t.Fatal(err)
	}
	_, err := e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: e.terms(t)})
	wantErr(t, err, reconi.KindInvalid, "EU Trader Portals", "EH4")
	eq(t, "state", e.app(t, a.ID).State, reconi.AppDraft)
})

// The outbox after a submission: one invitation per user, pending until a
// dispatcher delivers it (the suite runs none), so none can be retried yet.
var _ = register("RetryMessagesOnlyFailedOrKept", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.ready(t)
	if _, err := e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: e.terms(t)}); err != nil {
		t.Fatal(err)
	}
	msgs, err := reconi.AllMessages(e.ctx, e.b, reconi.OutboxFilter{ApplicationID: a.ID})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "invitations", len(msgs), 2)
	_, err = e.b.RetryMessages(e.ctx, nil)
	wantErr(t, err, reconi.KindInvalid, "ids", "at least one")
	_, err = e.b.RetryMessages(e.ctx, []int64{99999})
	wantErr(t, err, reconi.KindNotFound, "message 99999")
	_, err = e.b.RetryMessages(e.ctx, []int64{msgs[1].ID})
	wantErr(t, err, reconi.KindConflict, "is pending", "failed or kept")
	many := make([]int64, reconi.MaxRetryMessages+1)
	for i := range many {
		many[i] = int64(i + 1)
	}
	_, err = e.b.RetryMessages(e.ctx, many)
	wantErr(t, err, reconi.KindInvalid, "ids", "at most 1000")
})
