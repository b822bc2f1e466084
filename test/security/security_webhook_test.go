package security_test

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/notify"
	"github.com/reconi/reconi/internal/notify/notifytest"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
)

// pendingIdentification takes a user not employed through the user's steps
// over the API, and returns the user and the partner's reference.
func pendingIdentification(t *testing.T, s *server) (reconi.User, string) {
	t.Helper()
	manager := s.token("manager", orgA)
	_, users := s.application(manager, orgA, s.newUser(false))
	u := users[0]
	inv := "/v1/invitations/" + s.invitation(u)
	s.mustCall(200, "", "POST", inv+"/confirm", struct{}{})
	s.mustCall(200, "", "POST", inv+"/send-code", struct{}{})
	s.mustCall(200, "", "POST", inv+"/verify", map[string]string{"code": s.lastCode(u)})
	s.mustCall(200, "", "POST", inv+"/order", struct{}{})
	ms := s.outbox(u, reconi.ChannelIdentification)
	if len(ms) != 1 {
		t.Fatalf("%d identification requests", len(ms))
	}
	return u, strings.TrimPrefix(ms[0].Subject, "identification ")
}

// signed is a callback request as the partner sends it.
type signed struct {
	ts   string
	sig  string
	body []byte
}

func sign(secret string, at time.Time, body string) signed {
	return signed{strconv.FormatInt(at.Unix(), 10), notify.Sign(secret, at.Unix(), []byte(body)), []byte(body)}
}

func (s *server) callback(r signed) response {
	s.t.Helper()
	return s.call("", "POST", httpapi.CallbackPath, r.body, http.Header{notify.HeaderTimestamp: {r.ts}, notify.HeaderSignature: {r.sig}})
}

// TestCallbackReplayAndTampering: the partner's callback is refused (401,
// nothing changes) when it is replayed after the five-minute window, comes
// from too far in the future, is signed with another secret, or was
// changed on the way: body, timestamp or signature. A replay within the
// window finds the result applied already and changes nothing.
func TestCallbackReplayAndTampering(t *testing.T) {
	s := newServer(t)
	s.register(orgA, "Org A B.V.")
	u, ref := pendingIdentification(t, s)
	passed := `{"reference":"` + ref + `","result":"passed"}`
	failed := `{"reference":"` + ref + `","result":"failed"}`
	now := s.clock.Now()
	good := sign(callbackSecret, now, passed)

	refused := func(name string, r signed) {
		t.Helper()
		got := s.callback(r)
		if got.status != http.StatusUnauthorized || got.errorKind(t) != reconi.KindUnauthorized {
			t.Errorf("%s: %s, want 401", name, got)
		}
		if st := s.user(u).State; st != reconi.UserIdentificationPending {
			t.Fatalf("%s: the user moved to %s", name, st)
		}
	}
	refused("tampered body", signed{good.ts, good.sig, []byte(failed)})
	refused("tampered timestamp", signed{strconv.FormatInt(now.Unix()-1, 10), good.sig, good.body})
	refused("another secret", sign("guessed-secret", now, passed))
	refused("no signature", signed{good.ts, "", good.body})
	refused("signature of another scheme", signed{good.ts, "v2=" + strings.TrimPrefix(good.sig, "v1="), good.body})
	refused("signed 6 minutes ago", sign(callbackSecret, now.Add(-6*time.Minute), passed))
	refused("signed 6 minutes ahead", sign(callbackSecret, now.Add(6*time.Minute), passed))

	// The genuine one is applied.
	if r := s.callback(good); r.status != 200 {
		t.Fatalf("the signed callback: %s", r)
	}
	after := s.user(u)
	if after.State != reconi.UserFinalCheck {
		t.Fatalf("state %s after the result", after.State)
	}
	// Replayed within the window: nothing happens a second time.
	if r := s.callback(good); r.status != 200 {
		t.Errorf("a replay within the window: %s", r)
	}
	// A different result within the window, signed: refused by the
	// service, since the user is not waiting any more.
	if r := s.callback(sign(callbackSecret, now, failed)); r.status != http.StatusConflict {
		t.Errorf("another result for the same reference: %s", r)
	}
	// The same request captured and replayed later: refused before the
	// service sees it.
	s.clock.Advance(5*time.Minute + time.Second)
	if r := s.callback(good); r.status != http.StatusUnauthorized {
		t.Errorf("a replay after the window: %s", r)
	}
	if got := s.user(u); got.State != after.State || !got.UpdatedAt.Equal(after.UpdatedAt) {
		t.Errorf("the replays changed the user: %+v", got)
	}
	hist, err := reconi.AllEvents(local, s.svc, u.ApplicationID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range hist {
		if ev.UserID == u.ID && strings.Contains(ev.Reason, "identification passed") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d identification events, want 1", n)
	}
}

// TestOutgoingWebhooksSigned: reconi's requests to the SMS and
// identification providers carry a signature the receiver verifies with
// notify.Verify; the same request is refused by the receiver once it is
// older than the window, or changed.
func TestOutgoingWebhooksSigned(t *testing.T) {
	s := newServer(t)
	s.register(orgA, "Org A B.V.")
	pendingIdentification(t, s)

	smsHook := notifytest.NewWebhook(t, "sms-secret")
	idHook := notifytest.NewWebhook(t, "id-secret")
	sms, err := notify.NewSMSWebhook(smsHook.Config())
	if err != nil {
		t.Fatal(err)
	}
	ident, err := notify.NewIdentificationWebhook(idHook.Config())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Dispatch(context.Background(), map[reconi.Channel]notify.Sender{reconi.ChannelSMS: sms, reconi.ChannelIdentification: ident},
		service.DispatchOptions{}); err != nil {
		t.Fatal(err)
	}
	for name, hook := range map[string]*notifytest.Webhook{"SMS": smsHook, "identification": idHook} {
		reqs := hook.Requests()
		if len(reqs) != 1 || reqs[0].Verified != nil {
			t.Fatalf("%s: %d requests, first verified: %v", name, len(reqs), reqs)
		}
		r := reqs[0]
		sig, ts := r.Header.Get(notify.HeaderSignature), r.Header.Get(notify.HeaderTimestamp)
		at, _ := strconv.ParseInt(ts, 10, 64)
		sent := time.Unix(at, 0)
		if err := notify.Verify(hook.Secret, sig, ts, r.Body, sent.Add(5*time.Minute), 0); err != nil {
			t.Errorf("%s at the edge of the window: %v", name, err)
		}
		if err := notify.Verify(hook.Secret, sig, ts, r.Body, sent.Add(5*time.Minute+time.Second), 0); err != notify.ErrStale {
			t.Errorf("%s replayed after the window: %v, want ErrStale", name, err)
		}
		changed := bytes.Replace(r.Body, []byte(`"`), []byte(`'`), 1)
		if err := notify.Verify(hook.Secret, sig, ts, changed, sent, 0); err != notify.ErrBadSignature {
			t.Errorf("%s changed: %v, want ErrBadSignature", name, err)
		}
		if r.Header.Get(notify.HeaderIdempotencyKey) == "" {
			t.Errorf("%s: no Idempotency-Key for the receiver to drop a resend", name)
		}
	}
}
