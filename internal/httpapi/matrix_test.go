package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
)

// The identities of the role matrix.
const (
	managerA    = "manager of A"
	managerB    = "manager of B"
	helpdeskA   = "helpdesk of A"
	helpdeskAll = "helpdesk of all"
	operator    = "operator"
	revoked     = "revoked token"
	garbage     = "garbage token"
	noToken     = "no token"
)

var identities = []string{managerA, managerB, helpdeskA, helpdeskAll, operator, revoked, garbage, noToken}

// The rules of issue 3, item 5, as the statuses each identity gets. Every
// target is org A's (its organisation, its applications, its users), so a
// manager of B must not learn that it exists: 404, not 403. Tokens that
// are not valid get 401 on every route that needs one.
type rule map[string]int

func (r rule) with(status int) rule {
	out := rule{}
	for k, v := range r {
		if v == 0 {
			v = status
		}
		out[k] = v
	}
	for _, id := range []string{revoked, garbage, noToken} {
		out[id] = http.StatusUnauthorized
	}
	return out
}

var (
	// anyRole reads what every role may read: the catalogue, prices, terms,
	// its own identity, the lists it is limited to.
	anyRole = rule{managerA: 0, managerB: 0, helpdeskA: 0, helpdeskAll: 0, operator: 0}
	// readA reads org A's status and users: not for a manager of B.
	readA = rule{managerA: 0, managerB: 404, helpdeskA: 0, helpdeskAll: 0, operator: 0}
	// wizardA runs the wizard for org A: its manager only.
	wizardA = rule{managerA: 0, managerB: 404, helpdeskA: 403, helpdeskAll: 403, operator: 403}
	// manageA changes org A's issued means: its manager and operators.
	manageA = rule{managerA: 0, managerB: 404, helpdeskA: 403, helpdeskAll: 403, operator: 0}
	// resendA sends org A's invitations again: its manager, the helpdesk
	// and operators.
	resendA = rule{managerA: 0, managerB: 404, helpdeskA: 0, helpdeskAll: 0, operator: 0}
	// operatorOnly keeps the broker's data and does the final checks.
	operatorOnly = rule{managerA: 403, managerB: 403, helpdeskA: 403, helpdeskAll: 403, operator: 0}
	// public routes are authorised by the invitation token in the path; an
	// API token, valid or not, changes nothing.
	public = rule{managerA: 200, managerB: 200, helpdeskA: 200, helpdeskAll: 200, operator: 200, revoked: 200, garbage: 200, noToken: 200}
)

// matrixRow is one route of the matrix: how to make a request that would
// succeed for an identity allowed to send it (fresh fixtures where the
// request changes something), and the status each identity gets.
type matrixRow struct {
	want    rule
	prepare func(e *env) request
}

