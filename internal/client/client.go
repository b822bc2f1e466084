// Package client implements reconi.Backend over the HTTP API of
// `reconi serve`, with resty. Errors come back as the same *reconi.Error the
// embedded service returns, so commands behave alike in both modes.
package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"

	"github.com/reconi/reconi/internal/reconi"
)

// Client is a reconi.Backend that talks to a server.
type Client struct {
	base  string
	token string
	opt   Options
	rc    *resty.Client
}

var _ reconi.Backend = (*Client)(nil)

// Options tune a Client.
type Options struct {
	// HTTPClient replaces the default transport (tests, TLS settings).
	HTTPClient *http.Client
	// Retries is how often a request that may be retried is retried
	// (default 4; negative: never); MinWait and MaxWait bound the backoff
	// between tries.
	Retries          int
	MinWait, MaxWait time.Duration
	UserAgent        string
}

// New returns a Client for the server at baseURL, authenticating with token.
func New(baseURL, token string, opt Options) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, reconi.Invalid("server", "%q is not a server URL: want http(s)://host[:port]", baseURL)
	}
	switch {
	case opt.Retries == 0:
		opt.Retries = 4
	case opt.Retries < 0:
		opt.Retries = 0
	}
	if opt.MinWait == 0 {
		opt.MinWait = 250 * time.Millisecond
	}
	if opt.MaxWait == 0 {
		opt.MaxWait = 10 * time.Second
	}
	if opt.UserAgent == "" {
		opt.UserAgent = "reconi"
	}
	base := strings.TrimRight(baseURL, "/")
	var rc *resty.Client
	if opt.HTTPClient != nil {
		rc = resty.NewWithClient(opt.HTTPClient)
	} else {
		rc = resty.New()
	}
	rc.SetBaseURL(base).
		SetHeader("User-Agent", opt.UserAgent).
		SetHeader("Accept", "application/json").
		SetRetryCount(opt.Retries).
		SetRetryWaitTime(opt.MinWait).
		SetRetryMaxWaitTime(opt.MaxWait).
		SetRetryAfter(retryAfter).
		AddRetryCondition(retryable).
		SetLogger(quietLogger{})
	if token != "" {
		rc.SetAuthToken(token)
	}
	return &Client{base: base, token: token, opt: opt, rc: rc}, nil
}

// retryable retries what is safe to retry: transport errors and the statuses
// that say "try again later". Every mutating request carries an
// Idempotency-Key, so a retry after a lost answer is answered, not redone.
func retryable(resp *resty.Response, err error) bool {
	if err != nil {
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	return retryStatus(resp.StatusCode())
}

// retryStatus reports whether a status says "try again later".
func retryStatus(code int) bool {
	switch code {
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryAfter honours a Retry-After header for resty; 0 lets resty use its
// jittered backoff.
func retryAfter(_ *resty.Client, resp *resty.Response) (time.Duration, error) {
	if resp == nil {
		return 0, nil
	}
	return parseRetryAfter(resp.Header().Get("Retry-After")), nil
}

// parseRetryAfter reads a Retry-After value in seconds or as an HTTP date;
// 0 when there is none.
func parseRetryAfter(v string) time.Duration {
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return 0
}

type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}

// do sends a request and decodes a JSON answer into out (unless nil).
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	req := c.rc.R().SetContext(ctx)
	if query != nil {
		req.SetQueryParamsFromValues(query)
	}
	if body != nil {
		// encoding/json would turn bytes that are not UTF-8 into U+FFFD
		// without a word: refuse them as the server and the embedded
		// backend do.
		if err := reconi.CheckTexts("", body); err != nil {
			return err
		}
		req.SetHeader("Content-Type", "application/json")
		req.SetBody(body)
	}
	if method != http.MethodGet {
		req.SetHeader("Idempotency-Key", newKey())
	}
	resp, err := req.Execute(method, path)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return reconi.Errorf(reconi.KindInternal, "cannot reach the reconi server at %s: %v", c.base, unwrapURL(err))
	}
	if resp.StatusCode() >= 400 {
		return decodeError(resp)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(resp.Body(), out); err != nil {
		return reconi.Errorf(reconi.KindInternal, "the server at %s sent an answer reconi cannot read: %v", c.base, err)
	}
	return nil
}

func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// decodeError rebuilds the server's *reconi.Error, or describes a response
// that did not come from reconi (a proxy's error page).
func decodeError(resp *resty.Response) error {
	return errorFrom(resp.StatusCode(), resp.Status(), resp.Body())
}

func errorFrom(status int, statusText string, raw []byte) error {
	var body struct {
		Error *reconi.Error `json:"error"`
	}
	if err := json.Unmarshal(raw, &body); err == nil && body.Error != nil && body.Error.Kind != "" {
		return body.Error
	}
	kind := reconi.KindInternal
	switch status {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		kind = reconi.KindInvalid
	case http.StatusConflict:
		kind = reconi.KindConflict
	case http.StatusUnauthorized:
		kind = reconi.KindUnauthorized
	case http.StatusForbidden:
		kind = reconi.KindForbidden
	case http.StatusNotFound:
		kind = reconi.KindNotFound
	}
	return reconi.Errorf(kind, "the server answered %s", statusText)
}

func (c *Client) get(ctx context.Context, path string, q url.Values, out any) error {
	return c.do(ctx, http.MethodGet, path, q, nil, out)
}

func setIf(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

// String names the server, for messages.
func (c *Client) String() string { return fmt.Sprintf("reconi server %s", c.base) }
