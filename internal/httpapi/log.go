package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyActorSlot
)

// logSlot is filled in by the handler for the request's log line.
type logSlot struct{ name, role, route string }

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(keyRequestID).(string)
	return id
}

func setActor(r *http.Request, a reconi.Actor) {
	if slot, ok := r.Context().Value(keyActorSlot).(*logSlot); ok {
		slot.name, slot.role = a.Name, string(a.Role)
	}
}

// setRoute records the route pattern: it is logged instead of the path,
// which may hold an invitation token.
func setRoute(r *http.Request, pattern string) {
	if slot, ok := r.Context().Value(keyActorSlot).(*logSlot); ok {
		slot.route = pattern
	}
}

// SetLogRoute lets other handlers on the same server (the invitation pages)
// log their route pattern instead of their path.
func SetLogRoute(r *http.Request, pattern string) { setRoute(r, pattern) }

// loggedPath is the path to log for a request no route matched, with any
// invitation token cut off.
func loggedPath(p string) string {
	for _, prefix := range []string{"/invite/", "/v1/invitations/"} {
		if i := strings.Index(p, prefix); i >= 0 {
			return p[:i+len(prefix)] + "…"
		}
	}
	return p
}

type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// logRequests gives every request an ID and logs one line when it ends:
// method, path, status, duration, size and actor. Query strings and headers
// are not logged: tokens and one-time codes never reach the log.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var raw [8]byte
		rand.Read(raw[:])
		id := hex.EncodeToString(raw[:])
		slot := &logSlot{}
		ctx := context.WithValue(context.WithValue(r.Context(), keyRequestID, id), keyActorSlot, slot)
		r = r.WithContext(ctx)
		w.Header().Set("X-Request-Id", id)
		rec := &recorder{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				s.opts.Logger.Error("panic", "request_id", id, "panic", fmt.Sprint(p))
				if rec.status == 0 {
					writeJSON(rec, http.StatusInternalServerError, ErrorBody{Error: *reconi.Errorf(reconi.KindInternal, "internal server error (reference %s)", id)})
				}
			}
			took := time.Since(start)
			route := slot.route
			if route == "" {
				// Never the path as a metric label: it may hold a token,
				// and every path would be a series of its own.
				s.opts.Metrics.observeRequest(Unmatched, rec.status, took)
				route = r.Method + " " + loggedPath(r.URL.Path)
			} else {
				s.opts.Metrics.observeRequest(route, rec.status, took)
			}
			s.opts.Logger.Info("request", "request_id", id, "route", route,
				"status", rec.status, "duration_ms", float64(took.Microseconds())/1000,
				"bytes", rec.bytes, "actor", slot.name, "role", slot.role)
		}()
		next.ServeHTTP(rec, r)
	})
}
