package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/notify"
	"github.com/reconi/reconi/internal/reconi"
)

// The whole path, from the partner's signed request to the user's new
// state, is tested in package service (TestIdentificationCallback); these
// tests cover the handler's own answers.

type applied struct {
	ref    string
	passed bool
	note   string
}

func TestIdentificationCallbackHandler(t *testing.T) {
	const secret = "from-partner"
	var calls []applied
	var applyErr error
	h := httpapi.IdentificationCallback(notify.Verifier(secret, nil, 0), func(ctx context.Context, ref string, passed bool, note string) error {
		calls = append(calls, applied{ref, passed, note})
		return applyErr
	})
	send := func(method, body string, sign bool) (*httptest.ResponseRecorder, httpapi.ErrorBody) {
		req := httptest.NewRequest(method, httpapi.CallbackPath, strings.NewReader(body))
		if sign {
			ts := time.Now().Unix()
			req.Header.Set(notify.HeaderTimestamp, strconv.FormatInt(ts, 10))
			req.Header.Set(notify.HeaderSignature, notify.Sign(secret, ts, []byte(body)))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var e httpapi.ErrorBody
		json.Unmarshal(rec.Body.Bytes(), &e)
		return rec, e
	}

	rec, _ := send("POST", `{"reference":"reconi-1-2","result":"passed","note":"in person"}`, true)
	if rec.Code != http.StatusOK || len(calls) != 1 || calls[0] != (applied{"reconi-1-2", true, "in person"}) {
		t.Fatalf("status %d, calls %+v", rec.Code, calls)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	rec, _ = send("POST", `{"reference":"reconi-1-2","result":"FAILED","extra":1}`, true)
	if rec.Code != http.StatusOK || calls[1] != (applied{"reconi-1-2", false, ""}) {
		t.Errorf("failed, with a field of the partner's own: status %d, calls %+v", rec.Code, calls)
	}

	calls = nil
	for _, c := range []struct {
		name   string
		method string
		body   string
		sign   bool
		status int
		kind   reconi.Kind
	}{
		{"unsigned", "POST", `{"reference":"r","result":"passed"}`, false, 401, reconi.KindUnauthorized},
		{"not JSON", "POST", `reference=r`, true, 400, reconi.KindInvalid},
		{"two values", "POST", `{"reference":"r","result":"passed"}{}`, true, 400, reconi.KindInvalid},
		{"no reference", "POST", `{"result":"passed"}`, true, 400, reconi.KindInvalid},
		{"unknown result", "POST", `{"reference":"r","result":"ok"}`, true, 400, reconi.KindInvalid},
		{"GET", "GET", ``, true, 405, reconi.KindInvalid},
		{"too large", "POST", `{"reference":"r","result":"passed","note":"` + strings.Repeat("x", 70<<10) + `"}`, true, 413, reconi.KindInvalid},
	} {
		rec, e := send(c.method, c.body, c.sign)
		if rec.Code != c.status || e.Error.Kind != c.kind {
			t.Errorf("%s: status %d kind %q, want %d %q (%s)", c.name, rec.Code, e.Error.Kind, c.status, c.kind, rec.Body)
		}
	}
	if len(calls) != 0 {
		t.Errorf("refused requests were applied: %+v", calls)
	}

	// apply's errors keep their kind; unclassified ones say nothing more.
	for _, c := range []struct {
		err    error
		status int
	}{
		{reconi.Errorf(reconi.KindNotFound, "identification not found"), 404},
		{reconi.Errorf(reconi.KindConflict, "not waiting"), 409},
		{errors.New("database: disk I/O error"), 500},
	} {
		applyErr = c.err
		rec, e := send("POST", `{"reference":"r","result":"passed"}`, true)
		if rec.Code != c.status {
			t.Errorf("%v: status %d, want %d", c.err, rec.Code, c.status)
		}
		if strings.Contains(e.Error.Message, "disk") {
			t.Errorf("an internal error leaked: %s", e.Error.Message)
		}
	}
}
