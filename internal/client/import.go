package client

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

// ImportUserRows streams the rows to the server in one request, as JSON
// lines (one UserRow a line), to the route that takes CSV; the server checks
// them with the same all-or-nothing rule. Every attempt ranges over the rows
// from the start, so a failure is retried like any request.
func (c *Client) ImportUserRows(ctx context.Context, appID int64, rows reconi.UserRows, opt reconi.ImportOptions) (*reconi.ImportResult, error) {
	u := c.base + appPath(appID, "/users/import")
	u += importQuery(opt)
	key := newKey()
	wait := c.opt.MinWait
	for attempt := 1; ; attempt++ {
		res, retryAfter, err := c.importRowsOnce(ctx, u, key, rows)
		if err == nil || attempt > c.opt.Retries || retryAfter < 0 || ctx.Err() != nil {
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

// errImportEnded stops the encoding of rows when the request stops reading.
var errImportEnded = errors.New("the import request ended")

// importRowsOnce encodes the rows into the request as it is sent, through
// a pipe: memory stays flat however many rows there are.
func (c *Client) importRowsOnce(ctx context.Context, u, key string, rows reconi.UserRows) (*reconi.ImportResult, time.Duration, error) {
	pr, pw := io.Pipe()
	// rowsErr is the rows' own error, which no retry mends.
	var rowsErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		bw := bufio.NewWriterSize(pw, 32<<10)
		enc := json.NewEncoder(bw)
		enc.SetEscapeHTML(false)
		if rows != nil {
			for row, err := range rows {
				if err != nil {
					rowsErr = err
					pw.CloseWithError(err)
					return
				}
				if err := enc.Encode(row); err != nil {
					pw.CloseWithError(err)
					return
				}
			}
		}
		pw.CloseWithError(bw.Flush())
	}()
	res, retryAfter, err := c.importOnce(ctx, u, key, jsonLines, pr)
	pr.CloseWithError(errImportEnded)
	<-done
	if rowsErr != nil {
		return nil, -1, rowsErr
	}
	return res, retryAfter, err
}

// jsonLines is the content type of an import of rows: one JSON object (a
// reconi.UserRow) a line.
const jsonLines = "application/x-ndjson"

// ImportUsers streams r to the server in one request; the server validates
// it with the same all-or-nothing rule. A file is rewound and retried like
// any request; a pipe cannot be read twice and is sent once.
func (c *Client) ImportUsers(ctx context.Context, appID int64, r io.Reader, opt reconi.ImportOptions) (*reconi.ImportResult, error) {
	u := c.base + appPath(appID, "/users/import")
	u += importQuery(opt)
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
		res, retryAfter, err := c.importOnce(ctx, u, key, "text/csv", r)
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
func (c *Client) importOnce(ctx context.Context, u, key, contentType string, r io.Reader) (res *reconi.ImportResult, retryAfter time.Duration, err error) {
	// NopCloser hides the reader's type, so the request is sent chunked as
	// it is read and never buffered.
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, io.NopCloser(r))
	if err != nil {
		return nil, -1, err
	}
	req.Header.Set("Content-Type", contentType)
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

// importQuery is the query of an import with opt.
func importQuery(opt reconi.ImportOptions) string {
	q := url.Values{}
	if opt.DryRun {
		q.Set("dry_run", "true")
	}
	if opt.SkipExisting {
		q.Set("skip_existing", "true")
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}
