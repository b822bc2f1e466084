package httpapi

import (
	"net/http"
)

// registerCodeRoutes serves the SMS code of the user's side: send one,
// check it.
func (s *Server) registerCodeRoutes(on onRoute) {
	b := s.backend
	on("POST", "/v1/invitations/{token}/send-code", publicRoute, invitationStep(b.SendCode))
	on("POST", "/v1/invitations/{token}/verify", publicRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var in struct {
			Code string `json:"code"`
		}
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		inv, err := b.VerifyCode(r.Context(), r.PathValue("token"), in.Code)
		return http.StatusOK, inv, err
	})
}
