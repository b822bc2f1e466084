package httpapi

import (
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// registerCatalogueRoutes serves the service catalogue.
func (s *Server) registerCatalogueRoutes(on onRoute) {
	b := s.backend
	on("GET", "/v1/services", readRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		q := r.URL.Query()
		out, err := b.Services(r.Context(), reconi.ServiceFilter{Level: q.Get("level"), Provider: q.Get("provider")})
		return http.StatusOK, out, err
	})
	on("PUT", "/v1/catalogue", operatorRoute, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var c reconi.Catalogue
		if err := decode(r, &c); err != nil {
			return 0, nil, err
		}
		return http.StatusOK, map[string]int{"providers": len(c.Providers), "services": len(c.Services)}, b.LoadCatalogue(r.Context(), c)
	})
}
