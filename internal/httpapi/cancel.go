package httpapi

import (
	"net/http"
)

// registerCancelRoutes serves a manager stopping requests in progress.
func (s *Server) registerCancelRoutes(on onRoute) {
	on("POST", "/v1/applications/{id}/cancel", wizardRoute, withID(func(id int64, r *http.Request) (int, any, error) {
		var in struct {
			Email  string `json:"email"`
			Reason string `json:"reason"`
		}
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		a, err := s.backend.Cancel(r.Context(), id, in.Email, in.Reason)
		return http.StatusOK, a, err
	}))
}
