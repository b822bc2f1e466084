// Package httpapi serves any reconi.Backend as a JSON API under /v1: what
// `reconi serve` runs. Domain error kinds travel as HTTP statuses with a JSON
// body, and package client turns them back into the same errors.
package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/reconi/reconi/internal/reconi"
)

// Access authenticates tokens and remembers the first answers to idempotent
// requests; service.Access implements it over the database.
type Access interface {
	Authenticate(ctx context.Context, token string) (reconi.Actor, int64, error)
	Claim(ctx context.Context, tokenID int64, key, fingerprint string) (status int, body []byte, found bool, err error)
	Complete(ctx context.Context, tokenID int64, key string, status int, body []byte) error
	Release(ctx context.Context, tokenID int64, key string) error
	// CheckApplication says whether the actor of ctx may see application
	// id (a not-found error when not); asked before a body is read.
	CheckApplication(ctx context.Context, id int64) error
	// Renew extends the lease of a claimed key while its request runs.
	Renew(ctx context.Context, tokenID int64, key string) error
}

// Options tune a Server.
type Options struct {
	Logger *slog.Logger
	// MaxBodyBytes limits JSON request bodies (default 1 MiB).
	MaxBodyBytes int64
	// MaxImportBytes limits CSV import bodies (default 1 GiB).
	MaxImportBytes int64
	// Ready reports whether the server can serve (the database answers).
	Ready func(context.Context) error
	// Metrics, when set, counts and times every request by route pattern
	// and status (metrics.go).
	Metrics *Metrics
}

// Server is the HTTP API.
type Server struct {
	backend reconi.Backend
	access  Access
	opts    Options
	mux     *http.ServeMux
	// routeList is every /v1 endpoint, for Routes.
	routeList []Route
}

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	Error reconi.Error `json:"error"`
}

// New returns a Server for b.
func New(b reconi.Backend, access Access, opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.MaxBodyBytes == 0 {
		opts.MaxBodyBytes = 1 << 20
	}
	if opts.MaxImportBytes == 0 {
		opts.MaxImportBytes = 1 << 30
	}
	s := &Server{backend: b, access: access, opts: opts, mux: http.NewServeMux()}
	s.routeList = s.routes()
	return s
}

// Mount serves h at pattern beside the API, behind the same request log
// and panic recovery: serve mounts the invitation pages and the partner's
// callback this way.
func (s *Server) Mount(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// Handler returns the server's handler with logging and panic recovery.
func (s *Server) Handler() http.Handler { return s.logRequests(http.HandlerFunc(s.route)) }

// route serves r with the mux. A path no route matches is answered in
// JSON like every other error, not with the mux's plain text: 404, or 405
// with the Allow header when the path exists for other methods.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	h, pattern := s.mux.Handler(r)
	if pattern != "" {
		// Mounted handlers may name a finer route themselves.
		setRoute(r, pattern)
		s.mux.ServeHTTP(w, r)
		return
	}
	miss := &missWriter{ResponseWriter: w}
	h.ServeHTTP(miss, r) // sets Allow on a 405
	where := reconi.Excerpt(r.Method + " " + r.URL.EscapedPath())
	if miss.status == http.StatusMethodNotAllowed {
		writeJSON(w, miss.status, ErrorBody{Error: *reconi.Errorf(reconi.KindInvalid,
			"%s: method not allowed; allowed: %s", where, w.Header().Get("Allow"))})
		return
	}
	writeJSON(w, http.StatusNotFound, ErrorBody{Error: *reconi.Errorf(reconi.KindNotFound, "%s: no such endpoint", where)})
}

// missWriter keeps the status the mux chose for a path without a route and
// drops its plain-text body.
type missWriter struct {
	http.ResponseWriter
	status int
}

func (m *missWriter) WriteHeader(status int)      { m.status = status }
func (m *missWriter) Write(b []byte) (int, error) { return len(b), nil }

// handler is an API endpoint: it returns the status and value to send, or an
// error.
type handler func(w http.ResponseWriter, r *http.Request) (int, any, error)

// endpoint describes how a route is guarded.
type endpoint struct {
	// mutating requests go through the idempotency check.
	mutating bool
	// stream requests have a large body read by the handler itself.
	stream bool
	// public requests need no API token: the invitation token in the path
	// is the user's credential.
	public bool
	// act is what the request does, for the role check made before the
	// body is read (see precheck).
	act reconi.Action
}

