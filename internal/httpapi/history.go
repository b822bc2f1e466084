package httpapi

import (
	"net/http"
)

// registerHistoryRoutes serves an application's recorded changes.
func (s *Server) registerHistoryRoutes(on onRoute) {
	on("GET", "/v1/applications/{id}/history", readRoute, withID(func(id int64, r *http.Request) (int, any, error) {
		ev, err := s.backend.History(r.Context(), id)
		return http.StatusOK, ev, err
	}))
}
