package service_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/notify"
	"github.com/reconi/reconi/internal/notify/notifytest"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// outboxClock is the service's clock in these tests: it moves only when
// told to.
type outboxClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *outboxClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *outboxClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// outboxFixture is a service over a SQLite file, with a manager's context.
type outboxFixture struct {
	ctx   context.Context
	path  string
	clock *outboxClock
	st    *sqlite.Store
	svc   *service.Service
}

const outboxFrom = "Reconi <noreply@broker.example>"

func newOutboxFixture(t *testing.T) *outboxFixture {
	t.Helper()
	f := &outboxFixture{
		ctx:   reconi.WithActor(context.Background(), reconi.Actor{Name: "t", Role: reconi.RoleLocal}),
		path:  filepath.Join(t.TempDir(), "reconi.db"),
		clock: &outboxClock{t: time.Now().UTC().Truncate(time.Second)},
	}
	f.st, f.svc = f.open(t)
	return f
}

// open opens another store and service on the fixture's file, as a second
// process would.
func (f *outboxFixture) open(t *testing.T) (*sqlite.Store, *service.Service) {
	t.Helper()
	st, err := sqlite.Open(f.ctx, f.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := service.New(f.ctx, st, service.WithClock(f.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	return st, svc
}

type outboxUser struct {
	email    string
	employed bool
}

// submit runs the wizard for users and submits: each user is sent an
// invitation, and the manager (when notify is set) a receipt.
func (f *outboxFixture) submit(t *testing.T, kvk, notify string, users ...outboxUser) *reconi.Application {
	t.Helper()
	if _, err := f.svc.RegisterOrganization(f.ctx, reconi.NewOrganization{KVK: kvk, Name: "Testbedrijf " + kvk}); err != nil {
		t.Fatal(err)
	}
	a, err := f.svc.CreateDraft(f.ctx, reconi.NewDraft{KVK: kvk, Level: "EH3"})
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range users {
		employed := u.employed
		if _, err := f.svc.AddUser(f.ctx, a.ID, reconi.NewUser{FirstName: "Jan", LastName: fmt.Sprintf("Jansen %d", i),
			Email: u.email, Phone: fmt.Sprintf("+316%08d", 12345000+i), Employed: &employed}); err != nil {
			t.Fatalf("add %s: %v", u.email, err)
		}
	}
	if _, err := f.svc.SetPermissions(f.ctx, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1}); err != nil {
		t.Fatal(err)
	}
	a, err = f.svc.Submit(f.ctx, a.ID, reconi.Submission{AgreeTerms: true, NotifyEmail: notify})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func (f *outboxFixture) outbox(t *testing.T) []reconi.Message {
	t.Helper()
	ms, err := reconi.AllMessages(f.ctx, f.svc, reconi.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// stored reads one message as the store holds it, lease and schedule
// included.
func (f *outboxFixture) stored(t *testing.T, id int64) store.Message {
	t.Helper()
	var m *store.Message
	if err := f.st.View(f.ctx, func(tx store.Tx) (err error) {
		m, err = tx.MessageByID(id)
		return err
	}); err != nil || m == nil {
		t.Fatalf("message %d: %v", id, err)
	}
	return *m
}

func (f *outboxFixture) dispatch(t *testing.T, senders map[reconi.Channel]notify.Sender, o service.DispatchOptions) service.DispatchResult {
	t.Helper()
	res, err := f.svc.Dispatch(f.ctx, senders, o)
	if err != nil {
		t.Fatalf("dispatch: %v", err)
	}
	return res
}

func smtpSenders(t *testing.T, srv *notifytest.SMTPServer) map[reconi.Channel]notify.Sender {
	t.Helper()
	s, err := notify.NewSMTP(srv.Config(outboxFrom))
	if err != nil {
		t.Fatal(err)
	}
	return map[reconi.Channel]notify.Sender{reconi.ChannelEmail: s}
}

var inviteLink = regexp.MustCompile(`http://127\.0\.0\.1:8080/invite/([A-Za-z0-9_-]+)`)

// tokenFrom finds the invitation token in the one email that arrived for to.
func tokenFrom(t *testing.T, srv *notifytest.SMTPServer, to string) string {
	t.Helper()
	mails := srv.MailsTo(to)
	if len(mails) != 1 {
		t.Fatalf("%d emails arrived for %s, want 1", len(mails), to)
	}
	m := inviteLink.FindStringSubmatch(mails[0].Text)
	if m == nil {
		t.Fatalf("no invitation link in the email to %s:\n%s", to, mails[0].Text)
	}
	return m[1]
}

func TestDispatchDeliversInvitations(t *testing.T) {
	f := newOutboxFixture(t)
	srv := notifytest.NewSMTPServer(t)
	users := []outboxUser{{"anna@example.nl", true}, {"bram@example.nl", false}, {"cees@example.nl", true}}
	a := f.submit(t, "69599084", "manager@example.nl", users...)

	before := f.outbox(t)
	if len(before) != 4 {
		t.Fatalf("outbox has %d messages after submitting, want 3 invitations and a receipt", len(before))
	}
	for _, m := range before {
		if m.State != reconi.MessagePending {
			t.Errorf("message %d is %s before dispatch, want pending", m.ID, m.State)
		}
	}

	res := f.dispatch(t, smtpSenders(t, srv), service.DispatchOptions{})
	if res != (service.DispatchResult{Sent: 4}) {
		t.Errorf("result %+v, want 4 sent", res)
	}
	for _, u := range users {
		token := tokenFrom(t, srv, u.email)
		inv, err := f.svc.Invitation(context.Background(), token)
		if err != nil {
			t.Fatalf("the link in the email to %s does not open its invitation: %v", u.email, err)
		}
		if inv.User.Email != u.email || inv.Next != "confirm" {
			t.Errorf("link for %s opens %s (next %s)", u.email, inv.User.Email, inv.Next)
		}
	}
	receipt := srv.MailsTo("manager@example.nl")
	if len(receipt) != 1 || !strings.Contains(receipt[0].Subject, fmt.Sprintf("application %d", a.ID)) {
		t.Errorf("manager's receipt: %+v", receipt)
	}

	// Each email carries its outbox id in the Message-ID, and the outbox
	// keeps no link once delivered.
	byID := map[string]bool{}
	for _, m := range srv.Mails() {
		byID[m.MessageID] = true
	}
	for _, m := range f.outbox(t) {
		if m.State != reconi.MessageSent || m.SentAt == nil || m.Attempts != 1 || m.LastError != "" {
			t.Errorf("message %d: state %s, sent %v, attempts %d, error %q", m.ID, m.State, m.SentAt, m.Attempts, m.LastError)
		}
		if strings.Contains(m.Body, "/invite/") {
			t.Errorf("message %d still holds the link after delivery:\n%s", m.ID, m.Body)
		}
		if m.UserID != 0 && !strings.Contains(m.Body, "[link removed after delivery]") {
			t.Errorf("message %d: the redacted body does not say the link was removed:\n%s", m.ID, m.Body)
		}
		if !byID[fmt.Sprintf("<reconi-outbox-%d-%d@broker.example>", m.ID, m.CreatedAt.UnixMicro())] {
			t.Errorf("no email arrived with the Message-ID of message %d", m.ID)
		}
	}

	// A second pass has nothing to do.
	if res := f.dispatch(t, smtpSenders(t, srv), service.DispatchOptions{}); res != (service.DispatchResult{}) {
		t.Errorf("second pass: %+v, want nothing", res)
	}
	if n := len(srv.Mails()); n != 4 {
		t.Errorf("%d emails arrived in all, want 4", n)
	}
}

func TestDispatchRetriesWithBackoff(t *testing.T) {
	f := newOutboxFixture(t)
	srv := notifytest.NewSMTPServer(t)
	f.submit(t, "69599084", "", outboxUser{"anna@example.nl", true})
	id := f.outbox(t)[0].ID

	var jitterOf []time.Duration
	o := service.DispatchOptions{BaseBackoff: 10 * time.Second, Jitter: func(d time.Duration) time.Duration {
		jitterOf = append(jitterOf, d)
		return 0
	}}
	senders := smtpSenders(t, srv)
	srv.RefuseNext(2, 451)

	start := f.clock.Now()
	if res := f.dispatch(t, senders, o); res != (service.DispatchResult{Retried: 1}) {
		t.Fatalf("first pass %+v, want 1 retried", res)
	}
	m := f.stored(t, id)
	if m.State != reconi.MessagePending || m.Attempts != 1 || !strings.Contains(m.LastError, "451") {
		t.Fatalf("after a refusal: state %s, attempts %d, error %q", m.State, m.Attempts, m.LastError)
	}
	// 10s, spread over [5s, 10s): with no jitter, 5s.
	if want := start.Add(5 * time.Second); !m.NextAttemptAt.Equal(want) {
		t.Errorf("next attempt at %s, want %s", m.NextAttemptAt, want)
	}
	if !strings.Contains(m.Body, "/invite/") {
		t.Errorf("an undelivered message lost its link")
	}

	// Not due yet: nothing happens.
	f.clock.Advance(4 * time.Second)
	if res := f.dispatch(t, senders, o); res != (service.DispatchResult{}) {
		t.Errorf("before the backoff ended: %+v", res)
	}
	f.clock.Advance(time.Second)
	if res := f.dispatch(t, senders, o); res != (service.DispatchResult{Retried: 1}) {
		t.Fatalf("second pass %+v, want 1 retried", res)
	}
	m = f.stored(t, id)
	if want := f.clock.Now().Add(10 * time.Second); m.Attempts != 2 || !m.NextAttemptAt.Equal(want) {
		t.Errorf("after the second refusal: attempts %d, next %s, want 2 and %s (doubled)", m.Attempts, m.NextAttemptAt, want)
	}
	f.clock.Advance(10 * time.Second)
	if res := f.dispatch(t, senders, o); res != (service.DispatchResult{Sent: 1}) {
		t.Fatalf("third pass %+v, want 1 sent", res)
	}
	m = f.stored(t, id)
	if m.State != reconi.MessageSent || m.Attempts != 3 || m.LastError != "" || strings.Contains(m.Body, "/invite/") {
		t.Errorf("after delivery: state %s, attempts %d, error %q, body %q", m.State, m.Attempts, m.LastError, m.Body)
	}
	if len(srv.Mails()) != 1 {
		t.Errorf("%d emails arrived, want 1", len(srv.Mails()))
	}
	if fmt.Sprint(jitterOf) != "[5s 10s]" {
		t.Errorf("jitter asked for %v, want [5s 10s]", jitterOf)
	}
}

func TestDispatchFailsAfterMaxAttempts(t *testing.T) {
	f := newOutboxFixture(t)
	srv := notifytest.NewSMTPServer(t)
	f.submit(t, "69599084", "", outboxUser{"anna@example.nl", true}, outboxUser{"bram@example.nl", true})
	senders := smtpSenders(t, srv)
	o := service.DispatchOptions{MaxAttempts: 3, BaseBackoff: time.Second, MaxBackoff: time.Minute}

	srv.RefuseNext(-1, 451)
	var total service.DispatchResult
	for range 5 {
		res := f.dispatch(t, senders, o)
		total.Retried += res.Retried
		total.Failed += res.Failed
		f.clock.Advance(time.Minute)
	}
	if total.Retried != 4 || total.Failed != 2 {
		t.Errorf("over five passes: %+v, want 4 retried and 2 failed", total)
	}
	for _, m := range f.outbox(t) {
		if m.State != reconi.MessageFailed || m.Attempts != 3 || !strings.Contains(m.LastError, "451") || m.SentAt != nil {
			t.Errorf("message %d: state %s, attempts %d, error %q", m.ID, m.State, m.Attempts, m.LastError)
		}
		// Never delivered: the outbox still holds the link for an operator.
		if !strings.Contains(m.Body, "/invite/") {
			t.Errorf("message %d lost its link", m.ID)
		}
	}
	// A failed message is not tried again.
	srv.RefuseNext(0, 0)
	if res := f.dispatch(t, senders, o); res != (service.DispatchResult{}) {
		t.Errorf("after failing: %+v", res)
	}
	if len(srv.Mails()) != 0 {
		t.Errorf("a failed message was delivered")
	}
}

func TestDispatchFailsPermanentErrorsAtOnce(t *testing.T) {
	f := newOutboxFixture(t)
	srv := notifytest.NewSMTPServer(t)
	f.submit(t, "69599084", "", outboxUser{"anna@example.nl", true})
	srv.RefuseNext(1, 550)
	if res := f.dispatch(t, smtpSenders(t, srv), service.DispatchOptions{}); res != (service.DispatchResult{Failed: 1}) {
		t.Fatalf("%+v, want 1 failed", res)
	}
	m := f.outbox(t)[0]
	if m.State != reconi.MessageFailed || m.Attempts != 1 || !strings.Contains(m.LastError, "550") {
		t.Errorf("state %s, attempts %d, error %q", m.State, m.Attempts, m.LastError)
	}
}

func TestDispatchKeepsWhatHasNoSender(t *testing.T) {
	f := newOutboxFixture(t)
	f.submit(t, "69599084", "manager@example.nl", outboxUser{"anna@example.nl", true})
	if res := f.dispatch(t, nil, service.DispatchOptions{}); res != (service.DispatchResult{Kept: 2}) {
		t.Fatalf("%+v, want 2 kept", res)
	}
	for _, m := range f.outbox(t) {
		if m.State != reconi.MessageKept || m.SentAt != nil || m.Attempts != 0 {
			t.Errorf("message %d: state %s, sent %v, attempts %d", m.ID, m.State, m.SentAt, m.Attempts)
		}
		// The outbox is the delivery: the standalone user reads the link
		// there.
		if m.To == "anna@example.nl" && !inviteLink.MatchString(m.Body) {
			t.Errorf("the kept invitation has no link:\n%s", m.Body)
		}
	}
	// Kept is final: configuring email later does not send them.
	srv := notifytest.NewSMTPServer(t)
	if res := f.dispatch(t, smtpSenders(t, srv), service.DispatchOptions{}); res != (service.DispatchResult{}) {
		t.Errorf("%+v, want nothing", res)
	}

	// Only the channels without a sender are kept.
	f.submit(t, "68750110", "", outboxUser{"bram@example.nl", true})
	hook := notifytest.NewWebhook(t, "s")
	sms, _ := notify.NewSMSWebhook(hook.Config())
	if res := f.dispatch(t, map[reconi.Channel]notify.Sender{reconi.ChannelSMS: sms}, service.DispatchOptions{}); res != (service.DispatchResult{Kept: 1}) {
		t.Errorf("%+v, want the email kept", res)
	}
}

func TestDispatchReclaimsAfterACrash(t *testing.T) {
	f := newOutboxFixture(t)
	srv := notifytest.NewSMTPServer(t)
	f.submit(t, "69599084", "", outboxUser{"anna@example.nl", true})

	// A dispatcher claims the message and dies before sending it.
	now := f.clock.Now()
	if err := f.st.Update(f.ctx, func(tx store.Tx) error {
		ms, err := tx.ClaimMessages(now, now.Add(time.Minute), 10)
		if len(ms) != 1 {
			t.Fatalf("claimed %d messages, want 1", len(ms))
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	senders := smtpSenders(t, srv)
	if res := f.dispatch(t, senders, service.DispatchOptions{}); res != (service.DispatchResult{}) {
		t.Errorf("while the lease holds: %+v, want nothing", res)
	}
	f.clock.Advance(time.Minute + time.Second)
	if res := f.dispatch(t, senders, service.DispatchOptions{}); res != (service.DispatchResult{Sent: 1}) {
		t.Errorf("after the lease ran out: %+v, want 1 sent", res)
	}
	if len(srv.Mails()) != 1 {
		t.Errorf("%d emails arrived, want 1", len(srv.Mails()))
	}
}

// TestTwoDispatchersSendEachOnce runs two dispatchers, each with its own
// connections to one SQLite file as two processes would have, against one
// SMTP server: every message arrives exactly once.
func TestTwoDispatchersSendEachOnce(t *testing.T) {
	f := newOutboxFixture(t)
	srv := notifytest.NewSMTPServer(t)
	srv.Delay(2 * time.Millisecond) // so that the two overlap
	var users []outboxUser
	for i := range 40 {
		users = append(users, outboxUser{fmt.Sprintf("user%02d@example.nl", i), true})
	}
	f.submit(t, "69599084", "manager@example.nl", users...)
	const n = 41

	_, second := f.open(t)
	senders := smtpSenders(t, srv)
	o := service.DispatchOptions{BatchSize: 3}
	var wg sync.WaitGroup
	results := make([]service.DispatchResult, 2)
	errs := make([]error, 2)
	for i, svc := range []*service.Service{f.svc, second} {
		wg.Go(func() { results[i], errs[i] = svc.Dispatch(f.ctx, senders, o) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("dispatcher %d: %v", i, err)
		}
	}
	if got := results[0].Sent + results[1].Sent; got != n {
		t.Errorf("sent %d + %d, want %d in all", results[0].Sent, results[1].Sent, n)
	}
	if results[0].Sent == 0 || results[1].Sent == 0 {
		t.Logf("one dispatcher did all the work (%+v): the test did not exercise the race", results)
	}

	mails := srv.Mails()
	if len(mails) != n {
		t.Errorf("%d emails arrived, want %d", len(mails), n)
	}
	seen := map[string]int{}
	for _, m := range mails {
		seen[m.MessageID]++
	}
	for _, m := range f.outbox(t) {
		id := fmt.Sprintf("<reconi-outbox-%d-%d@broker.example>", m.ID, m.CreatedAt.UnixMicro())
		if seen[id] != 1 {
			t.Errorf("message %d arrived %d times", m.ID, seen[id])
		}
		if m.State != reconi.MessageSent || m.Attempts != 1 {
			t.Errorf("message %d: state %s, attempts %d", m.ID, m.State, m.Attempts)
		}
	}
}

// slowWebhook answers only when the request is given up.
func slowWebhook(t *testing.T) notify.Sender {
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Once the body is read, the server notices the client leaving.
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	t.Cleanup(hang.Close)
	s, err := notify.NewSMSWebhook(notify.WebhookConfig{URL: hang.URL, Secret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// smsCode takes a user of a fresh application to the SMS step; the code
// waits in the outbox.
func smsCode(t *testing.T, f *outboxFixture, srv *notifytest.SMTPServer, kvk, email string, employed bool) (token string) {
	t.Helper()
	f.submit(t, kvk, "", outboxUser{email, employed})
	f.dispatch(t, smtpSenders(t, srv), service.DispatchOptions{})
	token = tokenFrom(t, srv, email)
	if _, err := f.svc.ConfirmDetails(context.Background(), token); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SendCode(context.Background(), token); err != nil {
		t.Fatal(err)
	}
	return token
}

func TestDispatchTimeoutAndCancel(t *testing.T) {
	f := newOutboxFixture(t)
	srv := notifytest.NewSMTPServer(t)
	smsCode(t, f, srv, "69599084", "anna@example.nl", true)
	slow := map[reconi.Channel]notify.Sender{reconi.ChannelSMS: slowWebhook(t)}
	sms, err := reconi.AllMessages(f.ctx, f.svc, reconi.OutboxFilter{Channel: string(reconi.ChannelSMS)})
	if err != nil || len(sms) != 1 {
		t.Fatalf("%d SMS in the outbox (%v), want 1", len(sms), err)
	}

	// A send that takes too long counts as a failed attempt.
	res := f.dispatch(t, slow, service.DispatchOptions{SendTimeout: 50 * time.Millisecond})
	if res != (service.DispatchResult{Retried: 1}) {
		t.Errorf("timeout: %+v, want 1 retried", res)
	}
	m := f.stored(t, sms[0].ID)
	if m.Attempts != 1 || !strings.Contains(m.LastError, "deadline exceeded") {
		t.Errorf("after a timeout: attempts %d, error %q", m.Attempts, m.LastError)
	}

	// Stopping the dispatcher (serve shutting down) is not an attempt, and
	// the message is given back at once. (A minute is past the backoff and
	// well within the code's 10 minutes.)
	f.clock.Advance(time.Minute)
	ctx, cancel := context.WithCancel(f.ctx)
	time.AfterFunc(50*time.Millisecond, cancel)
	res, err = f.svc.Dispatch(ctx, slow, service.DispatchOptions{})
	if err == nil || res != (service.DispatchResult{Released: 1}) {
		t.Errorf("cancelled: %+v, %v; want 1 released and the context's error", res, err)
	}
	hook := notifytest.NewWebhook(t, "s")
	ok, _ := notify.NewSMSWebhook(hook.Config())
	if res := f.dispatch(t, map[reconi.Channel]notify.Sender{reconi.ChannelSMS: ok}, service.DispatchOptions{}); res != (service.DispatchResult{Sent: 1}) {
		t.Errorf("after the cancelled pass: %+v, want 1 sent at once", res)
	}
	if m := f.stored(t, sms[0].ID); m.Attempts != 2 {
		t.Errorf("attempts %d, want 2 (the cancelled one not counted)", m.Attempts)
	}
}

func TestDispatchSMSThroughWebhook(t *testing.T) {
	f := newOutboxFixture(t)
	srv := notifytest.NewSMTPServer(t)
	hook := notifytest.NewWebhook(t, "sms-secret")
	token := smsCode(t, f, srv, "69599084", "anna@example.nl", true)

	sms, err := notify.NewSMSWebhook(hook.Config())
	if err != nil {
		t.Fatal(err)
	}
	senders := smtpSenders(t, srv)
	senders[reconi.ChannelSMS] = sms
	if res := f.dispatch(t, senders, service.DispatchOptions{}); res != (service.DispatchResult{Sent: 1}) {
		t.Fatalf("%+v, want the SMS sent", res)
	}
	got, err := hook.SMS()
	if err != nil || len(got) != 1 || len(hook.Requests()) != 1 {
		t.Fatalf("the webhook received %d requests, %d verified (%v)", len(hook.Requests()), len(got), err)
	}
	if got[0].To != "+31612345000" {
		t.Errorf("SMS to %q", got[0].To)
	}
	code := regexp.MustCompile(`\b(\d{6})\b`).FindString(got[0].Body)
	if code == "" {
		t.Fatalf("no code in %q", got[0].Body)
	}
	out, _ := reconi.AllMessages(f.ctx, f.svc, reconi.OutboxFilter{Channel: string(reconi.ChannelSMS)})
	if len(out) != 1 || out[0].State != reconi.MessageSent || strings.Contains(out[0].Body, code) {
		t.Errorf("the outbox keeps %+v, want it sent and without the code", out)
	}
	if key := hook.Requests()[0].Header.Get(notify.HeaderIdempotencyKey); key != notify.DeliveryID(out[0]) {
		t.Errorf("Idempotency-Key %q, want %q", key, notify.DeliveryID(out[0]))
	}
	inv, err := f.svc.VerifyCode(context.Background(), token, code)
	if err != nil || inv.Next != "order" {
		t.Fatalf("the code from the SMS: %v (next %v)", err, inv)
	}
}

func TestRunDispatcher(t *testing.T) {
	f := newOutboxFixture(t)
	srv := notifytest.NewSMTPServer(t)
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan error)
	senders := smtpSenders(t, srv)
	go func() { done <- f.svc.RunDispatcher(ctx, senders, 10*time.Millisecond, service.DispatchOptions{}) }()

	f.submit(t, "69599084", "", outboxUser{"anna@example.nl", true})
	deadline := time.Now().Add(5 * time.Second)
	for len(srv.Mails()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("RunDispatcher: %v", err)
	}
	if len(srv.Mails()) != 1 {
		t.Errorf("%d emails arrived, want 1", len(srv.Mails()))
	}
	if err := f.svc.RunDispatcher(f.ctx, nil, 0, service.DispatchOptions{}); err == nil {
		t.Errorf("an interval of 0 was accepted")
	}
}

// An SMS whose code expired is not sent any more: the user asks for a new
// code instead of receiving a dead one.
func TestDispatchDropsExpiredCodes(t *testing.T) {
	f := newOutboxFixture(t)
	srv := notifytest.NewSMTPServer(t)
	smsCode(t, f, srv, "69599084", "anna@example.nl", true)
	sms, err := reconi.AllMessages(f.ctx, f.svc, reconi.OutboxFilter{Channel: string(reconi.ChannelSMS)})
	if err != nil || len(sms) != 1 {
		t.Fatalf("%d SMS in the outbox (%v), want 1", len(sms), err)
	}
	f.clock.Advance(11 * time.Minute)
	hook := notifytest.NewWebhook(t, "s")
	ok, _ := notify.NewSMSWebhook(hook.Config())
	if res := f.dispatch(t, map[reconi.Channel]notify.Sender{reconi.ChannelSMS: ok}, service.DispatchOptions{}); res != (service.DispatchResult{Failed: 1}) {
		t.Errorf("dispatch of an expired code: %+v, want 1 failed", res)
	}
	if reqs := hook.Requests(); len(reqs) != 0 {
		t.Errorf("%d SMS reached the provider, want none", len(reqs))
	}
	if m := f.stored(t, sms[0].ID); m.State != reconi.MessageFailed || !strings.Contains(m.LastError, "expired") {
		t.Errorf("state %s, error %q; want failed because the code expired", m.State, m.LastError)
	}
}

// RetryMessages sends failed and kept messages again, all or none, and
// never a delivered one or a dead code.
func TestRetryMessages(t *testing.T) {
	f := newOutboxFixture(t)
	srv := notifytest.NewSMTPServer(t)
	app := f.submit(t, "69599084", "", outboxUser{"anna@example.nl", true}, outboxUser{"bram@example.nl", true})
	senders := smtpSenders(t, srv)
	srv.RefuseNext(2, 550)
	if res := f.dispatch(t, senders, service.DispatchOptions{}); res != (service.DispatchResult{Failed: 2}) {
		t.Fatalf("%+v, want 2 failed", res)
	}
	failed := f.outbox(t)
	ids := []int64{failed[0].ID, failed[1].ID}

	manager := reconi.WithActor(context.Background(), reconi.Actor{Name: "m", Role: reconi.RoleManager, Orgs: []reconi.KVK{"69599084"}})
	if _, err := f.svc.RetryMessages(manager, ids); reconi.ErrorKind(err) != reconi.KindForbidden {
		t.Errorf("a manager retried: %v, want forbidden", err)
	}
	for _, c := range []struct {
		ids  []int64
		kind reconi.Kind
		want string
	}{
		{nil, reconi.KindInvalid, "ids: name at least one"},
		{[]int64{ids[0], 99999}, reconi.KindNotFound, "message 99999 not found"},
	} {
		_, err := f.svc.RetryMessages(f.ctx, c.ids)
		if reconi.ErrorKind(err) != c.kind || err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("retry %v: %v, want %s containing %q", c.ids, err, c.kind, c.want)
		}
	}
	if m := f.stored(t, ids[0]); m.State != reconi.MessageFailed {
		t.Fatalf("after a refused retry, message %d is %s; want it failed still (all or none)", ids[0], m.State)
	}

	got, err := f.svc.RetryMessages(f.ctx, []int64{ids[0], ids[1], ids[0]})
	if err != nil || len(got) != 2 {
		t.Fatalf("retry: %d messages, %v; want 2", len(got), err)
	}
	for _, m := range got {
		if m.State != reconi.MessagePending || m.Attempts != 0 || m.LastError != "" {
			t.Errorf("returned message %d: %s, %d attempts, error %q", m.ID, m.State, m.Attempts, m.LastError)
		}
	}
	if res := f.dispatch(t, senders, service.DispatchOptions{}); res != (service.DispatchResult{Sent: 2}) {
		t.Fatalf("dispatch after retry: %+v, want 2 sent", res)
	}
	// The link in the late email still works.
	if _, err := f.svc.Invitation(context.Background(), tokenFrom(t, srv, "anna@example.nl")); err != nil {
		t.Errorf("the invitation sent again does not open: %v", err)
	}
	_, err = f.svc.RetryMessages(f.ctx, ids[:1])
	if reconi.ErrorKind(err) != reconi.KindConflict || !strings.Contains(err.Error(), "is sent") {
		t.Errorf("retry of a sent message: %v, want a conflict saying it is sent", err)
	}
	history, err := reconi.AllEvents(f.ctx, f.svc, app.ID)
	if err != nil {
		t.Fatal(err)
	}
	var retries []string
	for _, ev := range history {
		if strings.Contains(ev.Reason, "sent again") {
			retries = append(retries, ev.Email+" by "+ev.Actor)
		}
	}
	if fmt.Sprint(retries) != "[anna@example.nl by t bram@example.nl by t]" {
		t.Errorf("retries in the history: %v", retries)
	}
}

// A kept message (written before delivery was configured) goes out once
// retried; an SMS whose code expired is refused.
func TestRetryKeptAndExpired(t *testing.T) {
	f := newOutboxFixture(t)
	f.submit(t, "69599084", "", outboxUser{"anna@example.nl", true})
	if res := f.dispatch(t, nil, service.DispatchOptions{}); res != (service.DispatchResult{Kept: 1}) {
		t.Fatalf("%+v, want 1 kept", res)
	}
	kept := f.outbox(t)[0]
	srv := notifytest.NewSMTPServer(t)
	if _, err := f.svc.RetryMessages(f.ctx, []int64{kept.ID}); err != nil {
		t.Fatal(err)
	}
	if res := f.dispatch(t, smtpSenders(t, srv), service.DispatchOptions{}); res != (service.DispatchResult{Sent: 1}) {
		t.Fatalf("%+v, want the kept invitation sent", res)
	}
	tokenFrom(t, srv, "anna@example.nl")

	smsCode(t, f, srv, "68750110", "bram@example.nl", true)
	sms, err := reconi.AllMessages(f.ctx, f.svc, reconi.OutboxFilter{Channel: string(reconi.ChannelSMS)})
	if err != nil || len(sms) != 1 {
		t.Fatalf("%d SMS (%v), want 1", len(sms), err)
	}
	if res := f.dispatch(t, nil, service.DispatchOptions{}); res.Kept != 1 {
		t.Fatalf("%+v, want the SMS kept", res)
	}
	f.clock.Advance(5 * time.Minute)
	if _, err := f.svc.RetryMessages(f.ctx, []int64{sms[0].ID}); err != nil {
		t.Errorf("retry of a live code: %v", err)
	}
	f.dispatch(t, nil, service.DispatchOptions{}) // kept again
	f.clock.Advance(6 * time.Minute)
	_, err = f.svc.RetryMessages(f.ctx, []int64{sms[0].ID})
	if reconi.ErrorKind(err) != reconi.KindConflict || !strings.Contains(err.Error(), "expired") {
		t.Errorf("retry of an expired code: %v, want a conflict saying it expired", err)
	}
}
