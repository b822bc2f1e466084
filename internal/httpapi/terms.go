package httpapi

import (
	"net/http"
)

// registerTermsRoutes serves the conditions in force.
func (s *Server) registerTermsRoutes(on onRoute) {
	on("GET", "/v1/terms", readRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		t, err := s.backend.Terms(r.Context())
		return http.StatusOK, t, err
	})
}
