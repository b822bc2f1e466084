package httpapi

import (
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// registerMeansRoutes serves the issued means: the inventory, one means with
// its history, and withdrawal. Helpdesk may read them; the service refuses
// it a withdrawal.
func (s *Server) registerMeansRoutes(on onRoute) {
	on("GET", "/v1/means", readRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		f, err := meansFilter(r)
		if err != nil {
			return 0, nil, err
		}
		page, err := s.backend.ListMeans(r.Context(), f)
		return http.StatusOK, page, err
	})
	on("GET", "/v1/means/{ref}", readRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		out, err := s.backend.ShowMeans(r.Context(), r.PathValue("ref"), r.URL.Query().Get("kvk"))
		return http.StatusOK, out, err
	})
	on("POST", "/v1/means/withdraw", writeRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var in reconi.Withdrawal
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		res, err := s.backend.WithdrawMeans(r.Context(), in)
		return http.StatusOK, res, err
	})
}

// meansFilter reads the query of GET /v1/means.
func meansFilter(r *http.Request) (reconi.MeansFilter, error) {
	q := r.URL.Query()
	f := reconi.MeansFilter{KVK: q.Get("kvk"), Email: q.Get("email"), State: reconi.MeansState(q.Get("state")), Cursor: q.Get("cursor")}
	if v := q.Get("expiring_within"); v != "" {
		d, err := reconi.ParseWithin("expiring_within", v)
		if err != nil {
			return f, err
		}
		f.ExpiringWithin = d
	}
	var err error
	f.Limit, err = queryLimit(r)
	return f, err
}
