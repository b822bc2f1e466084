package security_test

import (
	"encoding/base64"
	"encoding/json"
	"math/bits"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
)

// TestInvitationTokensUnguessable: every invitation token carries 256
// random bits (43 base64url characters), no two are alike, and their bits
// look random: about half are set, at every position. API tokens are made
// the same way, after their rci_ prefix.
func TestInvitationTokensUnguessable(t *testing.T) {
	s := newServer(t)
	s.register(orgA, "Org A B.V.")
	manager := s.token("manager", orgA)
	var in []reconi.NewUser
	for range 40 {
		in = append(in, s.newUser(true))
	}
	_, users := s.application(manager, orgA, in...)

	var tokens []string
	for _, u := range users {
		tokens = append(tokens, s.invitation(u))
	}
	for range 40 {
		tokens = append(tokens, strings.TrimPrefix(s.token("operator"), service.TokenPrefix))
	}
	checkRandom(t, tokens)
}

// checkRandom checks tokens of 32 random bytes, base64url without padding.
func checkRandom(t *testing.T, tokens []string) {
	t.Helper()
	seen := map[string]bool{}
	ones := make([]int, 256)
	total := 0
	for _, tok := range tokens {
		raw, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil || len(tok) != 43 || len(raw) != 32 {
			t.Fatalf("token %q: %d characters, %d bytes (%v); want 43 characters of base64url, 256 bits", tok, len(tok), len(raw), err)
		}
		if seen[tok] || seen[tok[:8]] {
			t.Fatalf("token %q, or its first 8 characters, came twice", tok)
		}
		seen[tok], seen[tok[:8]] = true, true
		for i, b := range raw {
			total += bits.OnesCount8(b)
			for j := range 8 {
				ones[i*8+j] += int(b>>j) & 1
			}
		}
	}
	// Half the bits set, give or take 3%: 80 tokens of 256 bits make
	// 20480 bits, whose standard deviation is under 0.4%.
	if frac := float64(total) / float64(len(tokens)*256); frac < 0.47 || frac > 0.53 {
		t.Errorf("%.3f of the bits are set, want about half", frac)
	}
	// No position stuck: a bit that is always or never set is not random.
	for i, n := range ones {
		if n == 0 || n == len(tokens) {
			t.Errorf("bit %d is %d of %d times set", i, n, len(tokens))
		}
	}
}

// TestInvitationExpires: an invitation works for 30 days, then every step
// is refused, on the API (409) and on the pages (410).
func TestInvitationExpires(t *testing.T) {
	s := newServer(t)
	s.register(orgA, "Org A B.V.")
	manager := s.token("manager", orgA)
	_, users := s.application(manager, orgA, s.newUser(true), s.newUser(true))
	inv := "/v1/invitations/" + s.invitation(users[0])
	page := "/invite/" + s.invitation(users[1])

	s.clock.Advance(30*24*time.Hour - time.Minute)
	s.mustCall(200, "", "GET", inv, nil)
	if st, _, _ := s.browser().get(page); st != 200 {
		t.Fatalf("the page a minute before expiry: %d", st)
	}

	s.clock.Advance(2 * time.Minute)
	for _, step := range []string{"", "/confirm", "/send-code", "/order"} {
		method := "POST"
		if step == "" {
			method = "GET"
		}
		r := s.call("", method, inv+step, struct{}{}, nil)
		if r.status != http.StatusConflict || !strings.Contains(r.errorMessage(t), "expired") {
			t.Errorf("%s %s after 30 days: %s", method, step, r)
		}
	}
	r := s.call("", "POST", inv+"/verify", map[string]string{"code": "123456"}, nil)
	if r.status != http.StatusConflict {
		t.Errorf("verify after 30 days: %s", r)
	}
	b := s.browser()
	if st, body, _ := b.get(page); st != http.StatusGone {
		t.Errorf("the page after 30 days: %d\n%s", st, body)
	}

	// The sweeper marks them expired; still refused.
	if n, err := s.svc.ExpireDue(local); err != nil || n != 2 {
		t.Fatalf("ExpireDue: %d, %v", n, err)
	}
	if got := s.user(users[0]).State; got != reconi.UserExpired {
		t.Errorf("state %s", got)
	}
	r = s.call("", "POST", inv+"/confirm", struct{}{}, nil)
	st, _, _ := s.browser().get(page)
	if r.status != http.StatusConflict || !strings.Contains(r.errorMessage(t), "expired") {
		t.Errorf("confirm once expired: %s", r)
	}
	if st != http.StatusGone {
		t.Errorf("the page once expired: %d", st)
	}
}

