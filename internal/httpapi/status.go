package httpapi

import (
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// registerStatusRoutes serves "Applications in progress".
func (s *Server) registerStatusRoutes(on onRoute) {
	on("GET", "/v1/applications", readRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		q := r.URL.Query()
		out, err := s.backend.Applications(r.Context(), reconi.ApplicationFilter{KVK: q.Get("kvk"), State: q.Get("state"), Email: q.Get("email")})
		return http.StatusOK, out, err
	})
}
