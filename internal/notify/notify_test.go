package notify_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/notify"
	"github.com/reconi/reconi/internal/notify/notifytest"
	"github.com/reconi/reconi/internal/reconi"
)

var created = time.Date(2025, 3, 1, 9, 30, 0, 123456000, time.UTC)

func email(id int64) reconi.Message {
	return reconi.Message{ID: id, Channel: reconi.ChannelEmail, To: "jan@example.nl", Subject: "Uw eHerkenning aanvraag / Your eHerkenning request",
		Body: "Beste Jan,\n\nhttp://127.0.0.1:8080/invite/abc_DEF-123\n", CreatedAt: created}
}

func TestSignVerify(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	body := []byte(`{"reference":"reconi-1-2","result":"passed"}`)
	ts := strconv.FormatInt(now.Unix(), 10)
	sig := notify.Sign("s3cret", now.Unix(), body)
	if !strings.HasPrefix(sig, "v1=") || len(sig) != 3+64 {
		t.Fatalf("signature %q: want v1= and 64 hex digits", sig)
	}
	if err := notify.Verify("s3cret", sig, ts, body, now, 0); err != nil {
		t.Fatalf("a valid signature was refused: %v", err)
	}
	// One of several signatures may match, while a secret is rotated.
	if err := notify.Verify("s3cret", notify.Sign("old", now.Unix(), body)+", "+sig, ts, body, now, 0); err != nil {
		t.Fatalf("rotation: %v", err)
	}
	for _, c := range []struct {
		name           string
		secret, header string
		ts             string
		body           []byte
		now            time.Time
		want           error
	}{
		{"wrong secret", "other", sig, ts, body, now, notify.ErrBadSignature},
		{"tampered body", "s3cret", sig, ts, []byte(`{"reference":"reconi-1-2","result":"failed"}`), now, notify.ErrBadSignature},
		{"timestamp changed", "s3cret", sig, strconv.FormatInt(now.Unix()+1, 10), body, now, notify.ErrBadSignature},
		{"stale", "s3cret", sig, ts, body, now.Add(5*time.Minute + time.Second), notify.ErrStale},
		{"from the future", "s3cret", sig, ts, body, now.Add(-6 * time.Minute), notify.ErrStale},
		{"not a number", "s3cret", sig, "yesterday", body, now, notify.ErrStale},
		{"no signature", "s3cret", "", ts, body, now, notify.ErrNoSignature},
		{"no timestamp", "s3cret", sig, "", body, now, notify.ErrNoSignature},
		{"other scheme only", "s3cret", "v0=" + sig[3:], ts, body, now, notify.ErrBadSignature},
		{"not hex", "s3cret", "v1=zz", ts, body, now, notify.ErrBadSignature},
		{"empty secret", "", notify.Sign("", now.Unix(), body), ts, body, now, notify.ErrBadSignature},
	} {
		if err := notify.Verify(c.secret, c.header, c.ts, c.body, c.now, 0); !errors.Is(err, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, err, c.want)
		}
	}
	// At the edge of the window, and a window of one's own.
	if err := notify.Verify("s3cret", sig, ts, body, now.Add(5*time.Minute), 0); err != nil {
		t.Errorf("exactly 5 minutes old: %v", err)
	}
	if err := notify.Verify("s3cret", sig, ts, body, now.Add(2*time.Minute), time.Minute); !errors.Is(err, notify.ErrStale) {
		t.Errorf("window of a minute, 2 minutes old: %v", err)
	}
}

func TestSMTPDelivers(t *testing.T) {
	srv := notifytest.NewSMTPServer(t)
	s, err := notify.NewSMTP(srv.Config("Reconi <noreply@broker.example>"))
	if err != nil {
		t.Fatal(err)
	}
	m := email(42)
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("send: %v", err)
	}
	got := srv.Mails()
	if len(got) != 1 {
		t.Fatalf("%d mails arrived, want 1", len(got))
	}
	g := got[0]
	if g.From != "noreply@broker.example" || len(g.To) != 1 || g.To[0] != "jan@example.nl" {
		t.Errorf("envelope from %q to %q", g.From, g.To)
	}
	if g.Subject != m.Subject {
		t.Errorf("subject %q, want %q", g.Subject, m.Subject)
	}
	wantID := "<" + notify.DeliveryID(m) + "@broker.example>"
	if g.MessageID != wantID || !strings.Contains(wantID, "reconi-outbox-42-") {
		t.Errorf("Message-ID %q, want %q", g.MessageID, wantID)
	}
	if s.MessageID(m) != strings.Trim(wantID, "<>") {
		t.Errorf("MessageID() = %q", s.MessageID(m))
	}
	if !strings.Contains(g.Text, "http://127.0.0.1:8080/invite/abc_DEF-123") {
		t.Errorf("the link did not arrive intact:\n%s", g.Text)
	}
	if g.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("Auto-Submitted %q", g.Header.Get("Auto-Submitted"))
	}
	// A resend carries the same Message-ID: the receiver can drop it.
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if again := srv.Mails()[1].MessageID; again != g.MessageID {
		t.Errorf("resend Message-ID %q, first %q", again, g.MessageID)
	}
}

