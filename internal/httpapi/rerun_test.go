package httpapi_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// A pipeline's apply key names one request over HTTP too: submitting another
// draft with it, or the same draft with another fingerprint, is 409, and
// the same request again is answered with the application.
func TestSubmitKeyReused(t *testing.T) {
	e := newEnv(t)
	e.register(orgA, "Org A B.V.")
	manager := e.token("manager", orgA)
	submit := func(id int64, fp string) (int, []byte) {
		r, b := e.do(manager, request{method: "POST", path: fmt.Sprintf("/v1/applications/%d/submit", id),
			body: reconi.Submission{AgreeTerms: true, IdempotencyKey: "pipeline-9", Fingerprint: fp}})
		return r.StatusCode, b
	}
	first, _ := e.ready(orgA, true)
	if code, b := submit(first, "fp-1"); code != 200 {
		t.Fatalf("first submit: %d %s", code, b)
	}
	if code, b := submit(first, "fp-1"); code != 200 {
		t.Errorf("the same request again: %d %s", code, b)
	}
	code, b := submit(first, "fp-2")
	if code != 409 || errorOf(t, b).Kind != reconi.KindConflict {
		t.Errorf("another fingerprint: %d %s", code, b)
	}
	second, _ := e.ready(orgA, true)
	code, b = submit(second, "fp-1")
	if code != 409 || errorOf(t, b).Message != fmt.Sprintf(`idempotency key "pipeline-9" was used for another request (application %d): nothing was submitted; use a new key for a new request`, first) {
		t.Errorf("another draft: %d %s", code, b)
	}
	if a, err := e.svc.Application(local, second); err != nil || a.State != reconi.AppDraft {
		t.Errorf("the other draft: %v, %v; want still a draft", a, err)
	}
	// The key finds the application.
	r, b := e.do(manager, request{method: "GET", path: "/v1/applications?idempotency_key=pipeline-9"})
	if r.StatusCode != 200 || !bytes.Contains(b, fmt.Appendf(nil, `"id":%d`, first)) || bytes.Contains(b, fmt.Appendf(nil, `"id":%d`, second)) {
		t.Errorf("list by key: %d %s", r.StatusCode, b)
	}
}
