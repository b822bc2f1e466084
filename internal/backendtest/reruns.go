package backendtest

import (
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// Reruns a pipeline can rely on: an idempotency key names one request.

var _ = register("SubmitIdempotencyKeyNamesOneRequest", func(t *testing.T, e *env) {
	e.orgA(t)
	e.orgB(t)
	version := e.terms(t)
	a := e.ready(t)
	first, err := e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version, IdempotencyKey: "run-7", Fingerprint: "fp-1"})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "fingerprint kept", first.IdempotencyFingerprint, "fp-1")
	// The same key and fingerprint: answered as the first time.
	again, err := e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version, IdempotencyKey: "run-7", Fingerprint: "fp-1"})
	if err != nil {
		t.Fatalf("the same request again: %v", err)
	}
	eq(t, "replayed", again.ID, a.ID)
	// The same key with another fingerprint is another request.
	_, err = e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version, IdempotencyKey: "run-7", Fingerprint: "fp-2"})
	wantErr(t, err, reconi.KindConflict, `"run-7"`, "another request")

	// Another draft of the organisation with the key: refused, and it
	// stays a draft.
	b := e.ready(t)
	_, err = e.b.Submit(e.ctx, b.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version, IdempotencyKey: "run-7", Fingerprint: "fp-1"})
	wantErr(t, err, reconi.KindConflict, `"run-7"`, "another request")
	eq(t, "still a draft", e.app(t, b.ID).State, reconi.AppDraft)

	// The key is found by the list, and by no other key.
	page, err := e.b.Applications(e.ctx, reconi.ApplicationFilter{KVK: kvkA, IdempotencyKey: "run-7"})
	if err != nil {
		t.Fatal(err)
	}
	eqSlice(t, "applications with the key", ids(page.Applications), []int64{a.ID})
	page, err = e.b.Applications(e.ctx, reconi.ApplicationFilter{IdempotencyKey: "run-8"})
	if err != nil {
		t.Fatal(err)
	}
	eqSlice(t, "applications with another key", ids(page.Applications), []int64{})

	// Keys belong to one organisation: organisation B may use the same.
	c := e.draft(t, kvkB, "EH3", "")
	e.addUser(t, c.ID, user(3, true))
	e.setPermissions(t, c.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1})
	if _, err := e.b.Submit(e.ctx, c.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version, IdempotencyKey: "run-7"}); err != nil {
		t.Errorf("the key in another organisation: %v", err)
	}
})

// An import with SkipExisting adds the new rows, skips the people the draft
// has with the same data, and refuses the same email with other data; the
// CSV and the rows' paths alike.
var _ = register("ImportSkipExisting", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, a.ID, user(1, true))
	e.addUser(t, a.ID, user(2, false))
	skip := reconi.ImportOptions{SkipExisting: true}

	// Rows: user 1 again (phone written otherwise), user 3 new.
	u1 := user(1, true)
	u1.Phone = "+31 6 1200 0001"
	res, err := e.b.ImportUserRows(e.ctx, a.ID, rowsOf(reconi.UserRow{NewUser: u1, Source: "hr.yaml:3"}, reconi.UserRow{NewUser: user(3, false)}), skip)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "rows", res.Rows, 2)
	eq(t, "added", res.Added, 1)
	if len(res.Skipped) != 1 || res.Skipped[0] != (reconi.SkippedRow{Line: 1, Source: "hr.yaml:3", Email: "user1@example.nl"}) {
		t.Errorf("skipped %+v", res.Skipped)
	}
	eqSlice(t, "users", emails(e.users(t, a.ID)), []string{"user1@example.nl", "user2@example.nl", "user3@example.nl"})

	// CSV: users 1 to 3 again and user 4: only user 4 is added.
	csv := "first_name,last_name,email,phone,employed\n" +
		"User1,Jansen,user1@example.nl,06 12000001,ja\n" +
		"User2,Jansen,USER2@example.nl,06 12000002,nee\n" +
		"User3,Jansen,user3@example.nl,06 12000003,nee\n" +
		"User4,Jansen,user4@example.nl,06 12000004,ja\n"
	res, err = e.b.ImportUsers(e.ctx, a.ID, strings.NewReader(csv), skip)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "csv added", res.Added, 1)
	lines := []int{}
	for _, r := range res.Skipped {
		lines = append(lines, r.Line)
	}
	eqSlice(t, "csv skipped lines", lines, []int{2, 3, 4})

	// Without SkipExisting the same file is refused, as before.
	_, err = e.b.ImportUsers(e.ctx, a.ID, strings.NewReader(csv), reconi.ImportOptions{})
	wantErr(t, err, reconi.KindInvalid, "4 of 4 rows")

	// The same email with other data: a bad row naming the field, and
	// nothing added.
	other := user(2, true) // employed where the draft says not
	_, err = e.b.ImportUserRows(e.ctx, a.ID, rowsOf(reconi.UserRow{NewUser: user(5, true)}, reconi.UserRow{NewUser: other}), skip)
	bad := wantErr(t, err, reconi.KindInvalid, "1 of 2 rows")
	wantRows(t, bad, row{2, "employed", []string{"user2@example.nl is already a user of draft", `with employed "no"`}})
	eq(t, "the row's value", bad.Rows[0].Value, "yes")
	eq(t, "nothing added", len(e.users(t, a.ID)), 4)
	named := user(1, true)
	named.LastName = "Janssen"
	_, err = e.b.ImportUserRows(e.ctx, a.ID, rowsOf(reconi.UserRow{NewUser: named}), skip)
	wantRows(t, wantErr(t, err, reconi.KindInvalid), row{1, "last_name", []string{`with last name "Jansen"`}})
})
