package service_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
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

// partner is the identification partner of these tests: it receives
// requests at its webhook and reports results to serve's callback.
type partner struct {
	requests *notifytest.Webhook
	callback *httptest.Server
	secret   string
}

func newPartner(t *testing.T, svc *service.Service) *partner {
	p := &partner{requests: notifytest.NewWebhook(t, "to-partner"), secret: "from-partner"}
	apply := func(ctx context.Context, ref string, passed bool, note string) error {
		_, err := svc.IdentificationResult(ctx, ref, passed, note)
		return err
	}
	p.callback = httptest.NewServer(httpapi.IdentificationCallback(notify.Verifier(p.secret, nil, 0), apply))
	t.Cleanup(p.callback.Close)
	return p
}

// report posts a result signed with secret at time at; it returns the
// status.
func (p *partner) report(t *testing.T, secret string, at time.Time, body string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, p.callback.URL, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(notify.HeaderTimestamp, strconv.FormatInt(at.Unix(), 10))
		req.Header.Set(notify.HeaderSignature, notify.Sign(secret, at.Unix(), []byte(body)))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// toIdentification takes a user not employed from the invitation email to
// the identification request the partner received, through the SMTP server
// and the SMS webhook. It returns the user and the request's reference.
func toIdentification(t *testing.T, f *outboxFixture, srv *notifytest.SMTPServer, p *partner, kvk, email string) (*reconi.User, string) {
	t.Helper()
	token := smsCode(t, f, srv, kvk, email, false)
	smsHook := notifytest.NewWebhook(t, "sms")
	smsSender, _ := notify.NewSMSWebhook(smsHook.Config())
	identSender, _ := notify.NewIdentificationWebhook(p.requests.Config())
	senders := smtpSenders(t, srv)
	senders[reconi.ChannelSMS], senders[reconi.ChannelIdentification] = smsSender, identSender

	f.dispatch(t, senders, service.DispatchOptions{})
	got, _ := smsHook.SMS()
	if len(got) != 1 {
		t.Fatalf("%d SMS arrived, want 1", len(got))
	}
	code := regexp.MustCompile(`\d{6}`).FindString(got[0].Body)
	if _, err := f.svc.VerifyCode(context.Background(), token, code); err != nil {
		t.Fatal(err)
	}
	inv, err := f.svc.Order(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	if inv.User.State != reconi.UserIdentificationPending {
		t.Fatalf("after ordering: %s, want identification_pending", inv.User.State)
	}
	// Ordering again says so, rather than asking for a phone check.
	if _, err := f.svc.Order(context.Background(), token); reconi.ErrorKind(err) != reconi.KindConflict ||
		!strings.Contains(err.Error(), "already ordered (state identification_pending)") {
		t.Fatalf("ordering twice: %v", err)
	}

	before := len(p.requests.Accepted())
	f.dispatch(t, senders, service.DispatchOptions{})
	reqs := p.requests.Accepted()
	if len(reqs) != before+1 {
		t.Fatalf("the partner received %d requests, want %d", len(reqs), before+1)
	}
	var r service.IdentificationRequest
	if err := json.Unmarshal(reqs[len(reqs)-1].Body, &r); err != nil {
		t.Fatal(err)
	}
	if r.Email != email || r.KVK != kvk || r.Level != "EH3" || r.Reference == "" {
		t.Errorf("identification request %+v", r)
	}
	return &inv.User, r.Reference
}

func (f *outboxFixture) user(t *testing.T, u *reconi.User) reconi.User {
	t.Helper()
	a, err := f.svc.Application(f.ctx, u.ApplicationID)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range a.Users {
		if x.ID == u.ID {
			return x
		}
	}
	t.Fatalf("user %d is gone", u.ID)
	return reconi.User{}
}

func TestIdentificationCallback(t *testing.T) {
	f := newOutboxFixture(t)
	srv := notifytest.NewSMTPServer(t)
	p := newPartner(t, f.svc)
	u, ref := toIdentification(t, f, srv, p, "69599084", "bram@example.nl")

	// The identification email reached the user too.
	if n := len(srv.MailsTo("bram@example.nl")); n != 2 {
		t.Errorf("%d emails to the user, want the invitation and the identification notice", n)
	}

	passed := fmt.Sprintf(`{"reference":%q,"result":"passed","note":"remote, with the app"}`, ref)
	now := time.Now()
	for _, c := range []struct {
		name   string
		secret string
		at     time.Time
		body   string
	}{
		{"unsigned", "", now, passed},
		{"another secret", "guess", now, passed},
		{"stale", p.secret, now.Add(-6 * time.Minute), passed},
	} {
		if status := p.report(t, c.secret, c.at, c.body); status != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", c.name, status)
		}
	}
	if got := f.user(t, u).State; got != reconi.UserIdentificationPending {
		t.Fatalf("after refused callbacks: %s", got)
	}

	if status := p.report(t, p.secret, now, passed); status != http.StatusOK {
		t.Fatalf("signed result: status %d, want 200", status)
	}
	if got := f.user(t, u).State; got != reconi.UserFinalCheck {
		t.Fatalf("after the partner's pass: %s, want final_check", got)
	}
	events, err := reconi.AllEvents(f.ctx, f.svc, u.ApplicationID)
	if err != nil {
		t.Fatal(err)
	}
	var trail []string
	for _, e := range events {
		if e.UserID == u.ID && e.From != e.To {
			trail = append(trail, e.To)
		}
		if e.To == string(reconi.UserIdentified) && (e.Actor != "identification partner" || e.Reason != "identification passed: remote, with the app") {
			t.Errorf("history: %+v", e)
		}
	}
	if want := "identification_pending identified final_check"; !strings.HasSuffix(strings.Join(trail, " "), want) {
		t.Errorf("user's history %v, want it to end with %s", trail, want)
	}

	// The partner retries a callback whose answer it lost: nothing changes.
	if status := p.report(t, p.secret, now, passed); status != http.StatusOK {
		t.Errorf("repeated result: status %d, want 200", status)
	}
	again, _ := reconi.AllEvents(f.ctx, f.svc, u.ApplicationID)
	if len(again) != len(events) {
		t.Errorf("a repeated result added %d events", len(again)-len(events))
	}
	// A different result for a decided request is a conflict.
	failed := fmt.Sprintf(`{"reference":%q,"result":"failed"}`, ref)
	if status := p.report(t, p.secret, now, failed); status != http.StatusConflict {
		t.Errorf("contradicting result: status %d, want 409", status)
	}
	if status := p.report(t, p.secret, now, `{"reference":"reconi-0-0","result":"passed"}`); status != http.StatusNotFound {
		t.Errorf("unknown reference: status %d, want 404", status)
	}
	if status := p.report(t, p.secret, now, `{"reference":`); status != http.StatusBadRequest {
		t.Errorf("bad JSON: status %d, want 400", status)
	}
	if status := p.report(t, p.secret, now, fmt.Sprintf(`{"reference":%q,"result":"maybe"}`, ref)); status != http.StatusBadRequest {
		t.Errorf("unknown result: status %d, want 400", status)
	}
}

func TestIdentificationCallbackFailed(t *testing.T) {
	f := newOutboxFixture(t)
	srv := notifytest.NewSMTPServer(t)
	p := newPartner(t, f.svc)
	u, ref := toIdentification(t, f, srv, p, "69599084", "bram@example.nl")
	body := fmt.Sprintf(`{"reference":%q,"result":"failed","note":"document expired"}`, ref)
	if status := p.report(t, p.secret, time.Now(), body); status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if got := f.user(t, u).State; got != reconi.UserRejected {
		t.Errorf("after a failed identification: %s, want rejected", got)
	}
}

func TestIdentificationResult(t *testing.T) {
	f := newOutboxFixture(t)
	if _, err := f.svc.IdentificationResult(context.Background(), "reconi-404-1", true, ""); reconi.ErrorKind(err) != reconi.KindNotFound {
		t.Errorf("unknown reference: %v, want not found", err)
	}
	if _, err := f.svc.IdentificationResult(context.Background(), " ", true, ""); reconi.ErrorKind(err) != reconi.KindInvalid {
		t.Errorf("empty reference: %v, want invalid", err)
	}
	srv := notifytest.NewSMTPServer(t)
	p := newPartner(t, f.svc)
	u, ref := toIdentification(t, f, srv, p, "69599084", "bram@example.nl")
	// The manager cancels first: the partner's result comes too late.
	if _, err := f.svc.Cancel(f.ctx, u.ApplicationID, u.Email, ""); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("x", 2000)
	if _, err := f.svc.IdentificationResult(context.Background(), ref, true, long); reconi.ErrorKind(err) != reconi.KindConflict {
		t.Errorf("cancelled user: %v, want conflict", err)
	}
	if got := f.user(t, u).State; got != reconi.UserCancelled {
		t.Errorf("state %s, want cancelled", got)
	}

	// A long note is cut short in the history.
	u2, ref2 := toIdentification(t, f, srv, p, "68750110", "cees@example.nl")
	got, err := f.svc.IdentificationResult(context.Background(), ref2, true, long)
	if err != nil || got.State != reconi.UserFinalCheck {
		t.Fatalf("%v, %v", got, err)
	}
	events, _ := reconi.AllEvents(f.ctx, f.svc, u2.ApplicationID)
	for _, e := range events {
		if e.To == string(reconi.UserIdentified) && len([]rune(e.Reason)) > 530 {
			t.Errorf("the note went into the history whole: %d characters", len([]rune(e.Reason)))
		}
	}
}
