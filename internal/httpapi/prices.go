package httpapi

import (
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// registerPriceRoutes serves the price list.
func (s *Server) registerPriceRoutes(on onRoute) {
	b := s.backend
	on("GET", "/v1/prices", readRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		p, err := b.PriceList(r.Context())
		return http.StatusOK, p, err
	})
	on("PUT", "/v1/prices", operatorRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var p reconi.PriceList
		if err := decode(r, &p); err != nil {
			return 0, nil, err
		}
		return http.StatusOK, p, b.LoadPriceList(r.Context(), p)
	})
}
