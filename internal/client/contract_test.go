package client_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/backendtest"
	"github.com/reconi/reconi/internal/client"
	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// localAccess is the server's real Access (tokens, idempotency records in
// the database) except that one token stands for the embedded RoleLocal
// actor: no real token has a role that both runs the wizard and keeps the
// broker's data, which the suite needs.
type localAccess struct {
	*service.Access
	token string
}

func (a localAccess) Authenticate(ctx context.Context, token string) (reconi.Actor, int64, error) {
	if token == a.token {
		return reconi.Actor{Name: "contract-suite", Role: reconi.RoleLocal}, 1, nil
	}
	return a.Access.Authenticate(ctx, token)
}

// TestBackendContractOverHTTP runs the Backend contract suite against the
// client talking to an in-process server over the service on SQLite: the
// same assertions as the embedded run, so both modes fail alike.
func TestBackendContractOverHTTP(t *testing.T) {
	backendtest.Run(t, func(t *testing.T, now func() time.Time) backendtest.Harness {
		ctx := context.Background()
		st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "reconi.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		svc, err := service.New(ctx, st, service.WithClock(now))
		if err != nil {
			t.Fatal(err)
		}
		const token = "rci_contract-suite"
		srv := httptest.NewServer(httpapi.New(svc, localAccess{service.NewAccess(st, now), token}, httpapi.Options{}).Handler())
		t.Cleanup(srv.Close)
		c, err := client.New(srv.URL, token, client.Options{Retries: 1, MinWait: time.Millisecond, MaxWait: time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		return backendtest.Harness{Backend: c, Ctx: ctx, SweepMeans: svc.SweepMeans}
	})
}
