package httpapi_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// TestNotFoundDoesNotLeak: what a token may not see answers exactly like
// what does not exist, so IDs and KvK numbers of other organisations cannot
// be probed.
func TestNotFoundDoesNotLeak(t *testing.T) {
	e := newEnv(t)
	e.register(orgA, "Org A B.V.")
	e.register(orgB, "Org B B.V.")
	draftA, _ := e.draft(orgA, e.newUser(true))
	draftB, _ := e.draft(orgB, e.newUser(true))
	managerB := e.token("manager", orgB)
	helpdeskA := e.token("helpdesk", orgA)
	const missingApp, missingOrg = 999999, "12345678"
	digits := regexp.MustCompile(`[0-9]+`)

	for _, c := range []struct {
		name, token      string
		foreign, missing request
	}{
		{"manager B, application of A", managerB,
			request{method: "GET", path: "/v1/applications/" + strconv.FormatInt(draftA, 10)},
			request{method: "GET", path: "/v1/applications/" + strconv.Itoa(missingApp)}},
		{"manager B, history of A", managerB,
			request{method: "GET", path: "/v1/applications/" + strconv.FormatInt(draftA, 10) + "/history"},
			request{method: "GET", path: "/v1/applications/" + strconv.Itoa(missingApp) + "/history"}},
		{"manager B, adds a user to A's draft", managerB,
			request{method: "POST", path: "/v1/applications/" + strconv.FormatInt(draftA, 10) + "/users", body: e.newUser(true)},
			request{method: "POST", path: "/v1/applications/" + strconv.Itoa(missingApp) + "/users", body: e.newUser(true)}},
		{"manager B, organisation A", managerB,
			request{method: "GET", path: "/v1/organizations/" + orgA},
			request{method: "GET", path: "/v1/organizations/" + missingOrg}},
		{"manager B, a draft for A", managerB,
			request{method: "POST", path: "/v1/applications", body: reconi.NewDraft{KVK: orgA, Level: "EH3"}},
			request{method: "POST", path: "/v1/applications", body: reconi.NewDraft{KVK: missingOrg, Level: "EH3"}}},
		{"manager B, status of A", managerB,
			request{method: "GET", path: "/v1/applications?kvk=" + orgA},
			request{method: "GET", path: "/v1/applications?kvk=" + missingOrg}},
		{"manager B, users of A", managerB,
			request{method: "GET", path: "/v1/users?kvk=" + orgA},
			request{method: "GET", path: "/v1/users?kvk=" + missingOrg}},
		{"helpdesk of A, application of B", helpdeskA,
			request{method: "GET", path: "/v1/applications/" + strconv.FormatInt(draftB, 10)},
			request{method: "GET", path: "/v1/applications/" + strconv.Itoa(missingApp)}},
		{"helpdesk of A, users of B's draft", helpdeskA,
			request{method: "GET", path: "/v1/users?application_id=" + strconv.FormatInt(draftB, 10)},
			request{method: "GET", path: "/v1/users?application_id=" + strconv.Itoa(missingApp)}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r1, b1 := e.do(c.token, c.foreign)
			r2, b2 := e.do(c.token, c.missing)
			if r1.StatusCode != http.StatusNotFound || r2.StatusCode != http.StatusNotFound {
				t.Fatalf("statuses %d and %d, want 404 for both:\n%s\n%s", r1.StatusCode, r2.StatusCode, b1, b2)
			}
			e1, e2 := errorOf(t, b1), errorOf(t, b2)
			if m1, m2 := digits.ReplaceAllString(e1.Message, "N"), digits.ReplaceAllString(e2.Message, "N"); m1 != m2 {
				t.Errorf("the answers tell a foreign thing from a missing one:\n%q\n%q", e1.Message, e2.Message)
			}
		})
	}
}

// TestListsAreLimited: lists keep what the token may see.
func TestListsAreLimited(t *testing.T) {
	e := newEnv(t)
	e.register(orgA, "Org A B.V.")
	e.register(orgB, "Org B B.V.")
	e.draft(orgA, e.newUser(true))
	e.draft(orgB, e.newUser(true))

	for _, c := range []struct {
		token string
		want  []reconi.KVK
	}{
		{e.token("manager", orgA), []reconi.KVK{orgA}},
		{e.token("manager", orgB), []reconi.KVK{orgB}},
		{e.token("helpdesk", orgB), []reconi.KVK{orgB}},
		{e.token("helpdesk"), []reconi.KVK{orgA, orgB}},
		{e.token("operator"), []reconi.KVK{orgA, orgB}},
	} {
		slices.Sort(c.want)
		var orgs []reconi.Organization
		resp, body := e.do(c.token, request{method: "GET", path: "/v1/organizations"})
		if resp.StatusCode != 200 || json.Unmarshal(body, &orgs) != nil {
			t.Fatalf("organizations: %d %s", resp.StatusCode, body)
		}
		var got []reconi.KVK
		for _, o := range orgs {
			got = append(got, o.KVK)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("organizations = %v, want %v", got, c.want)
		}

		var apps reconi.ApplicationPage
		resp, body = e.do(c.token, request{method: "GET", path: "/v1/applications"})
		if resp.StatusCode != 200 || json.Unmarshal(body, &apps) != nil {
			t.Fatalf("applications: %d %s", resp.StatusCode, body)
		}
		got = nil
		for _, a := range apps.Applications {
			got = append(got, a.Organization.KVK)
		}
		slices.Sort(got)
		if !slices.Equal(got, c.want) {
			t.Errorf("applications of %v, want %v", got, c.want)
		}
	}
}

// TestHelpdeskCannotSubmitByReplay: a helpdesk token changes nothing, and
// gets 403 from every wizard route, also when it repeats the idempotency
// key a manager submitted with.
func TestHelpdeskCannotSubmitByReplay(t *testing.T) {
	e := newEnv(t)
	e.register(orgA, "Org A B.V.")
	id, _ := e.ready(orgA, true)
	if _, err := e.svc.Submit(local, id, reconi.Submission{AgreeTerms: true, IdempotencyKey: "k1"}); err != nil {
		t.Fatal(err)
	}
	resp, body := e.do(e.token("helpdesk", orgA), request{method: "POST", path: "/v1/applications/" + strconv.FormatInt(id, 10) + "/submit",
		body: reconi.Submission{AgreeTerms: true, IdempotencyKey: "k1"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("helpdesk submit with a used key = %d, want 403: %s", resp.StatusCode, body)
	}
}
