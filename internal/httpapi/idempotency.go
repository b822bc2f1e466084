package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

// IdempotencyHeader carries the key that makes a mutating request safe to retry.
const IdempotencyHeader = "Idempotency-Key"

// idempotent answers a repeated key with the first answer, and records the
// answer of a new one. The fingerprint binds the key to the request: the
// method, the path and, for JSON requests, a hash of the body.
func (s *Server) idempotent(w http.ResponseWriter, r *http.Request, h handler, e endpoint, tokenID int64, key string) {
	if len(key) > 200 {
		s.writeError(w, r, reconi.Invalid(IdempotencyHeader, "is longer than 200 characters"))
		return
	}
	fp := sha256.New()
	fmt.Fprintf(fp, "%s %s\n", r.Method, r.URL.RequestURI())
	if !e.stream {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			s.writeError(w, r, bodyError(err))
			return
		}
		fp.Write(body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	fingerprint := hex.EncodeToString(fp.Sum(nil))
	status, body, found, err := s.access.Claim(r.Context(), tokenID, key, fingerprint)
	if err != nil {
		if errors.Is(err, reconi.ErrInFlight) {
			// 503 with Retry-After: clients retry it on their own.
			w.Header().Set("Retry-After", "1")
			writeJSON(w, http.StatusServiceUnavailable, ErrorBody{Error: *reconi.ErrInFlight})
			return
		}
		s.writeError(w, r, err)
		return
	}
	if found {
		w.Header().Set("Idempotent-Replayed", "true")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
		return
	}
	stopRenewing := s.renew(r.Context(), tokenID, key)
	status, v, herr := func() (int, any, error) {
		// A handler that panics answered nothing: free the key, or every
		// retry would be told "in progress" until the claim goes stale.
		defer func() {
			if p := recover(); p != nil {
				if err := s.access.Release(context.WithoutCancel(r.Context()), tokenID, key); err != nil {
					s.opts.Logger.Error("releasing idempotency key", "err", err)
				}
				panic(p)
			}
		}()
		defer stopRenewing()
		return h(w, r)
	}()
	if herr != nil {
		status, v = s.errorResponse(r, herr)
	}
	b, err := marshal(v)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	stored := b
	if herr != nil && len(b) > maxStoredFailure {
		stored = shortFailure(status, v)
	}
	// A failure that is internal, or caused by a cancelled request or a
	// server going down, changed nothing we can vouch for: let a retry run
	// again rather than replay it. A success is recorded even when the
	// client has gone: the change was made, and its retry must be answered
	// with it, not make it twice.
	ctx := context.WithoutCancel(r.Context())
	if herr != nil && (status >= 500 || r.Context().Err() != nil) {
		if err := s.access.Release(ctx, tokenID, key); err != nil {
			s.opts.Logger.Error("releasing idempotency key", "err", err)
		}
	} else if err := s.access.Complete(ctx, tokenID, key, status, stored); err != nil {
		s.opts.Logger.Error("recording idempotent answer", "err", err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// claimRenewal is how often a running request renews its claim; the
// service's lease (service.IdempotencyLease, 30 s) is a few times this, so
// a claim outlives a slow request but not a crashed server by much.
const claimRenewal = 10 * time.Second

// renew keeps the claim of key alive until the returned func is called.
func (s *Server) renew(ctx context.Context, tokenID int64, key string) (stop func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(claimRenewal)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := s.access.Renew(ctx, tokenID, key); err != nil && ctx.Err() == nil {
					s.opts.Logger.Warn("renewing an idempotency key", "err", err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

// maxStoredFailure bounds the reply kept for a failed request: a 400 that
// lists a thousand bad rows is answered in full, but its retry gets the
// kind and the message only.
const maxStoredFailure = 4 << 10

// shortFailure is what is kept of a failure's reply over maxStoredFailure.
func shortFailure(status int, v any) []byte {
	e := reconi.Error{Kind: reconi.KindInternal, Message: http.StatusText(status)}
	if body, ok := v.(ErrorBody); ok {
		e = reconi.Error{Kind: body.Error.Kind, Message: body.Error.Message}
		if len(e.Message) > maxStoredFailure/2 {
			e.Message = reconi.Excerpt(e.Message)
		}
		if n := len(body.Error.Rows) + body.Error.RowsOmitted; n > 0 {
			e.Message += fmt.Sprintf(" (%d row problems were listed in the first answer; send the request with a new key to see them again)", n)
		}
	}
	b, _ := marshal(ErrorBody{Error: e})
	return b
}
