package client_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/client"
	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
)

// firstRead closes started once the server has read the first bytes of a
// request body.
type firstRead struct {
	io.ReadCloser
	once    *sync.Once
	started chan struct{}
}

func (f firstRead) Read(p []byte) (int, error) {
	n, err := f.ReadCloser.Read(p)
	if n > 0 {
		f.once.Do(func() { close(f.started) })
	}
	return n, err
}

// TestImportSendsAsItReads proves the client sends the CSV as it reads it: the
// rest of the file is only written once the server has received the start.
// A client that read the whole file before sending would wait forever.
func TestImportSendsAsItReads(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "reconi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	svc, err := service.New(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	const token = "rci_stream-test"
	api := httpapi.New(svc, localAccess{service.NewAccess(st, nil), token}, httpapi.Options{}).Handler()
	started := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = firstRead{r.Body, &once, started}
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	c, err := client.New(srv.URL, token, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	local := reconi.WithActor(ctx, reconi.Actor{Name: "t", Role: reconi.RoleLocal})
	if _, err := svc.RegisterOrganization(local, reconi.NewOrganization{KVK: "69599084", Name: "Test EMZ Dagobert"}); err != nil {
		t.Fatal(err)
	}
	draft, err := svc.CreateDraft(local, reconi.NewDraft{KVK: "69599084", Level: "EH3"})
	if err != nil {
		t.Fatal(err)
	}

	const rows = 20000
	pr, pw := io.Pipe()
	writeErr := make(chan error, 1)
	go func() {
		fmt.Fprintln(pw, "first_name,last_name,email,phone,employed")
		for i := range rows {
			if i == 100 {
				// Hold the rest back until the server has the start.
				select {
				case <-started:
				case <-time.After(10 * time.Second):
					pw.CloseWithError(fmt.Errorf("the server saw nothing of the first rows: the client buffers the file"))
					writeErr <- fmt.Errorf("timed out waiting for the server")
					return
				}
			}
			fmt.Fprintf(pw, "Jan,Jansen,jan%d@example.nl,+3161%07d,true\n", i, i)
		}
		writeErr <- pw.Close()
	}()
	res, err := c.ImportUsers(ctx, draft.ID, pr, reconi.ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if err := <-writeErr; err != nil {
		t.Fatal(err)
	}
	if res.Added != rows {
		t.Errorf("added %d, want %d", res.Added, rows)
	}
}
