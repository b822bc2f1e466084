package httpapi

import (
	"context"
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// registerInvitationRoutes serves the user's side, where the invitation
// token in the path is the credential, and the helpdesk's and manager's
// fixes of an invitation.
func (s *Server) registerInvitationRoutes(on onRoute) {
	b := s.backend
	on("GET", "/v1/invitations/{token}", publicRoute, invitationStep(b.Invitation))
	on("POST", "/v1/invitations/{token}/confirm", publicRoute, invitationStep(b.ConfirmDetails))
	on("POST", "/v1/invitations/{token}/order", publicRoute, invitationStep(b.Order))
	on("POST", "/v1/applications/{id}/users/{email}/resend", endpoint{mutating: true, act: reconi.ActResend},
		withID(func(id int64, r *http.Request) (int, any, error) {
			var in struct {
				NewLink bool `json:"new_link"`
			}
			if err := decode(r, &in); err != nil {
				return 0, nil, err
			}
			u, err := b.ResendInvitation(r.Context(), id, r.PathValue("email"), in.NewLink)
			return http.StatusOK, u, err
		}))
	on("PATCH", "/v1/applications/{id}/users/{email}", endpoint{mutating: true, act: reconi.ActCorrect},
		withID(func(id int64, r *http.Request) (int, any, error) {
			var in reconi.UserUpdate
			if err := decode(r, &in); err != nil {
				return 0, nil, err
			}
			u, err := b.UpdateUser(r.Context(), id, r.PathValue("email"), in)
			return http.StatusOK, u, err
		}))
}

// invitationStep serves one of the user's steps that takes only the token.
func invitationStep(step func(ctx context.Context, token string) (*reconi.Invitation, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		inv, err := step(r.Context(), r.PathValue("token"))
		return http.StatusOK, inv, err
	}
}