// TestInvitationBoundToItsUser: a token shows and moves its own user's
// request and no other's, whatever the other request's state; the user's
// code does not work with another token; tokens of one kind are worth
// nothing as the other (invitation vs API). Role and organisation
// isolation of the API tokens is httpapi's TestRoleMatrix.
func TestInvitationBoundToItsUser(t *testing.T) {
	s := newServer(t)
	s.register(orgA, "Org A B.V.")
	s.register(orgB, "Org B B.V.")
	managerA := s.token("manager", orgA)
	managerB := s.token("manager", orgB)
	operator := s.token("operator")
	_, usersA := s.application(managerA, orgA, s.newUser(true), s.newUser(true))
	_, usersB := s.application(managerB, orgB, s.newUser(true))
	jan, marie, piet := usersA[0], usersA[1], usersB[0]
	tokJan, tokMarie, tokPiet := s.invitation(jan), s.invitation(marie), s.invitation(piet)
	api := func(tok string) string { return "/v1/invitations/" + tok }

	// Each token shows its own user only.
	for tok, u := range map[string]reconi.User{tokJan: jan, tokMarie: marie, tokPiet: piet} {
		var inv reconi.Invitation
		json.Unmarshal(s.mustCall(200, "", "GET", api(tok), nil).body, &inv)
		if inv.User.ID != u.ID || inv.User.Email != u.Email {
			t.Errorf("the invitation of %s shows user %d %s", u.Email, inv.User.ID, inv.User.Email)
		}
	}

	// Jan's steps move Jan only.
	s.mustCall(200, "", "POST", api(tokJan)+"/confirm", struct{}{})
	s.mustCall(200, "", "POST", api(tokMarie)+"/confirm", struct{}{})
	s.mustCall(200, "", "POST", api(tokJan)+"/send-code", struct{}{})
	s.clock.Advance(2 * time.Minute)
	s.mustCall(200, "", "POST", api(tokMarie)+"/send-code", struct{}{})
	if s.user(piet).State != reconi.UserInvited {
		t.Errorf("another organisation's user moved: %s", s.user(piet).State)
	}
	// Marie's code does not verify Jan, and Jan's not Marie.
	codeJan, codeMarie := s.lastCode(jan), s.lastCode(marie)
	if codeJan != codeMarie {
		s.mustCall(400, "", "POST", api(tokJan)+"/verify", map[string]string{"code": codeMarie})
		s.mustCall(400, "", "POST", api(tokMarie)+"/verify", map[string]string{"code": codeJan})
	}
	s.mustCall(200, "", "POST", api(tokJan)+"/verify", map[string]string{"code": codeJan})
	if got := s.user(marie).State; got != reconi.UserDetailsConfirmed {
		t.Errorf("Marie is %s after Jan's code", got)
	}

	// A cancelled request: its token is refused; the others still work.
	s.mustCall(200, managerA, "POST", "/v1/applications/"+itoa(marie.ApplicationID)+"/cancel", map[string]string{"email": marie.Email, "reason": "left"})
	if r := s.call("", "POST", api(tokMarie)+"/verify", map[string]string{"code": codeMarie}, nil); r.status != http.StatusConflict {
		t.Errorf("a cancelled request's token: %s", r)
	}
	s.mustCall(200, "", "POST", api(tokJan)+"/order", struct{}{})

	// Not a token: near misses, another kind, a pasted link of another
	// host, case changed.
	for name, tok := range map[string]string{
		"truncated":       tokPiet[:42],
		"extended":        tokPiet + "A",
		"case changed":    strings.ToUpper(tokPiet[:1]) + strings.ToLower(tokPiet[1:]),
		"API token":       operator,
		"API token, bare": strings.TrimPrefix(operator, "rci_"),
	} {
		if name == "case changed" && tokPiet == strings.ToUpper(tokPiet[:1])+strings.ToLower(tokPiet[1:]) {
			continue
		}
		if r := s.call("", "GET", api(url.PathEscape(tok)), nil, nil); r.status != http.StatusNotFound {
			t.Errorf("%s as an invitation: %s", name, r)
		}
	}
	// An invitation token is no API token, whatever the prefix.
	for _, tok := range []string{tokPiet, "rci_" + tokPiet} {
		if r := s.call(tok, "GET", "/v1/whoami", nil, nil); r.status != http.StatusUnauthorized {
			t.Errorf("an invitation token as a bearer token: %s", r)
		}
	}
	// An API token changes nothing on the public routes: Piet's page is
	// Piet's, whoever calls.
	for _, tok := range []string{operator, managerA} {
		var inv reconi.Invitation
		json.Unmarshal(s.mustCall(200, tok, "GET", api(tokPiet), nil).body, &inv)
		if inv.User.ID != piet.ID {
			t.Errorf("with an API token, Piet's invitation shows user %d", inv.User.ID)
		}
	}

	// The pages: a form of Jan's page, sent to Piet's, is refused (the
	// CSRF token is bound to the invitation; web's TestCSRF has the rest).
	b := s.browser()
	_, _, csrfJan := b.get("/invite/" + tokJan)
	b.get("/invite/" + tokPiet)
	if st := b.post("/invite/"+tokPiet+"/confirm", url.Values{"csrf": {csrfJan}}); st != http.StatusForbidden {
		t.Errorf("Jan's form posted to Piet's page: %d", st)
	}
	if got := s.user(piet).State; got != reconi.UserInvited {
		t.Errorf("Piet is %s", got)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
