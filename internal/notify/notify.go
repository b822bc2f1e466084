// Package notify delivers outbox messages: email over SMTP, SMS and
// identification requests as signed webhooks. It knows nothing of the store:
// the service claims messages from its outbox, hands each to the Sender of
// its channel, and records the outcome.
package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

// Sender delivers the messages of one channel. An error means the message
// was not delivered and may be tried again, unless it is Permanent.
type Sender interface {
	Send(ctx context.Context, m reconi.Message) error
}

// permanentError marks a failure that trying again will not fix.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as one that retrying will not fix (a refused
// recipient, a request the provider rejects): the dispatcher fails the
// message at once instead of backing off.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// IsPermanent reports whether err, or an error it wraps, was marked
// Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// DeliveryID names one outbox message wherever it is delivered: the email's
// Message-ID (with a domain added) and the webhooks' Idempotency-Key. It
// stays the same on every retry, so a receiver can drop a resend. The
// creation time keeps two databases (a test and a production one, say) from
// naming different messages alike.
func DeliveryID(m reconi.Message) string {
	return fmt.Sprintf("reconi-outbox-%d-%d", m.ID, m.CreatedAt.UnixMicro())
}

// Identification providers.
const (
	// ProviderManual: an operator records the result
	// (reconi identification complete); requests stay in the outbox.
	ProviderManual = "manual"
	// ProviderWebhook: requests go to the partner's URL, results come back
	// through the signed callback of serve.
	ProviderWebhook = "webhook"
)

// Config is the delivery part of reconi's configuration, as plain values.
// Empty parts are not configured: their messages stay in the outbox.
type Config struct {
	SMTP SMTPConfig

	SMSWebhookURL    string
	SMSWebhookSecret string

	// IdentificationProvider is manual (the default) or webhook.
	IdentificationProvider      string
	IdentificationWebhookURL    string
	IdentificationWebhookSecret string
	// IdentificationCallbackSecret checks the partner's signed callbacks;
	// serve needs it when the provider is webhook.
	IdentificationCallbackSecret string

	// HTTPClient sends the webhooks; nil uses a client with a 30 second
	// timeout that does not follow redirects.
	HTTPClient *http.Client
	// Now is the clock of webhook timestamps; nil is time.Now.
	Now func() time.Time
}

// Keys of the delivery settings, as reconi's configuration names them:
// LoadConfig asks for them and the errors name them. internal/config lists
// the same keys among its own, and a test there checks they agree.
const (
	KeySMTPHost            = "smtp.host"
	KeySMTPPort            = "smtp.port"
	KeySMTPUsername        = "smtp.username"
	KeySMTPPassword        = "smtp.password"
	KeySMTPTLS             = "smtp.tls"
	KeySMTPFrom            = "smtp.from"
	KeySMSWebhookURL       = "sms.webhook_url"
	KeySMSWebhookSecret    = "sms.webhook_secret"
	KeyIdentProvider       = "identification.provider"
	KeyIdentWebhookURL     = "identification.webhook_url"
	KeyIdentWebhookSecret  = "identification.webhook_secret"
	KeyIdentCallbackSecret = "identification.callback_secret"
)

// Keys lists the delivery settings LoadConfig reads.
var Keys = []string{KeySMTPHost, KeySMTPPort, KeySMTPUsername, KeySMTPPassword, KeySMTPTLS, KeySMTPFrom,
	KeySMSWebhookURL, KeySMSWebhookSecret, KeyIdentProvider, KeyIdentWebhookURL, KeyIdentWebhookSecret, KeyIdentCallbackSecret}

// LoadConfig reads the delivery settings through get, which returns a
// setting by its key above (config.Config.Get does).
func LoadConfig(get func(key string) string) (Config, error) {
	c := Config{
		SMTP: SMTPConfig{
			Host:     strings.TrimSpace(get(KeySMTPHost)),
			Username: get(KeySMTPUsername),
			Password: get(KeySMTPPassword),
			TLS:      strings.TrimSpace(get(KeySMTPTLS)),
			From:     strings.TrimSpace(get(KeySMTPFrom)),
		},
		SMSWebhookURL:                strings.TrimSpace(get(KeySMSWebhookURL)),
		SMSWebhookSecret:             get(KeySMSWebhookSecret),
		IdentificationProvider:       strings.TrimSpace(get(KeyIdentProvider)),
		IdentificationWebhookURL:     strings.TrimSpace(get(KeyIdentWebhookURL)),
		IdentificationWebhookSecret:  get(KeyIdentWebhookSecret),
		IdentificationCallbackSecret: get(KeyIdentCallbackSecret),
	}
	if p := strings.TrimSpace(get(KeySMTPPort)); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return c, fmt.Errorf("%s: %q is not a port number (1 to 65535)", KeySMTPPort, p)
		}
		c.SMTP.Port = n
	}
	return c, nil
}

// FromConfig builds a Sender for every configured channel. A channel left
// out of the map is not configured: the dispatcher keeps its messages in
// the outbox, which is then the delivery.
func FromConfig(c Config) (map[reconi.Channel]Sender, error) {
	senders := map[reconi.Channel]Sender{}
	if c.SMTP.Host != "" {
		s, err := NewSMTP(c.SMTP)
		if err != nil {
			return nil, err
		}
		senders[reconi.ChannelEmail] = s
	} else if c.SMTP.From != "" || c.SMTP.Username != "" {
		return nil, fmt.Errorf("%s is not set, but other smtp settings are: set it, or remove them to keep email in the outbox", KeySMTPHost)
	}

	if c.SMSWebhookURL != "" || c.SMSWebhookSecret != "" {
		s, err := NewSMSWebhook(WebhookConfig{URL: c.SMSWebhookURL, Secret: c.SMSWebhookSecret, Client: c.HTTPClient, Now: c.Now})
		if err != nil {
			return nil, fmt.Errorf("sms webhook: %w", err)
		}
		senders[reconi.ChannelSMS] = s
	}

	switch c.IdentificationProvider {
	case "", ProviderManual:
		if c.IdentificationWebhookURL != "" {
			return nil, fmt.Errorf("%s is set but %s is %q: set the provider to webhook, or remove the URL",
				KeyIdentWebhookURL, KeyIdentProvider, ProviderManual)
		}
	case ProviderWebhook:
		s, err := NewIdentificationWebhook(WebhookConfig{URL: c.IdentificationWebhookURL, Secret: c.IdentificationWebhookSecret,
			Client: c.HTTPClient, Now: c.Now})
		if err != nil {
			return nil, fmt.Errorf("identification webhook: %w", err)
		}
		if c.IdentificationCallbackSecret == "" {
			return nil, fmt.Errorf("%s is empty: the partner's results could not be checked", KeyIdentCallbackSecret)
		}
		senders[reconi.ChannelIdentification] = s
	default:
		return nil, fmt.Errorf("%s: %q is not a provider: want %s or %s", KeyIdentProvider,
			c.IdentificationProvider, ProviderManual, ProviderWebhook)
	}
	return senders, nil
}
