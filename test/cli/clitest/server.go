package clitest

import (
	"context"
	"net/http/httptest"
	"time"

	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// Serve serves the sandbox's database over HTTP, as reconi serve would, and
// returns the server's URL and a token for each of tokens, in order. Runs
// given Remote(url, token) as their Env then talk to it.
func (s *Sandbox) Serve(tokens ...service.NewToken) (url string, secrets []string) {
	s.t.Helper()
	ctx := reconi.WithActor(context.Background(), reconi.Actor{Name: "server", Role: reconi.RoleLocal})
	s.CreateDatabase()
	st, err := sqlite.Open(ctx, s.DB)
	if err != nil {
		s.t.Fatal(err)
	}
	s.t.Cleanup(func() { st.Close() })
	svc, err := service.New(ctx, st)
	if err != nil {
		s.t.Fatal(err)
	}
	access := service.NewAccess(st, time.Now)
	for _, tok := range tokens {
		secret, _, err := access.CreateToken(ctx, tok)
		if err != nil {
			s.t.Fatal(err)
		}
		secrets = append(secrets, secret)
	}
	ts := httptest.NewServer(httpapi.New(svc, access, httpapi.Options{}).Handler())
	s.t.Cleanup(ts.Close)
	return ts.URL, secrets
}

// Remote is the environment of a run against server url with token.
func Remote(url, token string) Options {
	return Options{Env: map[string]string{"RECONI_SERVER": url, "RECONI_TOKEN": token}}
}

// UseServer serves the sandbox's database as Serve does and points every
// later run at it, with a manager's token for the example organisation.
func (s *Sandbox) UseServer() {
	s.t.Helper()
	url, secrets := s.Serve(service.NewToken{Name: "ci", Role: "manager", Orgs: []string{KVK}})
	s.Setenv("RECONI_SERVER", url)
	s.Setenv("RECONI_TOKEN", secrets[0])
}
