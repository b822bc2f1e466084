package client

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

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
