package httpapi

import (
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// registerGrantRoutes serves changes to the permissions of issued means:
// grants are drafts (a manager's, submitted with POST
// /v1/applications/{id}/submit); withdrawals are immediate, for managers
// and operators, as withdrawing a means is.
func (s *Server) registerGrantRoutes(on onRoute) {
	on("POST", "/v1/grants", wizardRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var in reconi.NewGrant
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		a, err := s.backend.CreateGrant(r.Context(), in)
		return http.StatusCreated, a, err
	})
	on("POST", "/v1/permissions/withdraw", writeRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var in reconi.PermissionWithdrawal
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		res, err := s.backend.WithdrawPermissions(r.Context(), in)
		return http.StatusOK, res, err
	})
}
