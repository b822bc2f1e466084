package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/reconi/reconi/internal/reconi"
)

// Route is one endpoint of the API, listed for the OpenAPI check.
type Route struct{ Method, Path string }

// Routes lists every /v1 endpoint; docs/openapi.yaml must describe each.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routeList...) }

func (s *Server) routes() []Route {
	var list []Route
	on := func(method, path string, e endpoint, h handler) {
		list = append(list, Route{method, path})
		s.handle(method+" "+path, e, h)
	}
	read := endpoint{}
	write := endpoint{mutating: true}
	b := s.backend

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

	on("GET", "/v1/whoami", read, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		a, err := b.Whoami(r.Context())
		return http.StatusOK, a, err
	})

	// The organisation register.
	on("POST", "/v1/organizations", write, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var in reconi.NewOrganization
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		o, err := b.RegisterOrganization(r.Context(), in)
		return http.StatusCreated, o, err
	})
	on("GET", "/v1/organizations", read, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		out, err := b.Organizations(r.Context())
		return http.StatusOK, out, err
	})
	on("GET", "/v1/organizations/{kvk}", read, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		o, err := b.Organization(r.Context(), reconi.KVK(r.PathValue("kvk")))
		return http.StatusOK, o, err
	})

	// The catalogue, prices and terms.
	on("GET", "/v1/services", read, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		q := r.URL.Query()
		out, err := b.Services(r.Context(), reconi.ServiceFilter{Level: q.Get("level"), Provider: q.Get("provider")})
		return http.StatusOK, out, err
	})
	on("PUT", "/v1/catalogue", write, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var c reconi.Catalogue
		if err := decode(r, &c); err != nil {
			return 0, nil, err
		}
		return http.StatusOK, map[string]int{"providers": len(c.Providers), "services": len(c.Services)}, b.LoadCatalogue(r.Context(), c)
	})
	on("GET", "/v1/prices", read, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		p, err := b.PriceList(r.Context())
		return http.StatusOK, p, err
	})
	on("PUT", "/v1/prices", write, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var p reconi.PriceList
		if err := decode(r, &p); err != nil {
			return 0, nil, err
		}
		return http.StatusOK, p, b.LoadPriceList(r.Context(), p)
	})
	on("GET", "/v1/terms", read, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		t, err := b.Terms(r.Context())
		return http.StatusOK, t, err
	})

	// The wizard.
	on("POST", "/v1/applications", write, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var in reconi.NewDraft
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		a, err := b.CreateDraft(r.Context(), in)
		return http.StatusCreated, a, err
	})
	on("GET", "/v1/applications", read, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		q := r.URL.Query()
		out, err := b.Applications(r.Context(), reconi.ApplicationFilter{KVK: q.Get("kvk"), State: q.Get("state"), Email: q.Get("email")})
		return http.StatusOK, out, err
	})
	on("GET", "/v1/applications/{id}", read, withID(func(id int64, r *http.Request) (int, any, error) {
		a, err := b.Application(r.Context(), id)
		return http.StatusOK, a, err
	}))
	on("GET", "/v1/applications/{id}/history", read, withID(func(id int64, r *http.Request) (int, any, error) {
		ev, err := b.History(r.Context(), id)
		return http.StatusOK, ev, err
	}))
	on("POST", "/v1/applications/{id}/users", write, withID(func(id int64, r *http.Request) (int, any, error) {
		var in reconi.NewUser
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		u, err := b.AddUser(r.Context(), id, in)
		return http.StatusCreated, u, err
	}))
	// The CSV is streamed to the service as it arrives: one request, however
	// many rows, validated with the same all-or-nothing rule.
	on("POST", "/v1/applications/{id}/users/import", endpoint{mutating: true, stream: true}, withID(func(id int64, r *http.Request) (int, any, error) {
		dry, err := queryBool(r, "dry_run")
		if err != nil {
			return 0, nil, err
		}
		res, err := b.ImportUsers(r.Context(), id, &bodyReader{r.Body}, reconi.ImportOptions{DryRun: dry})
		return http.StatusOK, res, err
	}))
	on("DELETE", "/v1/applications/{id}/users/{email}", write, withID(func(id int64, r *http.Request) (int, any, error) {
		return http.StatusOK, map[string]string{"removed": r.PathValue("email")}, b.RemoveUser(r.Context(), id, r.PathValue("email"))
	}))
	on("PUT", "/v1/applications/{id}/permissions", write, withID(func(id int64, r *http.Request) (int, any, error) {
		var in reconi.PermissionsInput
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		a, err := b.SetPermissions(r.Context(), id, in)
		return http.StatusOK, a, err
	}))
	on("POST", "/v1/applications/{id}/submit", write, withID(func(id int64, r *http.Request) (int, any, error) {
		var in reconi.Submission
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		a, err := b.Submit(r.Context(), id, in)
		return http.StatusOK, a, err
	}))
	// The user's side: the invitation token is the credential.
	public := endpoint{public: true}
	invite := func(step func(ctx context.Context, token string) (*reconi.Invitation, error)) handler {
		return func(w http.ResponseWriter, r *http.Request) (int, any, error) {
			inv, err := step(r.Context(), r.PathValue("token"))
			return http.StatusOK, inv, err
		}
	}
	on("GET", "/v1/invitations/{token}", public, invite(b.Invitation))
	on("POST", "/v1/invitations/{token}/confirm", public, invite(b.ConfirmDetails))
	on("POST", "/v1/invitations/{token}/send-code", public, invite(b.SendCode))
	on("POST", "/v1/invitations/{token}/verify", public, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var in struct {
			Code string `json:"code"`
		}
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		inv, err := b.VerifyCode(r.Context(), r.PathValue("token"), in.Code)
		return http.StatusOK, inv, err
	})
	on("POST", "/v1/invitations/{token}/order", public, invite(b.Order))

	// Operators: identification results and the final check.
	on("POST", "/v1/users/{id}/identification", write, withID(func(id int64, r *http.Request) (int, any, error) {
		var in struct {
			Result string `json:"result"`
			Note   string `json:"note"`
		}
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		if in.Result != "passed" && in.Result != "failed" {
			return 0, nil, reconi.Invalid("result", "%q is not a result: want passed or failed", in.Result)
		}
		u, err := b.CompleteIdentification(r.Context(), id, in.Result == "passed", in.Note)
		return http.StatusOK, u, err
	}))
	on("GET", "/v1/reviews", read, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		out, err := b.Reviews(r.Context())
		return http.StatusOK, out, err
	})
	on("POST", "/v1/users/{id}/approve", write, withID(func(id int64, r *http.Request) (int, any, error) {
		u, err := b.Approve(r.Context(), id)
		return http.StatusOK, u, err
	}))
	on("POST", "/v1/users/{id}/reject", write, withID(func(id int64, r *http.Request) (int, any, error) {
		var in struct {
			Reason string `json:"reason"`
		}
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		u, err := b.Reject(r.Context(), id, in.Reason)
		return http.StatusOK, u, err
	}))
	on("POST", "/v1/applications/{id}/cancel", write, withID(func(id int64, r *http.Request) (int, any, error) {
		var in struct {
			Email  string `json:"email"`
			Reason string `json:"reason"`
		}
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		a, err := b.Cancel(r.Context(), id, in.Email, in.Reason)
		return http.StatusOK, a, err
	}))
	on("GET", "/v1/outbox", read, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		q := r.URL.Query()
		f := reconi.OutboxFilter{To: q.Get("to"), Channel: q.Get("channel"), State: q.Get("state")}
		if v := q.Get("application_id"); v != "" {
			id, err := queryID("application_id", v)
			if err != nil {
				return 0, nil, err
			}
			f.ApplicationID = id
		}
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return 0, nil, reconi.Invalid("limit", "%q is not a count", v)
			}
			f.Limit = n
		}
		out, err := b.Outbox(r.Context(), f)
		return http.StatusOK, out, err
	})
	on("POST", "/v1/outbox/retry", write, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		var in struct {
			IDs []int64 `json:"ids"`
		}
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		out, err := b.RetryMessages(r.Context(), in.IDs)
		return http.StatusOK, out, err
	})
	on("GET", "/v1/outbox/{id}", read, withID(func(id int64, r *http.Request) (int, any, error) {
		m, err := b.Message(r.Context(), id)
		return http.StatusOK, m, err
	}))

	on("GET", "/v1/users", read, func(w http.ResponseWriter, r *http.Request) (int, any, error) {
		q := r.URL.Query()
		f := reconi.UserFilter{KVK: q.Get("kvk")}
		if v := q.Get("application_id"); v != "" {
			id, err := queryID("application_id", v)
			if err != nil {
				return 0, nil, err
			}
			f.ApplicationID = id
		}
		out, err := b.Users(r.Context(), f)
		return http.StatusOK, out, err
	})
	return list
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
		return 0, reconi.Errorf(reconi.KindNotFound, "%q not found: IDs are whole numbers above 0", s)
	}
	return id, nil
}

// queryID reads an ID query parameter; a malformed one is a bad request.
func queryID(name, v string) (int64, error) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, reconi.Invalid(name, "%q is not an ID: want a whole number above 0", v)
	}
	return id, nil
}

func queryBool(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, reconi.Invalid(name, "%q is not true or false", v)
	}
	return b, nil
}

// bodyReader turns a body over its size limit into a domain error, which
// the importer passes on.
type bodyReader struct{ r io.Reader }

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return n, bodyError(err)
	}
	return n, err
}