func (s *Server) handle(pattern string, e endpoint, h handler) {
	s.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := s.opts.MaxBodyBytes
		if e.stream {
			limit = s.opts.MaxImportBytes
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		setRoute(r, pattern)
		if err := checkRequestText(r, pattern); err != nil {
			s.writeError(w, r, err)
			return
		}
		if e.public {
			s.respond(w, r, h)
			return
		}

		actor, tokenID, err := s.authenticate(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		setActor(r, actor)
		r = r.WithContext(reconi.WithActor(r.Context(), actor))
		if err := s.precheck(r, pattern, e, actor); err != nil {
			s.writeError(w, r, err)
			return
		}

		key := r.Header.Get(IdempotencyHeader)
		if !e.mutating || key == "" {
			s.respond(w, r, h)
			return
		}
		s.idempotent(w, r, h, e, tokenID, key)
	}))
}

// precheck refuses, before a byte of the body is read, a request the
// service would refuse anyway: a role that may not send it, or an
// application the token may not see. A helpdesk token POSTing a CSV import
// is answered 403 at once, not after the server has read a gigabyte. The
// order is the service's: an application of another organisation is not
// found before the role is considered, so the answer is the same on both
// sides of the wire. The service still checks everything itself.
func (s *Server) precheck(r *http.Request, pattern string, e endpoint, a reconi.Actor) error {
	if !e.mutating {
		return nil // no body to protect; the service answers
	}
	if strings.Contains(pattern, " /v1/applications/{id}") {
		id, err := parseID(r.PathValue("id"))
		if err != nil {
			return err
		}
		if err := s.access.CheckApplication(r.Context(), id); err != nil {
			return err
		}
	}
	if a.Role == reconi.RoleHelpdesk && e.act != reconi.ActResend {
		// A helpdesk token changes nothing, whatever the route, but may
		// send an invitation again.
		return a.Permits(reconi.ActWizard)
	}
	return a.Permits(e.act)
}

func (s *Server) authenticate(r *http.Request) (reconi.Actor, int64, error) {
	// The scheme is case-insensitive (RFC 9110, section 11.1).
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	token = strings.TrimSpace(token)
	if !strings.EqualFold(scheme, "Bearer") || token == "" {
		return reconi.Actor{}, 0, reconi.Errorf(reconi.KindUnauthorized, "no token: send Authorization: Bearer TOKEN")
	}
	return s.access.Authenticate(r.Context(), token)
}

// respond runs h and writes its answer.
func (s *Server) respond(w http.ResponseWriter, r *http.Request, h handler) {
	status, v, err := h(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := marshal(v)
	if err != nil {
		http.Error(w, `{"error":{"kind":"internal","message":"encoding the response failed"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b)
}

// decode reads a JSON body into v, refusing unknown fields and trailing data.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return bodyError(err)
		}
		// The message may quote the body (an unknown field's name): a
		// short excerpt only.
		return reconi.Errorf(reconi.KindInvalid, "request body is not valid JSON for this request: %s", reconi.Excerpt(err.Error()))
	}
	if dec.More() {
		return reconi.Errorf(reconi.KindInvalid, "request body has data after the JSON value")
	}
	return reconi.CheckTexts("", v)
}

// checkRequestText refuses a NUL byte or bytes that are not UTF-8 in the
// query, the path's values and the Idempotency-Key, naming where: the
// service checks the values it is given, but these reach the idempotency
// table, or a lookup, first.
func checkRequestText(r *http.Request, pattern string) error {
	for k, vs := range r.URL.Query() {
		if err := reconi.CheckText("query parameter name", k); err != nil {
			return err
		}
		for _, v := range vs {
			if err := reconi.CheckText(reconi.Excerpt(k), v); err != nil {
				return err
			}
		}
	}
	for rest := pattern; ; {
		i := strings.IndexByte(rest, '{')
		j := strings.IndexByte(rest, '}')
		if i < 0 || j < i {
			break
		}
		name := strings.TrimSuffix(rest[i+1:j], "...")
		if err := reconi.CheckText(name, r.PathValue(name)); err != nil {
			return err
		}
		rest = rest[j+1:]
	}
	return reconi.CheckText(IdempotencyHeader, r.Header.Get(IdempotencyHeader))
}
