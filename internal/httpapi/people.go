package httpapi

import (
	"net/http"
)

// registerPeopleRoutes serves one person's view.
func (s *Server) registerPeopleRoutes(on onRoute) {
	on("GET", "/v1/people/{email}", readRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		p, err := s.backend.Person(r.Context(), r.PathValue("email"), r.URL.Query().Get("kvk"))
		return http.StatusOK, p, err
	})
}
