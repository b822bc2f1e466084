package httpapi

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

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

// JSONLines is the content type of an import of rows (ImportUserRows): one
// JSON object, a reconi.UserRow, a line.
const JSONLines = "application/x-ndjson"

// maxRowLine is the longest line of a JSON-lines import: a user is a few
// hundred bytes.
const maxRowLine = 64 << 10

// registerImportRoutes serves the import. The body, CSV or JSON lines (its
// Content-Type says which), is streamed to the service as it arrives: one
// request, however many rows, validated with the same all-or-nothing rule.
func (s *Server) registerImportRoutes(on onRoute) {
	on("POST", "/v1/applications/{id}/users/import", endpoint{mutating: true, stream: true, act: reconi.ActWizard}, withID(func(id int64, r *http.Request) (int, any, error) {
		dry, err := queryBool(r, "dry_run")
		if err != nil {
			return 0, nil, err
		}
		skip, err := queryBool(r, "skip_existing")
		if err != nil {
			return 0, nil, err
		}
		opt := reconi.ImportOptions{DryRun: dry, SkipExisting: skip}
		body := &bodyReader{r.Body}
		var res *reconi.ImportResult
		if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == JSONLines {
			res, err = s.backend.ImportUserRows(r.Context(), id, jsonRows(body), opt)
		} else {
			res, err = s.backend.ImportUsers(r.Context(), id, body, opt)
		}
		return http.StatusOK, res, err
	}))
}

// jsonRows reads a JSON-lines body, one row a line. A line that is not a
// user's JSON object is a bad row, reported with the others; a line
// longer than maxRowLine ends the body.
func jsonRows(r io.Reader) reconi.UserRows {
	return func(yield func(reconi.UserRow, error) bool) {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, 4096), maxRowLine)
		line := 0
		for sc.Scan() {
			line++
			var row reconi.UserRow
			if err := decodeRow(sc.Bytes(), &row); err != nil {
				err = &reconi.Error{Kind: reconi.KindInvalid, Message: "bad row",
					Rows: []reconi.RowError{{Line: line, Field: "row", Message: err.Error()}}}
				if !yield(reconi.UserRow{}, err) {
					return
				}
				continue
			}
			if !yield(row, nil) {
				return
			}
		}
		err := sc.Err()
		if errors.Is(err, bufio.ErrTooLong) {
			err = reconi.Errorf(reconi.KindInvalid, "line %d is longer than %d KiB: want one user a line", line+1, maxRowLine>>10)
		}
		if err != nil {
			yield(reconi.UserRow{}, err)
		}
	}
}

// decodeRow reads one line's row, refusing unknown fields and trailing data.
func decodeRow(line []byte, row *reconi.UserRow) error {
	if len(bytes.TrimSpace(line)) == 0 {
		return errors.New("is empty: want one JSON object a line")
	}
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(row); err != nil {
		return errors.New("is not a user's JSON object: " + strings.TrimPrefix(err.Error(), "json: "))
	}
	if dec.More() {
		return errors.New("has more than one JSON value: want one JSON object a line")
	}
	return nil
}
