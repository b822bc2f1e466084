package httpapi

import (
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// registerLinkRoutes serves the question plan asks before a draft exists:
// which people hold a means a draft would link. It reads only (a POST for
// the list of people in its body).
func (s *Server) registerLinkRoutes(on onRoute) {
	on("POST", "/v1/links", readRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var q reconi.LinkQuery
		if err := decode(r, &q); err != nil {
			return 0, nil, err
		}
		out, err := s.backend.Links(r.Context(), q)
		return http.StatusOK, out, err
	})
}