func TestSMTPRefusals(t *testing.T) {
	srv := notifytest.NewSMTPServer(t)
	s, err := notify.NewSMTP(srv.Config("noreply@broker.example"))
	if err != nil {
		t.Fatal(err)
	}
	srv.RefuseNext(1, 451)
	err = s.Send(context.Background(), email(1))
	if err == nil || notify.IsPermanent(err) {
		t.Errorf("451: got %v, want a temporary error", err)
	}
	srv.RefuseNext(1, 550)
	err = s.Send(context.Background(), email(2))
	if err == nil || !notify.IsPermanent(err) {
		t.Errorf("550: got %v, want a permanent error", err)
	}
	m := email(3)
	m.To = "not an address"
	if err := s.Send(context.Background(), m); !notify.IsPermanent(err) {
		t.Errorf("bad recipient: got %v, want a permanent error", err)
	}
	if n := len(srv.Mails()); n != 0 {
		t.Errorf("%d mails arrived, want none", n)
	}
	// Nobody listening: worth another try.
	dead := notifytest.NewSMTPServer(t)
	cfg := dead.Config("noreply@broker.example")
	cfg.Port = freePort(t)
	s2, err := notify.NewSMTP(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.Send(context.Background(), email(4)); err == nil || notify.IsPermanent(err) {
		t.Errorf("connection refused: got %v, want a temporary error", err)
	}
}

func freePort(t *testing.T) int {
	srv := httptest.NewServer(http.NotFoundHandler())
	port := srv.Listener.Addr().(interface{ String() string }).String()
	srv.Close()
	_, p, _ := strings.Cut(port, ":")
	n, _ := strconv.Atoi(p)
	return n
}

func TestSMTPAuth(t *testing.T) {
	srv := notifytest.NewSMTPServer(t, notifytest.WithAuth("reconi", "pw"))
	s, err := notify.NewSMTP(srv.Config("noreply@broker.example"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), email(1)); err != nil {
		t.Fatalf("with the right password: %v", err)
	}
	cfg := srv.Config("noreply@broker.example")
	cfg.Password = "wrong"
	bad, _ := notify.NewSMTP(cfg)
	if err := bad.Send(context.Background(), email(2)); err == nil || notify.IsPermanent(err) {
		// A wrong password is the operator's to fix; the message itself is fine.
		t.Errorf("wrong password: got %v, want a temporary error", err)
	}
	if n := len(srv.Mails()); n != 1 {
		t.Errorf("%d mails arrived, want 1", n)
	}
}

func TestSMTPTLS(t *testing.T) {
	// httptest's certificate is valid for 127.0.0.1.
	hs := httptest.NewTLSServer(http.NotFoundHandler())
	defer hs.Close()
	roots := x509.NewCertPool()
	roots.AddCert(hs.Certificate())
	for _, mode := range []string{notify.TLSStartTLS, notify.TLSImplicit} {
		t.Run(mode, func(t *testing.T) {
			srv := notifytest.NewSMTPServer(t, notifytest.WithTLS(hs.TLS.Certificates[0], mode == notify.TLSImplicit),
				notifytest.WithAuth("reconi", "pw"))
			cfg := srv.Config("noreply@broker.example")
			cfg.TLS = mode
			cfg.TLSConfig = &tls.Config{RootCAs: roots}
			s, err := notify.NewSMTP(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Send(context.Background(), email(1)); err != nil {
				t.Fatalf("send: %v", err)
			}
			if n := len(srv.Mails()); n != 1 {
				t.Errorf("%d mails arrived, want 1", n)
			}
			// Without the CA the server is not trusted.
			cfg.TLSConfig = nil
			s, _ = notify.NewSMTP(cfg)
			if err := s.Send(context.Background(), email(2)); err == nil {
				t.Errorf("an untrusted certificate was accepted")
			}
		})
	}
	// STARTTLS is mandatory: a server without it is refused.
	plain := notifytest.NewSMTPServer(t)
	cfg := plain.Config("noreply@broker.example")
	cfg.TLS = notify.TLSStartTLS
	s, _ := notify.NewSMTP(cfg)
	if err := s.Send(context.Background(), email(3)); err == nil {
		t.Errorf("starttls to a server without STARTTLS: sent in clear text")
	}
}

func TestNewSMTPChecks(t *testing.T) {
	for _, c := range []struct {
		cfg  notify.SMTPConfig
		want string
	}{
		{notify.SMTPConfig{From: "a@b.nl"}, "smtp.host"},
		{notify.SMTPConfig{Host: "mail", From: "a@b.nl", TLS: "ssl"}, "not a TLS mode"},
		{notify.SMTPConfig{Host: "mail"}, "smtp.from is empty"},
		{notify.SMTPConfig{Host: "mail", From: "nobody"}, "smtp.from"},
		{notify.SMTPConfig{Host: "mail", From: "a@b.nl", Port: 70000}, "smtp.port"},
		{notify.SMTPConfig{Host: "mail", From: "a@b.nl", Password: "x"}, "smtp.username"},
	} {
		if _, err := notify.NewSMTP(c.cfg); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: got %v, want an error about %s", c.cfg, err, c.want)
		}
	}
}

func sms(id int64) reconi.Message {
	return reconi.Message{ID: id, Channel: reconi.ChannelSMS, To: "+31612345678", Body: "Uw eHerkenning code is 123456", CreatedAt: created}
}

func TestSMSWebhook(t *testing.T) {
	hook := notifytest.NewWebhook(t, "sms-secret")
	s, err := notify.NewSMSWebhook(hook.Config())
	if err != nil {
		t.Fatal(err)
	}
	m := sms(7)
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("send: %v", err)
	}
	reqs := hook.Requests()
	if len(reqs) != 1 || reqs[0].Verified != nil {
		t.Fatalf("requests %+v", reqs)
	}
	r := reqs[0]
	if got := r.Header.Get(notify.HeaderIdempotencyKey); got != notify.DeliveryID(m) {
		t.Errorf("Idempotency-Key %q, want %q", got, notify.DeliveryID(m))
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	var p map[string]any
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatal(err)
	}
	if p["id"] != float64(7) || p["to"] != "+31612345678" || p["body"] != m.Body || len(p) != 3 {
		t.Errorf("payload %s", r.Body)
	}

	for _, c := range []struct {
		status    int
		permanent bool
	}{{500, false}, {503, false}, {429, false}, {408, false}, {400, true}, {404, true}, {410, true}} {
		hook.FailNext(1, c.status)
		err := s.Send(context.Background(), m)
		if err == nil || notify.IsPermanent(err) != c.permanent {
			t.Errorf("status %d: got %v, want permanent=%v", c.status, err, c.permanent)
		}
		if err != nil && strings.Contains(err.Error(), m.Body) {
			t.Errorf("the error repeats the body: %v", err)
		}
	}

	// The receiver refuses a request signed with another secret.
	cfg := hook.Config()
	cfg.Secret = "guess"
	bad, _ := notify.NewSMSWebhook(cfg)
	if err := bad.Send(context.Background(), m); !notify.IsPermanent(err) {
		t.Errorf("wrong secret: got %v, want the receiver's 401 as a permanent error", err)
	}
	if got := hook.Requests(); got[len(got)-1].Verified == nil {
		t.Errorf("the receiver accepted a wrong signature")
	}
}

