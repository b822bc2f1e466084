package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

// WebhookConfig configures a signed webhook.
type WebhookConfig struct {
	// URL receives the POST; http or https.
	URL string
	// Secret keys the HMAC-SHA256 signature; the receiver holds the same.
	Secret string
	// Client sends the request; nil uses a client with a 30 second timeout
	// that does not follow redirects (a redirected POST would lose its body
	// or its meaning).
	Client *http.Client
	// Now is the clock of the timestamp; nil is time.Now.
	Now func() time.Time
}

// webhook posts signed JSON.
type webhook struct {
	url string
	// site is the URL without path and query, for errors: a gateway's
	// URL may carry a key.
	site   string
	secret string
	client *http.Client
	now    func() time.Time
}

func newWebhook(c WebhookConfig) (*webhook, error) {
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("URL %q is not an http or https URL", c.URL)
	}
	if c.Secret == "" {
		return nil, errors.New("the secret is empty: requests must be signed")
	}
	w := &webhook{url: c.URL, site: u.Scheme + "://" + u.Host, secret: c.Secret, client: c.Client, now: c.Now}
	if w.client == nil {
		w.client = &http.Client{Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if w.now == nil {
		w.now = time.Now
	}
	return w, nil
}

// post sends body signed, with the message's DeliveryID as the
// Idempotency-Key. A 2xx answer is delivery; 408, 429 and other statuses
// are worth another try; the remaining 4xx are permanent.
func (w *webhook) post(ctx context.Context, m reconi.Message, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return Permanent(err)
	}
	ts := w.now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "reconi")
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(w.secret, ts, body))
	req.Header.Set(HeaderIdempotencyKey, DeliveryID(m))
	resp, err := w.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("webhook %s: %w", w.site, err)
	}
	defer resp.Body.Close()
	// Read a little so the connection can be reused; the answer itself is
	// not kept, since a provider may echo the message back.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	err = fmt.Errorf("webhook %s answered %s", w.site, resp.Status)
	if resp.StatusCode >= 400 && resp.StatusCode < 500 &&
		resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests {
		return Permanent(err)
	}
	return err
}

// SMSPayload is the JSON body the SMS webhook receives.
type SMSPayload struct {
	// ID is the outbox message's id, as `reconi outbox show` names it.
	ID int64 `json:"id"`
	// To is the mobile number in E.164 form, e.g. +31612345678.
	To   string `json:"to"`
	Body string `json:"body"`
}

// SMSWebhook sends SMS through a provider's (or a gateway's) webhook.
type SMSWebhook struct{ w *webhook }

// NewSMSWebhook returns an SMS sender posting to c.URL.
func NewSMSWebhook(c WebhookConfig) (*SMSWebhook, error) {
	w, err := newWebhook(c)
	if err != nil {
		return nil, err
	}
	return &SMSWebhook{w}, nil
}

// Send posts {"id","to","body"}.
func (s *SMSWebhook) Send(ctx context.Context, m reconi.Message) error {
	body, err := json.Marshal(SMSPayload{ID: m.ID, To: m.To, Body: m.Body})
	if err != nil {
		return Permanent(err)
	}
	return s.w.post(ctx, m, body)
}

// IdentificationWebhook sends identification requests to the partner.
type IdentificationWebhook struct{ w *webhook }

// NewIdentificationWebhook returns an identification sender posting to
// c.URL.
func NewIdentificationWebhook(c WebhookConfig) (*IdentificationWebhook, error) {
	w, err := newWebhook(c)
	if err != nil {
		return nil, err
	}
	return &IdentificationWebhook{w}, nil
}

// Send posts the message body as it is: the service wrote the
// identification request there as JSON.
func (s *IdentificationWebhook) Send(ctx context.Context, m reconi.Message) error {
	if !json.Valid([]byte(m.Body)) {
		return Permanent(fmt.Errorf("identification request %d is not JSON", m.ID))
	}
	return s.w.post(ctx, m, []byte(m.Body))
}
