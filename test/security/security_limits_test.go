package security_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/notify"
	"github.com/reconi/reconi/internal/reconi"
)

// TestBodyLimitDefault: with serve's default limit (1 MiB), a JSON body
// one byte over it is refused with 400 on every route that reads JSON,
// public ones included, before anything changes; httpapi's TestBodyLimits
// checks configured limits and the Idempotency-Key path. The partner's
// callback has its own limit of 64 KiB (413).
func TestBodyLimitDefault(t *testing.T) {
	s := newServer(t)
	s.register(orgA, "Org A B.V.")
	operator, manager := s.token("operator"), s.token("manager", orgA)
	draft := s.mustCall(201, manager, "POST", "/v1/applications", reconi.NewDraft{KVK: orgA, Level: "EH3"})
	app := "/v1/applications/" + idOf(t, draft.body)
	_, users := s.application(manager, orgA, s.newUser(true))
	inv := "/v1/invitations/" + s.invitation(users[0])
	user := "/v1/users/" + strconv.FormatInt(users[0].ID, 10)

	const limit = 1 << 20
	for _, c := range []struct{ token, method, path string }{
		{operator, "POST", "/v1/organizations"},
		{operator, "PUT", "/v1/catalogue"},
		{operator, "PUT", "/v1/prices"},
		{manager, "POST", "/v1/applications"},
		{manager, "POST", app + "/users"},
		{manager, "PUT", app + "/permissions"},
		{manager, "POST", app + "/submit"},
		{manager, "POST", app + "/cancel"},
		{operator, "POST", user + "/identification"},
		{operator, "POST", user + "/reject"},
		{"", "POST", inv + "/verify"},
	} {
		// A JSON object whose one string makes it limit+1 bytes long.
		body := `{"x":"` + strings.Repeat("a", limit+1-len(`{"x":""}`)) + `"}`
		r := s.call(c.token, c.method, c.path, body, nil)
		if r.status != 400 || r.errorKind(t) != reconi.KindInvalid || !strings.Contains(r.errorMessage(t), fmt.Sprintf("larger than %d bytes", limit)) {
			t.Errorf("%s %s with %d bytes: %.200s", c.method, c.path, len(body), r)
		}
	}
	if got := s.user(users[0]).State; got != reconi.UserInvited {
		t.Errorf("a refused body moved the user to %s", got)
	}

	// The callback reads at most 64 KiB, before the signature is checked.
	body := `{"reference":"r","result":"passed","note":"` + strings.Repeat("x", 64<<10) + `"}`
	r := s.call("", "POST", httpapi.CallbackPath, body, http.Header{notify.HeaderTimestamp: {"1"}, notify.HeaderSignature: {"v1=00"}})
	if r.status != http.StatusRequestEntityTooLarge || r.errorKind(t) != reconi.KindInvalid {
		t.Errorf("a callback over 64 KiB: %.200s", r)
	}
}

// TestImportLimit: an import over MaxImportBytes is refused whole, however
// many of its rows were read and valid before the limit.
func TestImportLimit(t *testing.T) {
	s := newServer(t, func(o *httpapi.Options) { o.MaxImportBytes = 4 << 10 })
	s.register(orgA, "Org A B.V.")
	manager := s.token("manager", orgA)
	r := s.mustCall(201, manager, "POST", "/v1/applications", reconi.NewDraft{KVK: orgA, Level: "EH3"})
	app := "/v1/applications/" + idOf(t, r.body)

	var b strings.Builder
	b.WriteString("first_name,last_name,email,phone,date_of_birth,employed\n")
	for b.Len() <= 4<<10 {
		u := s.newUser(true)
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,true\n", u.FirstName, u.LastName, u.Email, u.Phone, u.DateOfBirth)
	}
	r = s.call(manager, "POST", app+"/users/import", b.String(), http.Header{"Content-Type": {"text/csv"}})
	if r.status != 400 || !strings.Contains(r.errorMessage(t), "larger than 4096 bytes") {
		t.Errorf("an import over the limit: %.300s", r)
	}
	got, err := reconi.AllUsers(local, s.svc, reconi.UserFilter{KVK: orgA})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 0 {
		t.Errorf("%d users were added by a refused import", len(got))
	}
}
