package httpapi

import (
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// registerOutboxRoutes serves the outbox: list it, read one message, send
// failed or kept ones again.
func (s *Server) registerOutboxRoutes(on onRoute) {
	b := s.backend
	on("GET", "/v1/outbox", readRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		f, err := outboxFilter(r)
		if err != nil {
			return 0, nil, err
		}
		page, err := b.Outbox(r.Context(), f)
		return http.StatusOK, page, err
	})
	on("POST", "/v1/outbox/retry", operatorRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var in struct {
			IDs []int64 `json:"ids"`
		}
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		out, err := b.RetryMessages(r.Context(), in.IDs)
		return http.StatusOK, out, err
	})
	on("GET", "/v1/outbox/{id}", readRoute, withID(func(id int64, r *http.Request) (int, any, error) {
		m, err := b.Message(r.Context(), id)
		return http.StatusOK, m, err
	}))
}

// outboxFilter reads the query of GET /v1/outbox.
func outboxFilter(r *http.Request) (reconi.OutboxFilter, error) {
	q := r.URL.Query()
	f := reconi.OutboxFilter{To: q.Get("to"), Channel: q.Get("channel"), State: q.Get("state"), Cursor: q.Get("cursor")}
	if v := q.Get("application_id"); v != "" {
		id, err := queryID("application_id", v)
		if err != nil {
			return f, err
		}
		f.ApplicationID = id
	}
	var err error
	f.Limit, err = queryLimit(r)
	return f, err
}