func TestWebhookDoesNotFollowRedirects(t *testing.T) {
	hook := notifytest.NewWebhook(t, "s")
	redirect := httptest.NewServer(http.RedirectHandler(hook.URL, http.StatusTemporaryRedirect))
	defer redirect.Close()
	s, err := notify.NewSMSWebhook(notify.WebhookConfig{URL: redirect.URL + "/sms?key=k3y", Secret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), sms(1))
	if err == nil || len(hook.Requests()) != 0 {
		t.Errorf("redirect: got %v and %d requests at the target, want an error and none", err, len(hook.Requests()))
	}
	if strings.Contains(err.Error(), "k3y") {
		t.Errorf("the error shows the URL's query: %v", err)
	}
}

func TestIdentificationWebhook(t *testing.T) {
	hook := notifytest.NewWebhook(t, "ident-secret")
	s, err := notify.NewIdentificationWebhook(hook.Config())
	if err != nil {
		t.Fatal(err)
	}
	body := `{"reference":"reconi-5-1","first_name":"Jan"}`
	m := reconi.Message{ID: 9, Channel: reconi.ChannelIdentification, To: "jan@example.nl", Body: body, CreatedAt: created}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	got := hook.Accepted()
	if len(got) != 1 || string(got[0].Body) != body {
		t.Fatalf("received %+v, want the request body as it is", got)
	}
	m.Body = "not json"
	if err := s.Send(context.Background(), m); !notify.IsPermanent(err) {
		t.Errorf("a body that is not JSON: got %v, want a permanent error", err)
	}
	if _, err := notify.NewIdentificationWebhook(notify.WebhookConfig{URL: hook.URL}); err == nil {
		t.Errorf("an empty secret was accepted")
	}
	if _, err := notify.NewIdentificationWebhook(notify.WebhookConfig{URL: "ftp://x", Secret: "s"}); err == nil {
		t.Errorf("an ftp URL was accepted")
	}
}

