package cli_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/cmd/factory"
	"github.com/reconi/reconi/cmd/serve"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/output"
)

// TestServeMetrics: with --metrics-listen, /metrics on its own listener (not
// the API's) counts requests by route pattern and status, imports, the
// outbox by state and the sweeps, and no label holds a token, an email or a
// path.
func TestServeMetrics(t *testing.T) {
	getenv, draft, token := seeded(t)
	ctx := context.Background()

	ios, _, _, _ := output.Test()
	f := factory.New(ctx, ios, getenv)
	f.Config = func() (*config.Config, error) { return config.Load("", "", nil, getenv) }
	defer f.Close()
	addrc, maddrc := make(chan string, 1), make(chan string, 1)
	opts := &serve.Options{IO: ios, Config: f.Config, Now: f.Now, Store: f.Store, Local: f.Local, Senders: f.Senders, Addr: "127.0.0.1:0", LogFormat: "json",
		MaxBodyBytes: 1 << 20, MaxImportBytes: 1 << 30, ReadTimeout: time.Minute, WriteTimeout: time.Minute,
		IdleTimeout: time.Minute, ShutdownGrace: 30 * time.Second, MetricsListen: "127.0.0.1:0",
		Listening: func(addr string) { addrc <- addr }, MetricsListening: func(addr string) { maddrc <- addr }}
	runCtx, stop := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() { ran <- serve.Run(runCtx, opts) }()
	defer func() {
		stop()
		if err := <-ran; err != nil {
			t.Errorf("serve: %v", err)
		}
	}()
	var api, mets string
	for api == "" || mets == "" {
		select {
		case api = <-addrc:
		case mets = <-maddrc:
		case err := <-ran:
			t.Fatalf("serve stopped before listening: %v", err)
		}
	}
	if api == mets {
		t.Fatalf("metrics on the API's address %s", api)
	}

	call := func(method, path, tok, body string) int {
		t.Helper()
		req, err := http.NewRequest(method, "http://"+api+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		if body != "" {
			req.Header.Set("Content-Type", "text/csv")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	id := strconv.FormatInt(draft.ID, 10)
	csv := "first_name,last_name,email,phone,employed\nJan,Jansen,jan@example.nl,06 12345678,ja\nPiet,Pietersen,piet@example.nl,06 12345679,nee\n"
	for _, c := range []struct {
		method, path, tok, body string
		want                    int
	}{
		{"GET", "/v1/applications/" + id, token, "", 200},
		{"GET", "/v1/applications/" + id, token, "", 200},
		{"GET", "/v1/applications/99999", token, "", 404},
		{"GET", "/v1/applications/" + id, "rci_notarealtokenatall", "", 401},
		{"POST", "/v1/applications/" + id + "/users/import", token, csv, 200},
		{"GET", "/v1/people/jan@example.nl", token, "", 200},
		{"GET", "/v1/no-such/" + token + "/jan@example.nl", "", "", 404},
		{"GET", "/metrics", "", "", 404}, // not on the API's listener
	} {
		if got := call(c.method, c.path, c.tok, c.body); got != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, got, c.want)
		}
	}

	// The first sweeps run at start, beside the requests: scrape until they
	// are counted (a busy machine may take a moment), then check it all.
	var text string
	var series map[string]float64
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		text, series = scrape(t, "http://"+mets+"/metrics")
		swept := 0
		for _, task := range []string{"deadlines", "means", "idempotency_keys"} {
			if series[fmt.Sprintf(`reconi_sweep_duration_seconds_count{task=%q}`, task)] >= 1 {
				swept++
			}
		}
		if swept == 3 || time.Now().After(deadline) {
			break
		}
	}
	for name, want := range map[string]float64{
		`reconi_http_requests_total{route="GET /v1/applications/{id}",status="200"}`:                 2,
		`reconi_http_requests_total{route="GET /v1/applications/{id}",status="404"}`:                 1,
		`reconi_http_requests_total{route="GET /v1/applications/{id}",status="401"}`:                 1,
		`reconi_http_requests_total{route="POST /v1/applications/{id}/users/import",status="200"}`:   1,
		`reconi_http_requests_total{route="GET /v1/people/{email}",status="200"}`:                    1,
		`reconi_http_requests_total{route="unmatched",status="404"}`:                                 2, // and GET /metrics
		`reconi_http_request_duration_seconds_count{route="GET /v1/applications/{id}",status="200"}`: 2,
		`reconi_import_rows_total{result="read"}`:                                                    2,
		`reconi_import_rows_total{result="added"}`:                                                   2,
		`reconi_import_duration_seconds_count{outcome="ok"}`:                                         1,
		`reconi_outbox_messages{state="pending"}`:                                                    0,
		`reconi_outbox_messages{state="failed"}`:                                                     0,
		`reconi_outbox_count_ok`:                                                                     1,
	} {
		got, ok := series[name]
		if !ok {
			t.Errorf("no series %s", name)
		} else if got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	for _, task := range []string{"deadlines", "means", "idempotency_keys"} {
		if series[fmt.Sprintf(`reconi_sweep_duration_seconds_count{task=%q}`, task)] < 1 {
			t.Errorf("no sweep of %s measured", task)
		}
	}
	for _, secret := range []string{token, "jan@example.nl", "example.nl", "no-such", "notarealtoken", "/v1/applications/" + id} {
		if strings.Contains(text, secret) {
			t.Errorf("/metrics holds %q", secret)
		}
	}
}

// scrape reads the metrics at url: the text, and each series' value.
func scrape(t *testing.T, url string) (string, map[string]float64) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("/metrics: %d %v", resp.StatusCode, err)
	}
	text := string(b)
	series := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		series[line[:i]] = v
	}
	return text, series
}
