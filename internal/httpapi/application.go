package httpapi

import (
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// registerApplicationRoutes serves the wizard's drafts: start one, read
// one, submit it.
func (s *Server) registerApplicationRoutes(on onRoute) {
	b := s.backend
	on("POST", "/v1/applications", wizardRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var in reconi.NewDraft
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		a, err := b.CreateDraft(r.Context(), in)
		return http.StatusCreated, a, err
	})
	on("GET", "/v1/applications/{id}", readRoute, withID(func(id int64, r *http.Request) (int, any, error) {
		a, err := b.Application(r.Context(), id)
		return http.StatusOK, a, err
	}))
	on("POST", "/v1/applications/{id}/submit", wizardRoute, withID(func(id int64, r *http.Request) (int, any, error) {
		var in reconi.Submission
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		a, err := b.Submit(r.Context(), id, in)
		return http.StatusOK, a, err
	}))
	// Discarding keeps the draft's history, so the draft is not deleted:
	// it is an action on it, like cancel.
	on("POST", "/v1/applications/{id}/discard", wizardRoute, withID(func(id int64, r *http.Request) (int, any, error) {
		var in struct {
			Reason string `json:"reason"`
		}
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		a, err := b.DiscardDraft(r.Context(), id, in.Reason)
		return http.StatusOK, a, err
	}))
}
