package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// StatusClientClosed is logged for a request whose client hung up first.
const StatusClientClosed = 499

// StatusOf maps an error kind to its HTTP status.
func StatusOf(k reconi.Kind) int {
	switch k {
	case reconi.KindInvalid:
		return http.StatusBadRequest
	case reconi.KindNotFound:
		return http.StatusNotFound
	case reconi.KindConflict:
		return http.StatusConflict
	case reconi.KindUnauthorized:
		return http.StatusUnauthorized
	case reconi.KindForbidden:
		return http.StatusForbidden
	case reconi.KindUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// errorResponse turns err into a status and body. Internal errors are logged
// with a reference and their details are not sent.
func (s *Server) errorResponse(r *http.Request, err error) (int, ErrorBody) {
	var e *reconi.Error
	switch {
	case errors.As(err, &e):
	case errors.Is(err, context.Canceled):
		// The client went away: not the server's failure. 499, as nginx
		// logs it, keeps it out of 5xx counts; nobody reads the body.
		return StatusClientClosed, ErrorBody{Error: *reconi.Errorf(reconi.KindInternal, "the request was cancelled")}
	default:
		ref := requestID(r)
		s.opts.Logger.Error("internal error", "request_id", ref, "method", r.Method, "path", loggedPath(r.URL.Path), "err", err)
		e = reconi.Errorf(reconi.KindInternal, "internal server error (reference %s)", ref)
	}
	return StatusOf(e.Kind), ErrorBody{Error: *e}
}

func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, body := s.errorResponse(r, err)
	writeJSON(w, status, body)
}

// bodyError explains a body that could not be read.
func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return reconi.Errorf(reconi.KindInvalid, "request body is larger than %d bytes", tooBig.Limit)
	}
	return reconi.Errorf(reconi.KindInvalid, "reading the request body: %s", reconi.Excerpt(err.Error()))
}