func TestFromConfig(t *testing.T) {
	senders, err := notify.FromConfig(notify.Config{})
	if err != nil || len(senders) != 0 {
		t.Fatalf("nothing configured: %v, %v; want no senders", senders, err)
	}
	settings := map[string]string{
		notify.KeySMTPHost: "mail.example", notify.KeySMTPPort: "2525", notify.KeySMTPTLS: "none", notify.KeySMTPFrom: "noreply@broker.example",
		notify.KeySMSWebhookURL: "https://sms.example/send", notify.KeySMSWebhookSecret: "a",
		notify.KeyIdentProvider: "webhook", notify.KeyIdentWebhookURL: "https://partner.example/requests",
		notify.KeyIdentWebhookSecret: "b", notify.KeyIdentCallbackSecret: "c",
	}
	c, err := notify.LoadConfig(func(k string) string { return settings[k] })
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.Port != 2525 || c.IdentificationCallbackSecret != "c" {
		t.Errorf("loaded %+v", c)
	}
	senders, err = notify.FromConfig(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range []reconi.Channel{reconi.ChannelEmail, reconi.ChannelSMS, reconi.ChannelIdentification} {
		if senders[ch] == nil {
			t.Errorf("no sender for %s", ch)
		}
	}

	for _, c := range []struct {
		change map[string]string
		want   string
	}{
		{map[string]string{notify.KeySMTPPort: "smtp"}, "smtp.port"},
		{map[string]string{notify.KeyIdentCallbackSecret: ""}, "callback_secret"},
		{map[string]string{notify.KeyIdentProvider: "email"}, "not a provider"},
		{map[string]string{notify.KeyIdentProvider: "manual"}, "webhook_url is set"},
		{map[string]string{notify.KeySMSWebhookSecret: ""}, "sms webhook"},
		{map[string]string{notify.KeySMTPHost: ""}, "smtp.host is not set"},
	} {
		s := map[string]string{}
		for k, v := range settings {
			s[k] = v
		}
		for k, v := range c.change {
			s[k] = v
		}
		cfg, err := notify.LoadConfig(func(k string) string { return s[k] })
		if err == nil {
			_, err = notify.FromConfig(cfg)
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want an error about %s", c.change, err, c.want)
		}
	}
}

// TestSMTPHeedsContext: go-mail's own timeouts apply per step; the sender
// closes the connection when ctx ends, so a send cannot outlive the
// dispatcher's lease.
func TestSMTPHeedsContext(t *testing.T) {
	srv := notifytest.NewSMTPServer(t)
	srv.Delay(3 * time.Second)
	s, err := notify.NewSMTP(srv.Config("noreply@broker.example"))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = s.Send(ctx, email(1))
	if err == nil || time.Since(start) > 2*time.Second {
		t.Errorf("a hanging server: %v after %s, want an error within the context's 200ms", err, time.Since(start))
	}
}
