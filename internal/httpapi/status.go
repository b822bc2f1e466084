package httpapi

import (
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// registerStatusRoutes serves "Applications in progress".
func (s *Server) registerStatusRoutes(on onRoute) {
	on("GET", "/v1/applications", readRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		q := r.URL.Query()
		f := reconi.ApplicationFilter{KVK: q.Get("kvk"), State: q.Get("state"), Email: q.Get("email"), Cursor: q.Get("cursor"),
			IdempotencyKey: q.Get("idempotency_key")}
		var err error
		if f.Open, err = queryBool(r, "open"); err != nil {
			return 0, nil, err
		}
		if f.NoDrafts, err = queryBool(r, "no_drafts"); err != nil {
			return 0, nil, err
		}
		if f.Limit, err = queryLimit(r); err != nil {
			return 0, nil, err
		}
		page, err := s.backend.Applications(r.Context(), f)
		return http.StatusOK, page, err
	})
}
