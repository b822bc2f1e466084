package httpapi

import (
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// registerPermissionRoutes serves wizard step 9.
func (s *Server) registerPermissionRoutes(on onRoute) {
	on("PUT", "/v1/applications/{id}/permissions", wizardRoute, withID(func(id int64, r *http.Request) (int, any, error) {
		var in reconi.PermissionsInput
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		a, err := s.backend.SetPermissions(r.Context(), id, in)
		return http.StatusOK, a, err
	}))
}
