package httpapi

import (
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// registerRenewalRoutes serves renewal drafts of issued means: a manager's
// work, like the wizard's, submitted with POST /v1/applications/{id}/submit.
func (s *Server) registerRenewalRoutes(on onRoute) {
	on("POST", "/v1/renewals", wizardRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var in reconi.NewRenewal
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		a, err := s.backend.CreateRenewal(r.Context(), in)
		return http.StatusCreated, a, err
	})
}
