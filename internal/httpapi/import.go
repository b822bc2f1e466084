package httpapi

import (
	"errors"
	"io"
	"net/http"

	"github.com/reconi/reconi/internal/reconi"
)

// bodyReader turns a body that cannot be read (over its size limit, or
// malformed chunked encoding) into a domain error, which the importer
// passes on: a 400, not a 500.
type bodyReader struct{ r io.Reader }

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		return n, bodyError(err)
	}
	return n, err
}

// registerImportRoutes serves the CSV import. The CSV is streamed to the
// service as it arrives: one request, however many rows, validated with the
// same all-or-nothing rule.
func (s *Server) registerImportRoutes(on onRoute) {
	on("POST", "/v1/applications/{id}/users/import", endpoint{mutating: true, stream: true, act: reconi.ActWizard}, withID(func(id int64, r *http.Request) (int, any, error) {
		dry, err := queryBool(r, "dry_run")
		if err != nil {
			return 0, nil, err
		}
		res, err := s.backend.ImportUsers(r.Context(), id, &bodyReader{r.Body}, reconi.ImportOptions{DryRun: dry})
		return http.StatusOK, res, err
	}))
}
