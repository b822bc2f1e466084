package httpapi

import (
	"net/http"
	"strconv"

	"github.com/reconi/reconi/internal/reconi"
)

// Route is one endpoint of the API, listed for the OpenAPI check.
type Route struct{ Method, Path string }

// Routes lists every /v1 endpoint; docs/openapi.yaml must describe each.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routeList...) }

// onRoute registers one /v1 endpoint. Each noun's file registers its own
// routes with it, in a register...Routes method.
type onRoute func(method, path string, e endpoint, h handler)

// How a route is guarded; import streams its body (see import.go).
var (
	readRoute = endpoint{}
	// writeRoute changes something: a helpdesk token, which changes
	// nothing, is refused before the body is read; the service checks the
	// rest. Prefer wizardRoute or operatorRoute, which check the role then.
	writeRoute    = endpoint{mutating: true}
	wizardRoute   = endpoint{mutating: true, act: reconi.ActWizard}
	operatorRoute = endpoint{mutating: true, act: reconi.ActOperator}
	// publicRoute needs no API token: the invitation token in the path is
	// the user's credential.
	publicRoute = endpoint{public: true}
)

// routes registers every endpoint, noun by noun, and returns the /v1 ones.
func (s *Server) routes() []Route {
	var list []Route
	on := func(method, path string, e endpoint, h handler) {
		list = append(list, Route{method, path})
		s.handle(method+" "+path, e, h)
	}
	s.registerHealthRoutes()
	for _, register := range []func(onRoute){
		s.registerActorRoutes,
		s.registerOrganizationRoutes,
		s.registerCatalogueRoutes,
		s.registerPriceRoutes,
		s.registerTermsRoutes,
		s.registerApplicationRoutes,
		s.registerStatusRoutes,
		s.registerHistoryRoutes,
		s.registerUserRoutes,
		s.registerPeopleRoutes,
		s.registerImportRoutes,
		s.registerPermissionRoutes,
		s.registerInvitationRoutes,
		s.registerCodeRoutes,
		s.registerIdentificationRoutes,
		s.registerReviewRoutes,
		s.registerCancelRoutes,
		s.registerOutboxRoutes,
		s.registerMeansRoutes,
		s.registerRenewalRoutes,
		s.registerGrantRoutes,
		s.registerLinkRoutes,
	} {
		register(on)
	}
	return list
}

// registerHealthRoutes serves the probes, outside /v1 and without a token.
func (s *Server) registerHealthRoutes() {
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Ready != nil {
			if err := s.opts.Ready(r.Context()); err != nil {
				s.opts.Logger.Warn("not ready", "err", err)
				writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
				return
			}
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	})
}

func withID(h func(id int64, r *http.Request) (int, any, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		id, err := parseID(r.PathValue("id"))
		if err != nil {
			return 0, nil, err
		}
		return h(id, r)
	}
}

// parseID reads the {id} of a path: one that is not a number names nothing
// (the route serves applications, users and messages alike).
func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, reconi.Errorf(reconi.KindNotFound, "%q not found: IDs are whole numbers above 0", reconi.Excerpt(s))
	}
	return id, nil
}

// queryID reads an ID query parameter; a malformed one is a bad request.
func queryID(name, v string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, reconi.Invalid(name, "%q is not an ID: want a whole number above 0", reconi.Excerpt(v))
	}
	return id, nil
}

// queryLimit reads the limit of a paged list; "" is 0, the default page.
func queryLimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, reconi.Invalid("limit", "%q is not a number: want 1 to %d", reconi.Excerpt(v), reconi.MaxPageSize)
	}
	return n, nil
}

func queryBool(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, reconi.Invalid(name, "%q is not true or false", reconi.Excerpt(v))
	}
	return b, nil
}
