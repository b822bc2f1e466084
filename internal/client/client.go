// Package client implements reconi.Backend over the HTTP API of
// `reconi serve`, with resty. Errors come back as the same *reconi.Error the
// embedded service returns, so commands behave alike in both modes.
package client

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	// (default 4); MinWait and MaxWait bound the backoff between tries.
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
	if opt.Retries == 0 {
		opt.Retries = 4
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

func newKey() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// do sends a request and decodes a JSON answer into out (unless nil).
func (c *Client) do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	req := c.rc.R().SetContext(ctx)
	if query != nil {
		req.SetQueryParamsFromValues(query)
	}
	if body != nil {
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

func appPath(id int64, rest string) string {
	return "/v1/applications/" + strconv.FormatInt(id, 10) + rest
}

func (c *Client) RegisterOrganization(ctx context.Context, in reconi.NewOrganization) (*reconi.Organization, error) {
	var o reconi.Organization
	if err := c.do(ctx, http.MethodPost, "/v1/organizations", nil, in, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

func (c *Client) Organizations(ctx context.Context) ([]reconi.Organization, error) {
	var out []reconi.Organization
	err := c.get(ctx, "/v1/organizations", nil, &out)
	return out, err
}

func (c *Client) Organization(ctx context.Context, kvk reconi.KVK) (*reconi.Organization, error) {
	var o reconi.Organization
	if err := c.get(ctx, "/v1/organizations/"+url.PathEscape(string(kvk)), nil, &o); err != nil {
		return nil, err
	}
	return &o, nil
}

func (c *Client) Services(ctx context.Context, f reconi.ServiceFilter) ([]reconi.Service, error) {
	q := url.Values{}
	setIf(q, "level", f.Level)
	setIf(q, "provider", f.Provider)
	var out []reconi.Service
	err := c.get(ctx, "/v1/services", q, &out)
	return out, err
}

func (c *Client) LoadCatalogue(ctx context.Context, cat reconi.Catalogue) error {
	return c.do(ctx, http.MethodPut, "/v1/catalogue", nil, cat, nil)
}

func (c *Client) PriceList(ctx context.Context) (*reconi.PriceList, error) {
	var p reconi.PriceList
	if err := c.get(ctx, "/v1/prices", nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

func (c *Client) LoadPriceList(ctx context.Context, p reconi.PriceList) error {
	return c.do(ctx, http.MethodPut, "/v1/prices", nil, p, nil)
}

func (c *Client) CreateDraft(ctx context.Context, in reconi.NewDraft) (*reconi.Application, error) {
	var a reconi.Application
	if err := c.do(ctx, http.MethodPost, "/v1/applications", nil, in, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

func (c *Client) Application(ctx context.Context, id int64) (*reconi.Application, error) {
	var a reconi.Application
	if err := c.get(ctx, appPath(id, ""), nil, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

func (c *Client) AddUser(ctx context.Context, appID int64, in reconi.NewUser) (*reconi.User, error) {
	var u reconi.User
	if err := c.do(ctx, http.MethodPost, appPath(appID, "/users"), nil, in, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// ImportUsers streams r to the server in one request; the server validates
// it with the same all-or-nothing rule. A file is rewound and retried like
// any request; a pipe cannot be read twice and is sent once.
func (c *Client) ImportUsers(ctx context.Context, appID int64, r io.Reader, opt reconi.ImportOptions) (*reconi.ImportResult, error) {
	u := c.base + appPath(appID, "/users/import")
	if opt.DryRun {
		u += "?dry_run=true"
	}
	// A file at its start can be sent again from there; a pipe cannot.
	tries := 1
	seeker, ok := r.(io.Seeker)
	if ok {
		if pos, err := seeker.Seek(0, io.SeekCurrent); err == nil && pos == 0 {
			tries += c.opt.Retries
		}
	}
	key := newKey()
	wait := c.opt.MinWait
	for attempt := 1; ; attempt++ {
		if attempt > 1 {
			if _, err := seeker.Seek(0, io.SeekStart); err != nil {
				return nil, err
			}
		}
		res, retryAfter, err := c.importOnce(ctx, u, key, r)
		if err == nil || attempt >= tries || retryAfter < 0 || ctx.Err() != nil {
			return res, err
		}
		if retryAfter == 0 {
			retryAfter = wait
			wait = min(wait*2, c.opt.MaxWait)
		}
		select {
		case <-time.After(min(retryAfter, c.opt.MaxWait)):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// importOnce streams the CSV in one request. resty would read the whole
// body into memory first (to be able to resend it), so the import goes
// through the same http.Client directly: memory stays flat however large
// the file. retryAfter is negative when a retry would not help, zero for
// the usual backoff, or what the server asked for.
func (c *Client) importOnce(ctx context.Context, u, key string, r io.Reader) (res *reconi.ImportResult, retryAfter time.Duration, err error) {
	// NopCloser hides the reader's type, so the request is sent chunked as
	// it is read and never buffered.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, io.NopCloser(r))
	if err != nil {
		return nil, -1, err
	}
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.opt.UserAgent)
	req.Header.Set("Idempotency-Key", key)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.rc.GetClient().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, -1, ctx.Err()
		}
		return nil, 0, reconi.Errorf(reconi.KindInternal, "cannot reach the reconi server at %s: %v", c.base, unwrapURL(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, 0, reconi.Errorf(reconi.KindInternal, "reading the answer of the reconi server at %s: %v", c.base, err)
	}
	if retryStatus(resp.StatusCode) {
		return nil, parseRetryAfter(resp.Header.Get("Retry-After")), errorFrom(resp.StatusCode, resp.Status, body)
	}
	if resp.StatusCode >= 400 {
		return nil, -1, errorFrom(resp.StatusCode, resp.Status, body)
	}
	var out reconi.ImportResult
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, -1, reconi.Errorf(reconi.KindInternal, "the server at %s sent an answer reconi cannot read: %v", c.base, err)
	}
	return &out, 0, nil
}

func (c *Client) RemoveUser(ctx context.Context, appID int64, email string) error {
	return c.do(ctx, http.MethodDelete, appPath(appID, "/users/"+url.PathEscape(email)), nil, nil, nil)
}

func (c *Client) Users(ctx context.Context, f reconi.UserFilter) ([]reconi.User, error) {
	q := url.Values{}
	if f.ApplicationID != 0 {
		q.Set("application_id", strconv.FormatInt(f.ApplicationID, 10))
	}
	setIf(q, "kvk", f.KVK)
	var out []reconi.User
	err := c.get(ctx, "/v1/users", q, &out)
	return out, err
}

func (c *Client) SetPermissions(ctx context.Context, appID int64, in reconi.PermissionsInput) (*reconi.Application, error) {
	var a reconi.Application
	if err := c.do(ctx, http.MethodPut, appPath(appID, "/permissions"), nil, in, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

func (c *Client) Terms(ctx context.Context) (*reconi.Terms, error) {
	var t reconi.Terms
	if err := c.get(ctx, "/v1/terms", nil, &t); err != nil {
		return nil, err
	}
	return &t, nil
}

func (c *Client) Submit(ctx context.Context, appID int64, in reconi.Submission) (*reconi.Application, error) {
	var a reconi.Application
	if err := c.do(ctx, http.MethodPost, appPath(appID, "/submit"), nil, in, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

func (c *Client) Applications(ctx context.Context, f reconi.ApplicationFilter) ([]reconi.ApplicationSummary, error) {
	q := url.Values{}
	setIf(q, "kvk", f.KVK)
	setIf(q, "state", f.State)
	setIf(q, "email", f.Email)
	var out []reconi.ApplicationSummary
	err := c.get(ctx, "/v1/applications", q, &out)
	return out, err
}

func (c *Client) History(ctx context.Context, appID int64) ([]reconi.Event, error) {
	var out []reconi.Event
	err := c.get(ctx, appPath(appID, "/history"), nil, &out)
	return out, err
}

func (c *Client) Whoami(ctx context.Context) (*reconi.Actor, error) {
	var a reconi.Actor
	if err := c.get(ctx, "/v1/whoami", nil, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

func setIf(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}

// String names the server, for messages.
func (c *Client) String() string { return fmt.Sprintf("reconi server %s", c.base) }

func invPath(token, rest string) string { return "/v1/invitations/" + url.PathEscape(token) + rest }

func (c *Client) invitation(ctx context.Context, method, path string, body any) (*reconi.Invitation, error) {
	var inv reconi.Invitation
	if err := c.do(ctx, method, path, nil, body, &inv); err != nil {
		return nil, err
	}
	return &inv, nil
}

func (c *Client) Invitation(ctx context.Context, token string) (*reconi.Invitation, error) {
	return c.invitation(ctx, http.MethodGet, invPath(token, ""), nil)
}

func (c *Client) ConfirmDetails(ctx context.Context, token string) (*reconi.Invitation, error) {
	return c.invitation(ctx, http.MethodPost, invPath(token, "/confirm"), struct{}{})
}

func (c *Client) SendCode(ctx context.Context, token string) (*reconi.Invitation, error) {
	return c.invitation(ctx, http.MethodPost, invPath(token, "/send-code"), struct{}{})
}

func (c *Client) VerifyCode(ctx context.Context, token, code string) (*reconi.Invitation, error) {
	return c.invitation(ctx, http.MethodPost, invPath(token, "/verify"), map[string]string{"code": code})
}

func (c *Client) Order(ctx context.Context, token string) (*reconi.Invitation, error) {
	return c.invitation(ctx, http.MethodPost, invPath(token, "/order"), struct{}{})
}

func userPath(id int64, rest string) string { return "/v1/users/" + strconv.FormatInt(id, 10) + rest }

func (c *Client) user(ctx context.Context, path string, body any) (*reconi.User, error) {
	var u reconi.User
	if err := c.do(ctx, http.MethodPost, path, nil, body, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

func (c *Client) CompleteIdentification(ctx context.Context, userID int64, passed bool, note string) (*reconi.User, error) {
	result := "failed"
	if passed {
		result = "passed"
	}
	return c.user(ctx, userPath(userID, "/identification"), map[string]string{"result": result, "note": note})
}

func (c *Client) Reviews(ctx context.Context) ([]reconi.Review, error) {
	var out []reconi.Review
	err := c.get(ctx, "/v1/reviews", nil, &out)
	return out, err
}

func (c *Client) Approve(ctx context.Context, userID int64) (*reconi.User, error) {
	return c.user(ctx, userPath(userID, "/approve"), struct{}{})
}

func (c *Client) Reject(ctx context.Context, userID int64, reason string) (*reconi.User, error) {
	return c.user(ctx, userPath(userID, "/reject"), map[string]string{"reason": reason})
}

func (c *Client) Cancel(ctx context.Context, appID int64, email, reason string) (*reconi.Application, error) {
	var a reconi.Application
	if err := c.do(ctx, http.MethodPost, appPath(appID, "/cancel"), nil, map[string]string{"email": email, "reason": reason}, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

func (c *Client) Outbox(ctx context.Context, f reconi.OutboxFilter) ([]reconi.Message, error) {
	q := url.Values{}
	setIf(q, "to", f.To)
	setIf(q, "channel", f.Channel)
	setIf(q, "state", f.State)
	if f.ApplicationID != 0 {
		q.Set("application_id", strconv.FormatInt(f.ApplicationID, 10))
	}
	if f.Limit != 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	var out []reconi.Message
	err := c.get(ctx, "/v1/outbox", q, &out)
	return out, err
}

func (c *Client) RetryMessages(ctx context.Context, ids []int64) ([]reconi.Message, error) {
	var out []reconi.Message
	if err := c.do(ctx, http.MethodPost, "/v1/outbox/retry", nil, map[string][]int64{"ids": ids}, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func (c *Client) Message(ctx context.Context, id int64) (*reconi.Message, error) {
	var m reconi.Message
	if err := c.get(ctx, "/v1/outbox/"+strconv.FormatInt(id, 10), nil, &m); err != nil {
		return nil, err
	}
	return &m, nil
}
