package httpapi

import (
	"context"
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// registerInvitationRoutes serves the user's side: the invitation token in
// the path is the credential.
func (s *Server) registerInvitationRoutes(on onRoute) {
	b := s.backend
	on("GET", "/v1/invitations/{token}", publicRoute, invitationStep(b.Invitation))
	on("POST", "/v1/invitations/{token}/confirm", publicRoute, invitationStep(b.ConfirmDetails))
	on("POST", "/v1/invitations/{token}/order", publicRoute, invitationStep(b.Order))
}

// invitationStep serves one of the user's steps that takes only the token.
func invitationStep(step func(ctx context.Context, token string) (*reconi.Invitation, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		inv, err := step(r.Context(), r.PathValue("token"))
		return http.StatusOK, inv, err
	}
}
