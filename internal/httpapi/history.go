package httpapi

import (
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// registerHistoryRoutes serves an application's recorded changes.
func (s *Server) registerHistoryRoutes(on onRoute) {
	on("GET", "/v1/applications/{id}/history", readRoute, withID(func(id int64, r *http.Request) (int, any, error) {
		f := reconi.HistoryFilter{ApplicationID: id, Cursor: r.URL.Query().Get("cursor")}
		var err error
		if f.Limit, err = queryLimit(r); err != nil {
			return 0, nil, err
		}
		page, err := s.backend.History(r.Context(), f)
		return http.StatusOK, page, err
	}))
}
