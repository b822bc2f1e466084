package httpapi

import (
	"net/http"
)

// registerReviewRoutes serves the operator's final check.
func (s *Server) registerReviewRoutes(on onRoute) {
	b := s.backend
	on("GET", "/v1/reviews", readRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		out, err := b.Reviews(r.Context())
		return http.StatusOK, out, err
	})
	on("POST", "/v1/users/{id}/approve", operatorRoute, withID(func(id int64, r *http.Request) (int, any, error) {
		u, err := b.Approve(r.Context(), id)
		return http.StatusOK, u, err
	}))
	on("POST", "/v1/users/{id}/reject", operatorRoute, withID(func(id int64, r *http.Request) (int, any, error) {
		var in struct {
			Reason string `json:"reason"`
		}
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		u, err := b.Reject(r.Context(), id, in.Reason)
		return http.StatusOK, u, err
	}))
}
