package backendtest

import (
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
