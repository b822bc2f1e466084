package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/reconi/reconi/internal/reconi"
)

// TLS modes of the SMTP connection.
const (
	// TLSNone sends in clear text; credentials are then only sent to
	// localhost.
	TLSNone = "none"
	// TLSStartTLS upgrades the connection with STARTTLS and refuses a
	// server that does not offer it (port 587 by default).
	TLSStartTLS = "starttls"
	// TLSImplicit speaks TLS from the first byte (port 465 by default).
	TLSImplicit = "tls"
)

// SMTPConfig configures email delivery.
type SMTPConfig struct {
	Host string
	// Port defaults to 25 (none), 587 (starttls) or 465 (tls).
	Port               int
	Username, Password string
	// TLS is none, starttls or tls; empty is starttls.
	TLS string
	// From is the sender, e.g. "Reconi <noreply@broker.example>"; its
	// domain also ends each Message-ID.
	From string
	// Timeout bounds connecting; the context given to Send bounds the rest.
	// Zero is 15 seconds.
	Timeout time.Duration
	// TLSConfig replaces the default (system roots, TLS 1.2 or later), for a
	// server with a private CA.
	TLSConfig *tls.Config
}

// SMTP sends email through an SMTP server with go-mail. Each Send opens its
// own connection, so one SMTP may serve several dispatchers at once.
type SMTP struct {
	c        SMTPConfig
	from     *mail.Address
	idDomain string
}

// NewSMTP checks c and returns an email sender.
func NewSMTP(c SMTPConfig) (*SMTP, error) {
	if c.Host == "" {
		return nil, errors.New("smtp.host is empty")
	}
	switch c.TLS {
	case "":
		c.TLS = TLSStartTLS
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		return nil, fmt.Errorf("smtp.tls: %q is not a TLS mode: want none, starttls or tls", c.TLS)
	}
	if c.Port == 0 {
		c.Port = map[string]int{TLSNone: gomail.DefaultPort, TLSStartTLS: gomail.DefaultPortTLS, TLSImplicit: gomail.DefaultPortSSL}[c.TLS]
	}
	if c.Port < 1 || c.Port > 65535 {
		return nil, fmt.Errorf("smtp.port: %d is not a port number (1 to 65535)", c.Port)
	}
	if c.From == "" {
		return nil, errors.New("smtp.from is empty: say which address reconi's email comes from")
	}
	from, err := mail.ParseAddress(c.From)
	if err != nil {
		return nil, fmt.Errorf("smtp.from: %q is not an email address: %v", c.From, err)
	}
	if c.Password != "" && c.Username == "" {
		return nil, errors.New("smtp.password is set but smtp.username is empty")
	}
	if c.TLSConfig != nil && c.TLSConfig.ServerName == "" {
		c.TLSConfig = c.TLSConfig.Clone()
		c.TLSConfig.ServerName = c.Host
	}
	_, domain, _ := strings.Cut(from.Address, "@")
	s := &SMTP{c: c, from: from, idDomain: domain}
	if _, _, err := s.client(context.Background()); err != nil { // check the options once, up front
		return nil, fmt.Errorf("smtp: %w", err)
	}
	return s, nil
}

// client returns a go-mail client for one send. go-mail heeds ctx only
// while dialling; afterwards each step has its own timeout. So the
// connection is dialled here and closed when ctx ends, and a send cannot
// outlive the dispatcher's lease.
func (s *SMTP) client(ctx context.Context) (*gomail.Client, func(), error) {
	var mu sync.Mutex
	var stops []func() bool
	stop := func() {
		mu.Lock()
		defer mu.Unlock()
		for _, f := range stops {
			f()
		}
	}
	dial := func(dctx context.Context, network, addr string) (net.Conn, error) {
		d := &net.Dialer{}
		var conn net.Conn
		var err error
		if s.c.TLS == TLSImplicit {
			conn, err = (&tls.Dialer{NetDialer: d, Config: s.tlsConfig()}).DialContext(dctx, network, addr)
		} else {
			conn, err = d.DialContext(dctx, network, addr)
		}
		if err != nil {
			return nil, err
		}
		mu.Lock()
		stops = append(stops, context.AfterFunc(ctx, func() { conn.Close() }))
		mu.Unlock()
		return conn, nil
	}
	opts := []gomail.Option{gomail.WithPort(s.c.Port), gomail.WithDialContextFunc(dial), gomail.WithTLSConfig(s.tlsConfig())}
	if s.c.Timeout > 0 {
		opts = append(opts, gomail.WithTimeout(s.c.Timeout))
	}
	switch s.c.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	}
	if s.c.Username != "" {
		// The strongest mechanism the server offers. PLAIN and LOGIN are
		// listed for a clear-text connection too, but go-mail sends them
		// unencrypted only to localhost.
		opts = append(opts, gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthSCRAMSHA256, gomail.SMTPAuthSCRAMSHA1,
			gomail.SMTPAuthCramMD5, gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(s.c.Username), gomail.WithPassword(s.c.Password))
	}
	c, err := gomail.NewClient(s.c.Host, opts...)
	return c, stop, err
}

func (s *SMTP) tlsConfig() *tls.Config {
	if s.c.TLSConfig != nil {
		return s.c.TLSConfig
	}
	return &tls.Config{ServerName: s.c.Host, MinVersion: tls.VersionTLS12}
}

// MessageID is the Message-ID header (without angle brackets) of the email
// for m: the same on every retry, so a receiving system can drop a resend.
func (s *SMTP) MessageID(m reconi.Message) string { return DeliveryID(m) + "@" + s.idDomain }

// Send delivers one email as plain text. A recipient or message the server
// refuses for good (a 5xx answer to RCPT or DATA) is a Permanent error;
// anything else, including a refused login, may be tried again.
func (s *SMTP) Send(ctx context.Context, m reconi.Message) error {
	msg := gomail.NewMsg()
	msg.FromMailAddress(s.from)
	if err := msg.To(m.To); err != nil {
		return Permanent(fmt.Errorf("recipient %q: %w", m.To, err))
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(s.MessageID(m))
	msg.SetDate()
	// Automatic mail: no out-of-office replies, please (RFC 3834).
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Body)
	c, stop, err := s.client(ctx)
	if err != nil {
		return err
	}
	defer stop()
	client, err := c.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", c.ServerAddr(), err)
	}
	err = c.SendWithSMTPClient(client, msg)
	// Once the server answered the data with 250 the message is its: a
	// failing QUIT must not make it look unsent, or it would be sent again.
	_ = c.CloseWithSMTPClient(client)
	if err == nil {
		return nil
	}
	var se *gomail.SendError
	if errors.As(err, &se) {
		switch se.Reason {
		case gomail.ErrGetRcpts:
			return Permanent(err)
		case gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose:
			if !se.IsTemp() && se.ErrorCode() >= 500 {
				return Permanent(err)
			}
		}
	}
	return err
}
