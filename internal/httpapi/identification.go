package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/reconi/reconi/internal/reconi"
)

// CallbackPath is where serve receives the identification partner's
// results.
const CallbackPath = "/v1/identifications/callback"

// callbackMaxBytes limits a callback body: a reference, a result and a note.
const callbackMaxBytes = 64 << 10

// IdentificationCallbackBody is what the partner posts.
type IdentificationCallbackBody struct {
	Reference string `json:"reference"`
	// Result is passed or failed.
	Result string `json:"result"`
	Note   string `json:"note,omitempty"`
}

// IdentificationCallback receives the identification partner's signed
// results. verify checks the X-Reconi-Signature and X-Reconi-Timestamp
// headers against the raw body (notify.Verifier); apply records the result
// (Service.IdentificationResult). A bad or missing signature, or a
// timestamp outside the window, is 401 before the body is read as JSON; a
// body that is not the expected JSON is 400; apply's errors keep their
// kind's status. The body is never logged: it names a person.
func IdentificationCallback(verify func(header, timestamp string, body []byte) error,
	apply func(ctx context.Context, reference string, passed bool, note string) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetLogRoute(r, "POST "+CallbackPath)
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeJSON(w, http.StatusMethodNotAllowed, ErrorBody{Error: *reconi.Errorf(reconi.KindInvalid, "use POST")})
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, callbackMaxBytes))
		if err != nil {
			status := http.StatusBadRequest
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				status = http.StatusRequestEntityTooLarge
			}
			writeJSON(w, status, ErrorBody{Error: *reconi.Errorf(reconi.KindInvalid, "%s", reconi.ErrorMessage(bodyError(err)))})
			return
		}
		if err := verify(r.Header.Get("X-Reconi-Signature"), r.Header.Get("X-Reconi-Timestamp"), body); err != nil {
			writeJSON(w, http.StatusUnauthorized, ErrorBody{Error: *reconi.Errorf(reconi.KindUnauthorized,
				"the callback is not signed with the callback secret, or its timestamp is too old or too new: %v", err)})
			return
		}
		var in IdentificationCallbackBody
		dec := json.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(&in); err != nil || dec.More() {
			writeJSON(w, http.StatusBadRequest, ErrorBody{Error: *reconi.Errorf(reconi.KindInvalid,
				`the body must be one JSON object {"reference", "result", "note"}`)})
			return
		}
		var passed bool
		switch strings.ToLower(strings.TrimSpace(in.Result)) {
		case "passed":
			passed = true
		case "failed":
		default:
			writeJSON(w, http.StatusBadRequest, ErrorBody{Error: *reconi.Invalid("result", "%q is not a result: want passed or failed", reconi.Excerpt(in.Result))})
			return
		}
		if strings.TrimSpace(in.Reference) == "" {
			writeJSON(w, http.StatusBadRequest, ErrorBody{Error: *reconi.Invalid("reference", "is empty")})
			return
		}
		if err := apply(r.Context(), in.Reference, passed, in.Note); err != nil {
			var e *reconi.Error
			if !errors.As(err, &e) {
				// The cause is apply's to log; the partner learns only
				// that trying again may help.
				e = reconi.Errorf(reconi.KindInternal, "internal server error: try again later")
			}
			writeJSON(w, StatusOf(e.Kind), ErrorBody{Error: *e})
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"reference": in.Reference, "result": strings.ToLower(strings.TrimSpace(in.Result))})
	})
}

// registerIdentificationRoutes serves an operator's identification results;
// the partner's own results arrive at IdentificationCallback.
func (s *Server) registerIdentificationRoutes(on onRoute) {
	on("POST", "/v1/users/{id}/identification", operatorRoute, withID(func(id int64, r *http.Request) (int, any, error) {
		var in struct {
			Result string `json:"result"`
			Note   string `json:"note"`
		}
		if err := decode(r, &in); err != nil {
			return 0, nil, err
		}
		if in.Result != "passed" && in.Result != "failed" {
			return 0, nil, reconi.Invalid("result", "%q is not a result: want passed or failed", reconi.Excerpt(in.Result))
		}
		u, err := s.backend.CompleteIdentification(r.Context(), id, in.Result == "passed", in.Note)
		return http.StatusOK, u, err
	}))
}
