package httpapi

import (
	"net/http"
)

// registerActorRoutes serves who the token acts for.
func (s *Server) registerActorRoutes(on onRoute) {
	on("GET", "/v1/whoami", readRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		a, err := s.backend.Whoami(r.Context())
		return http.StatusOK, a, err
	})
}
