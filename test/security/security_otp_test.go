package security_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

// confirmed returns a submitted user who confirmed the details and the
// path of the invitation's API.
func confirmed(t *testing.T, s *server) (reconi.User, string) {
	t.Helper()
	manager := s.token("manager", orgA)
	_, users := s.application(manager, orgA, s.newUser(true))
	inv := "/v1/invitations/" + s.invitation(users[0])
	s.mustCall(200, "", "POST", inv+"/confirm", struct{}{})
	return users[0], inv
}

// TestCodeBruteForce: five wrong tries void the code, and then even the
// right code is refused; a new code is needed, and works.
func TestCodeBruteForce(t *testing.T) {
	s := newServer(t)
	s.register(orgA, "Org A B.V.")
	u, inv := confirmed(t, s)
	s.mustCall(200, "", "POST", inv+"/send-code", struct{}{})
	code := s.lastCode(u)

	for i := 1; i <= 5; i++ {
		r := s.mustCall(400, "", "POST", inv+"/verify", map[string]string{"code": wrongCode(code)})
		msg := r.errorMessage(t)
		if i < 4 && !strings.Contains(msg, "tries left") || i == 4 && !strings.Contains(msg, "1 try left") || i == 5 && !strings.Contains(msg, "last try") {
			t.Errorf("wrong try %d: %q", i, msg)
		}
	}
	for _, c := range []string{code, " " + code + " ", wrongCode(code)} {
		r := s.mustCall(400, "", "POST", inv+"/verify", map[string]string{"code": c})
		if msg := r.errorMessage(t); !strings.Contains(msg, "no valid code") {
			t.Errorf("after five wrong tries, %q: %q", c, msg)
		}
	}
	if got := s.user(u).State; got != reconi.UserDetailsConfirmed {
		t.Fatalf("state %s after a voided code", got)
	}

	// A new code, after the resend interval: the old one stays void.
	s.clock.Advance(61 * time.Second)
	s.mustCall(200, "", "POST", inv+"/send-code", struct{}{})
	fresh := s.lastCode(u)
	if fresh != code {
		s.mustCall(400, "", "POST", inv+"/verify", map[string]string{"code": code})
	}
	s.mustCall(200, "", "POST", inv+"/verify", map[string]string{"code": fresh})
	if got := s.user(u).State; got != reconi.UserPhoneVerified {
		t.Fatalf("state %s after the right code", got)
	}
	// Used: it cannot be checked again.
	s.mustCall(409, "", "POST", inv+"/verify", map[string]string{"code": fresh})
}

// TestCodeBruteForceConcurrent: tries sent at once are counted one by one,
// so no more than five are ever judged.
func TestCodeBruteForceConcurrent(t *testing.T) {
	s := newServer(t)
	s.register(orgA, "Org A B.V.")
	u, inv := confirmed(t, s)
	s.mustCall(200, "", "POST", inv+"/send-code", struct{}{})
	code := s.lastCode(u)

	const n = 20
	msgs := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r := s.call("", "POST", inv+"/verify", map[string]string{"code": wrongCode(code)}, nil)
			if r.status != 400 {
				t.Errorf("try %d: %s", i, r)
				return
			}
			msgs[i] = r.errorMessage(t)
		})
	}
	wg.Wait()
	judged := 0
	for _, m := range msgs {
		if strings.Contains(m, "not right") {
			judged++
		}
	}
	if judged > 5 {
		t.Errorf("%d concurrent wrong tries were judged, want at most 5: %q", judged, msgs)
	}
	s.mustCall(400, "", "POST", inv+"/verify", map[string]string{"code": code})
}

// TestCodeExpires: a code is valid for 10 minutes.
func TestCodeExpires(t *testing.T) {
	s := newServer(t)
	s.register(orgA, "Org A B.V.")
	u, inv := confirmed(t, s)
	s.mustCall(200, "", "POST", inv+"/send-code", struct{}{})
	code := s.lastCode(u)
	s.clock.Advance(10*time.Minute + time.Second)
	r := s.mustCall(400, "", "POST", inv+"/verify", map[string]string{"code": code})
	if msg := r.errorMessage(t); !strings.Contains(msg, "expired") {
		t.Errorf("an expired code: %q", msg)
	}
}

// TestCodeResendLimits: a new code no sooner than a minute after the last,
// and at most five within an hour, so that wrong tries cannot be renewed
// faster than 25 an hour; the limits hold for the invitation pages too
// (web's TestCodeLimits).
func TestCodeResendLimits(t *testing.T) {
	s := newServer(t)
	s.register(orgA, "Org A B.V.")
	_, inv := confirmed(t, s)
	send := func() response { return s.call("", "POST", inv+"/send-code", struct{}{}, nil) }

	if r := send(); r.status != 200 {
		t.Fatalf("first code: %s", r)
	}
	start := s.clock.Now()
	r := send()
	if r.status != http.StatusConflict || !strings.Contains(r.errorMessage(t), "wait") {
		t.Errorf("a second code at once: %s", r)
	}
	s.clock.Advance(30 * time.Second)
	if r := send(); r.status != http.StatusConflict {
		t.Errorf("a second code after 30s: %s", r)
	}
	for i := 2; i <= 5; i++ {
		s.clock.Advance(31 * time.Second)
		if i > 2 {
			s.clock.Advance(30 * time.Second)
		}
		if r := send(); r.status != 200 {
			t.Fatalf("code %d: %s", i, r)
		}
	}
	s.clock.Advance(2 * time.Minute)
	r = send()
	if r.status != http.StatusConflict || !strings.Contains(r.errorMessage(t), "within the hour") {
		t.Errorf("a sixth code within the hour: %s", r)
	}
	// An hour after the first, the window starts again.
	s.clock.Advance(start.Add(time.Hour + time.Second).Sub(s.clock.Now()))
	if r := send(); r.status != 200 {
		t.Errorf("a code an hour later: %s", r)
	}
}