func TestRoleMatrix(t *testing.T) {
	e := newEnv(t)
	e.register(orgA, "Org A B.V.")
	e.register(orgB, "Org B B.V.")
	draftA, usersA := e.draft(orgA, e.newUser(true), e.newUser(false))
	e.draft(orgB, e.newUser(true))
	submittedA, _, _ := e.submitted(orgA, true)
	issuedA := e.issued(orgA)

	tokens := map[string]string{
		managerA:    e.token("manager", orgA),
		managerB:    e.token("manager", orgB),
		helpdeskA:   e.token("helpdesk", orgA),
		helpdeskAll: e.token("helpdesk"),
		operator:    e.token("operator"),
		revoked:     e.revokedToken(),
		garbage:     "rci_" + "not-a-token-at-all",
		noToken:     "",
	}
	msgs, err := reconi.AllMessages(local, e.svc, reconi.OutboxFilter{})
	if err != nil || len(msgs) == 0 {
		t.Fatalf("outbox: %v, %d messages", err, len(msgs))
	}
	app := func(id int64, rest string) string { return "/v1/applications/" + strconv.FormatInt(id, 10) + rest }
	user := func(id int64, rest string) string { return "/v1/users/" + strconv.FormatInt(id, 10) + rest }
	get := func(path string) func(*env) request {
		return func(*env) request { return request{method: "GET", path: path} }
	}

	rows := map[string]matrixRow{
		"GET /v1/whoami":        {anyRole.with(200), get("/v1/whoami")},
		"GET /v1/organizations": {anyRole.with(200), get("/v1/organizations")},
		"POST /v1/organizations": {operatorOnly.with(201), func(e *env) request {
			return request{method: "POST", path: "/v1/organizations",
				body: reconi.NewOrganization{KVK: fmt.Sprintf("%08d", 10000000+e.next()), Name: "Fresh B.V."}}
		}},
		"GET /v1/organizations/{kvk}": {readA.with(200), get("/v1/organizations/" + orgA)},
		"GET /v1/services":            {anyRole.with(200), get("/v1/services?level=EH3")},
		"PUT /v1/catalogue": {operatorOnly.with(200), func(e *env) request {
			cat, err := service.ParseCatalogue(service.DefaultCatalogue())
			if err != nil {
				e.t.Fatal(err)
			}
			return request{method: "PUT", path: "/v1/catalogue", body: cat}
		}},
		"GET /v1/prices": {anyRole.with(200), get("/v1/prices")},
		"PUT /v1/prices": {operatorOnly.with(200), func(e *env) request {
			p, err := service.ParsePriceList(service.DefaultPriceList())
			if err != nil {
				e.t.Fatal(err)
			}
			return request{method: "PUT", path: "/v1/prices", body: p}
		}},
		"GET /v1/terms": {anyRole.with(200), get("/v1/terms")},
		"POST /v1/applications": {wizardA.with(201), func(e *env) request {
			return request{method: "POST", path: "/v1/applications", body: reconi.NewDraft{KVK: orgA, Level: "EH2+"}}
		}},
		"GET /v1/applications":              {anyRole.with(200), get("/v1/applications")},
		"GET /v1/applications/{id}":         {readA.with(200), get(app(submittedA, ""))},
		"GET /v1/applications/{id}/history": {readA.with(200), get(app(draftA, "/history"))},
		"POST /v1/applications/{id}/users": {wizardA.with(201), func(e *env) request {
			return request{method: "POST", path: app(draftA, "/users"), body: e.newUser(true)}
		}},
		"POST /v1/applications/{id}/users/import": {wizardA.with(200), func(e *env) request {
			return request{method: "POST", path: app(draftA, "/users/import"), body: csvOf(e.newUser(true), e.newUser(false)), contentType: "text/csv"}
		}},
		"DELETE /v1/applications/{id}/users/{email}": {wizardA.with(200), func(e *env) request {
			u, err := e.svc.AddUser(local, draftA, e.newUser(true))
			if err != nil {
				e.t.Fatal(err)
			}
			return request{method: "DELETE", path: app(draftA, "/users/"+url.PathEscape(u.Email))}
		}},
		"PUT /v1/applications/{id}/permissions": {wizardA.with(200), func(e *env) request {
			return request{method: "PUT", path: app(draftA, "/permissions"),
				body: reconi.PermissionsInput{Direct: true, Providers: []string{"RVO"}, ValidityYears: 1}}
		}},
		"POST /v1/applications/{id}/submit": {wizardA.with(200), func(e *env) request {
			id, _ := e.ready(orgA, true)
			return request{method: "POST", path: app(id, "/submit"), body: reconi.Submission{AgreeTerms: true}}
		}},
		"POST /v1/applications/{id}/cancel": {wizardA.with(200), func(e *env) request {
			id, _, _ := e.submitted(orgA, true)
			return request{method: "POST", path: app(id, "/cancel"), body: map[string]string{"reason": "test"}}
		}},
		"POST /v1/applications/{id}/discard": {wizardA.with(200), func(e *env) request {
			a, err := e.svc.CreateDraft(local, reconi.NewDraft{KVK: orgA, Level: "EH3"})
			if err != nil {
				e.t.Fatal(err)
			}
			return request{method: "POST", path: app(a.ID, "/discard"), body: map[string]string{"reason": "test"}}
		}},
		"POST /v1/applications/{id}/users/{email}/resend": {resendA.with(200), func(e *env) request {
			id, u, _ := e.submitted(orgA, true)
			return request{method: "POST", path: app(id, "/users/"+url.PathEscape(u.Email)+"/resend"), body: map[string]bool{"new_link": true}}
		}},
		"PATCH /v1/applications/{id}/users/{email}": {manageA.with(200), func(e *env) request {
			id, u, _ := e.submitted(orgA, true)
			return request{method: "PATCH", path: app(id, "/users/"+url.PathEscape(u.Email)), body: reconi.UserUpdate{Email: "fixed." + u.Email}}
		}},
		"GET /v1/invitations/{token}": {public, func(e *env) request {
			tok, _ := e.invited(orgA, "confirm")
			return request{method: "GET", path: "/v1/invitations/" + tok}
		}},
		"POST /v1/invitations/{token}/confirm": {public, func(e *env) request {
			tok, _ := e.invited(orgA, "confirm")
			return request{method: "POST", path: "/v1/invitations/" + tok + "/confirm", body: struct{}{}}
		}},
		"POST /v1/invitations/{token}/send-code": {public, func(e *env) request {
			tok, _ := e.invited(orgA, "send-code")
			return request{method: "POST", path: "/v1/invitations/" + tok + "/send-code", body: struct{}{}}
		}},
		"POST /v1/invitations/{token}/verify": {public, func(e *env) request {
			tok, code := e.invited(orgA, "verify")
			return request{method: "POST", path: "/v1/invitations/" + tok + "/verify", body: map[string]string{"code": code}}
		}},
		"POST /v1/invitations/{token}/order": {public, func(e *env) request {
			tok, _ := e.invited(orgA, "order")
			return request{method: "POST", path: "/v1/invitations/" + tok + "/order", body: struct{}{}}
		}},
		"POST /v1/users/{id}/identification": {operatorOnly.with(200), func(e *env) request {
			u := e.ordered(orgA)
			return request{method: "POST", path: user(u.ID, "/identification"), body: map[string]string{"result": "passed"}}
		}},
		"GET /v1/reviews": {operatorOnly.with(200), get("/v1/reviews")},
		"POST /v1/users/{id}/approve": {operatorOnly.with(200), func(e *env) request {
			u := e.inFinalCheck(orgA)
			return request{method: "POST", path: user(u.ID, "/approve"), body: struct{}{}}
		}},
		"POST /v1/users/{id}/reject": {operatorOnly.with(200), func(e *env) request {
			u := e.inFinalCheck(orgA)
			return request{method: "POST", path: user(u.ID, "/reject"), body: map[string]string{"reason": "the document did not match"}}
		}},
		"GET /v1/outbox":      {operatorOnly.with(200), get("/v1/outbox?channel=email&limit=5")},
		"GET /v1/outbox/{id}": {operatorOnly.with(200), get("/v1/outbox/" + strconv.FormatInt(msgs[0].ID, 10))},
		"POST /v1/outbox/retry": {operatorOnly.with(200), func(e *env) request {
			m := e.keptInvitation(orgA)
			return request{method: "POST", path: "/v1/outbox/retry", body: map[string][]int64{"ids": {m.ID}}}
		}},
		"GET /v1/means":       {readA.with(200), get("/v1/means?kvk=" + orgA + "&state=active&limit=10")},
		"GET /v1/means/{ref}": {readA.with(200), get("/v1/means/" + url.PathEscape(issuedA.Email))},
		"POST /v1/means/withdraw": {manageA.with(200), func(e *env) request {
			u := e.issued(orgA)
			return request{method: "POST", path: "/v1/means/withdraw",
				body: reconi.Withdrawal{KVK: orgA, Emails: []string{u.Email}, Reason: "left the company"}}
		}},
		"POST /v1/renewals": {wizardA.with(201), func(e *env) request {
			u := e.issued(orgA)
			return request{method: "POST", path: "/v1/renewals",
				body: reconi.NewRenewal{KVK: orgA, Means: []string{u.Email}, ValidityYears: 1}}
		}},
		"POST /v1/grants": {wizardA.with(201), func(e *env) request {
			u := e.issued(orgA)
			return request{method: "POST", path: "/v1/grants",
				body: reconi.NewGrant{KVK: orgA, Emails: []string{u.Email}, Providers: []string{"RVO"}, ValidityYears: 1}}
		}},
		"POST /v1/permissions/withdraw": {manageA.with(200), func(e *env) request {
			u := e.issued(orgA)
			return request{method: "POST", path: "/v1/permissions/withdraw",
				body: reconi.PermissionWithdrawal{KVK: orgA, Emails: []string{u.Email}, All: true, Reason: "changed role"}}
		}},
		"POST /v1/links": {readA.with(200), func(e *env) request {
			return request{method: "POST", path: "/v1/links",
				body: reconi.LinkQuery{KVK: orgA, Level: "EH3", People: []reconi.LinkPerson{{Email: "nobody@example.nl", Phone: "0612345678"}}}}
		}},
		"GET /v1/people/{email}": {readA.with(200), get("/v1/people/" + url.PathEscape(usersA[0].Email) + "?kvk=" + orgA)},
		"GET /v1/users":          {readA.with(200), get("/v1/users?application_id=" + strconv.FormatInt(usersA[0].ApplicationID, 10))},
	}

	// Every status the matrix sees is one the document promises.
	ops := loadOpenAPI(t).operations(t)
	seen := map[string]bool{}
	for _, r := range e.api.Routes() {
		name := r.Method + " " + r.Path
		seen[name] = true
		row, ok := rows[name]
		if !ok {
			t.Errorf("%s has no row in the role matrix: add one with the status of every identity", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			for _, id := range identities {
				want, ok := row.want[id]
				if !ok {
					t.Fatalf("the row has no status for %s", id)
				}
				req := row.prepare(e)
				resp, body := e.do(tokens[id], req)
				if resp.StatusCode != want {
					t.Errorf("%s: %s %s = %d, want %d: %s", id, req.method, req.path, resp.StatusCode, want, body)
					continue
				}
				if op := ops[r.Method+" "+r.Path]; op != nil {
					if _, ok := op.Responses[strconv.Itoa(want)]; !ok {
						t.Errorf("%s: status %d is not in %s", id, want, openAPIPath)
					}
				}
				if want >= 400 {
					// The kind in the body says the same as the status.
					if got := errorOf(t, body).Kind; httpapi.StatusOf(got) != want {
						t.Errorf("%s: kind %s for status %d", id, got, want)
					}
				}
			}
		})
	}
	for name := range rows {
		if !seen[name] {
			t.Errorf("the matrix has a row for %s, which is not a route", name)
		}
	}
}
