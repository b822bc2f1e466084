// Package notifytest runs real receivers for tests: an SMTP server
// (github.com/emersion/go-smtp) and a webhook that checks reconi's
// signature, both in process on 127.0.0.1, recording what arrives.
package notifytest

import (
	"bytes"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/reconi/reconi/internal/notify"
)

// Mail is one message the SMTP server accepted.
type Mail struct {
	From string
	To   []string
	// Raw is the message as received, headers and encoded body.
	Raw    []byte
	Header mail.Header
	// Subject is decoded; Text is the body with its transfer encoding
	// undone.
	Subject   string
	MessageID string
	Text      string
}

// SMTPServer is an SMTP server that records every message it accepts.
type SMTPServer struct {
	// Host and Port are where it listens.
	Host string
	Port int

	srv *smtp.Server

	mu       sync.Mutex
	mails    []Mail
	refuse   int // RCPT commands still to refuse; < 0 refuses all
	code     int
	delay    time.Duration
	user     string
	password string
}

// SMTPOption tunes NewSMTPServer.
type SMTPOption func(*SMTPServer)

// WithAuth makes the server offer AUTH PLAIN and require these credentials.
func WithAuth(user, password string) SMTPOption {
	return func(s *SMTPServer) { s.user, s.password = user, password }
}

// WithTLS gives the server a certificate: it offers STARTTLS, or speaks TLS
// from the start when implicit is true.
func WithTLS(cert tls.Certificate, implicit bool) SMTPOption {
	return func(s *SMTPServer) {
		s.srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		if implicit {
			s.srv.Addr = "implicit"
		}
	}
}

// NewSMTPServer starts a server on 127.0.0.1 and stops it when the test
// ends.
func NewSMTPServer(t testing.TB, opts ...SMTPOption) *SMTPServer {
	t.Helper()
	s := &SMTPServer{}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.ReadTimeout, s.srv.WriteTimeout = 10*time.Second, 10*time.Second
	s.srv.ErrorLog = discardLogger{}
	for _, o := range opts {
		o(s)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listening for SMTP: %v", err)
	}
	if s.srv.Addr == "implicit" {
		l = tls.NewListener(l, s.srv.TLSConfig)
	}
	s.srv.Addr = l.Addr().String()
	addr := l.Addr().(*net.TCPAddr)
	s.Host, s.Port = addr.IP.String(), addr.Port
	go s.srv.Serve(l)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

type discardLogger struct{}

func (discardLogger) Printf(string, ...any) {}
func (discardLogger) Println(...any)        {}

// Config is a sender configuration for this server, in clear text.
func (s *SMTPServer) Config(from string) notify.SMTPConfig {
	return notify.SMTPConfig{Host: s.Host, Port: s.Port, TLS: notify.TLSNone, From: from, Username: s.user, Password: s.password}
}

// RefuseNext answers the next n recipients with code (4xx: try later, 5xx:
// never); n < 0 refuses every one until called again with 0.
func (s *SMTPServer) RefuseNext(n, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse, s.code = n, code
}

// Delay makes every message take d to accept, so that concurrent senders
// overlap.
func (s *SMTPServer) Delay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Mails returns the messages accepted so far.
func (s *SMTPServer) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// MailsTo returns the messages accepted for one recipient.
func (s *SMTPServer) MailsTo(addr string) []Mail {
	var out []Mail
	for _, m := range s.Mails() {
		for _, to := range m.To {
			if strings.EqualFold(to, addr) {
				out = append(out, m)
				break
			}
		}
	}
	return out
}

type session struct {
	s      *SMTPServer
	authed bool
	from   string
	to     []string
}

func (x *session) AuthMechanisms() []string {
	if x.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (x *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, password string) error {
		if user != x.s.user || password != x.s.password {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication failed"}
		}
		x.authed = true
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.user != "" && !x.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authentication required"}
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if x.s.refuse != 0 {
		if x.s.refuse > 0 {
			x.s.refuse--
		}
		return &smtp.SMTPError{Code: x.s.code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: "refused by the test server"}
	}
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	delay := x.s.delay
	x.s.mu.Unlock()
	time.Sleep(delay)
	m := Mail{From: x.from, To: x.to, Raw: raw}
	if msg, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		m.Header = msg.Header
		m.Subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		m.MessageID = msg.Header.Get("Message-Id")
		m.Text = decodeBody(msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	}
	x.s.mu.Lock()
	x.s.mails = append(x.s.mails, m)
	x.s.mu.Unlock()
	return nil
}

func decodeBody(enc string, r io.Reader) string {
	switch strings.ToLower(strings.TrimSpace(enc)) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	}
	b, _ := io.ReadAll(r)
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }

// Request is one request the webhook received.
type Request struct {
	Header http.Header
	Body   []byte
	// Verified is nil when the signature and timestamp were right.
	Verified error
	// Status is what the receiver answered.
	Status int
}

// Webhook is an HTTP receiver that checks reconi's signature: a bad one is
// answered 401 (and recorded).
type Webhook struct {
	URL    string
	Secret string
	srv    *httptest.Server

	mu     sync.Mutex
	reqs   []Request
	fail   int
	status int
}

// NewWebhook starts a receiver for requests signed with secret.
func NewWebhook(t testing.TB, secret string) *Webhook {
	t.Helper()
	w := &Webhook{Secret: secret}
	w.srv = httptest.NewServer(http.HandlerFunc(w.serve))
	w.URL = w.srv.URL
	t.Cleanup(w.srv.Close)
	return w
}

func (w *Webhook) serve(rw http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil || r.Method != http.MethodPost {
		http.Error(rw, "bad request", http.StatusBadRequest)
		return
	}
	verr := notify.Verify(w.Secret, r.Header.Get(notify.HeaderSignature), r.Header.Get(notify.HeaderTimestamp), body, time.Now(), 0)
	w.mu.Lock()
	status := http.StatusOK
	if w.fail != 0 {
		if w.fail > 0 {
			w.fail--
		}
		status = w.status
	}
	if verr != nil {
		status = http.StatusUnauthorized
	}
	w.reqs = append(w.reqs, Request{Header: r.Header.Clone(), Body: body, Verified: verr, Status: status})
	w.mu.Unlock()
	rw.WriteHeader(status)
}

// Config is a sender configuration for this receiver.
func (w *Webhook) Config() notify.WebhookConfig {
	return notify.WebhookConfig{URL: w.URL, Secret: w.Secret}
}

// FailNext answers the next n requests with status; n < 0 answers every one
// so until called again with 0.
func (w *Webhook) FailNext(n, status int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.fail, w.status = n, status
}

// Requests returns every request received, verified or not.
func (w *Webhook) Requests() []Request {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Request(nil), w.reqs...)
}

// Accepted returns the verified requests answered 2xx.
func (w *Webhook) Accepted() []Request {
	var out []Request
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, r := range w.reqs {
		if r.Verified == nil && r.Status/100 == 2 {
			out = append(out, r)
		}
	}
	return out
}

// SMS decodes the verified requests as SMS payloads.
func (w *Webhook) SMS() ([]notify.SMSPayload, error) {
	var out []notify.SMSPayload
	for _, r := range w.Accepted() {
		var p notify.SMSPayload
		if err := json.Unmarshal(r.Body, &p); err != nil {
			return nil, errors.New("an SMS webhook body is not JSON: " + err.Error())
		}
		out = append(out, p)
	}
	return out, nil
}
