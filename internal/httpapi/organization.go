package httpapi

import (
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// registerOrganizationRoutes serves the organisation register.
func (s *Server) registerOrganizationRoutes(on onRoute) {
	b := s.backend
	on("POST", "/v1/organizations", operatorRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var in reconi.NewOrganization
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		o, err := b.RegisterOrganization(r.Context(), in)
		return http.StatusCreated, o, err
	})
	on("GET", "/v1/organizations", readRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		out, err := b.Organizations(r.Context())
		return http.StatusOK, out, err
	})
	on("GET", "/v1/organizations/{kvk}", readRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		o, err := b.Organization(r.Context(), reconi.KVK(r.PathValue("kvk")))
		return http.StatusOK, o, err
	})
}
