package httpapi

import (
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// registerUserRoutes serves a draft's users and the users lists.
func (s *Server) registerUserRoutes(on onRoute) {
	b := s.backend
	on("POST", "/v1/applications/{id}/users", wizardRoute, withID(func(id int64, r *http.Request) (int, any, error) {
		var in reconi.NewUser
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		u, err := b.AddUser(r.Context(), id, in)
		return http.StatusCreated, u, err
	}))
	on("DELETE", "/v1/applications/{id}/users/{email}", wizardRoute, withID(func(id int64, r *http.Request) (int, any, error) {
		return http.StatusOK, map[string]string{"removed": r.PathValue("email")}, b.RemoveUser(r.Context(), id, r.PathValue("email"))
	}))
	on("GET", "/v1/users", readRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		q := r.URL.Query()
		f := reconi.UserFilter{KVK: q.Get("kvk"), Cursor: q.Get("cursor")}
		var err error
		if f.Limit, err = queryLimit(r); err != nil {
			return 0, nil, err
		}
		if v := q.Get("application_id"); v != "" {
			id, err := queryID("application_id", v)
			if err != nil {
				return 0, nil, err
			}
			f.ApplicationID = id
		}
		page, err := b.Users(r.Context(), f)
		return http.StatusOK, page, err
	})
}
