// Command seed fills a running `reconi serve` with applications through its
// API, for bench/run.sh: the `status` and requests-per-second measurements
// need many applications, and one reconi process per draft would take
// minutes.
//
//	go run ./bench/seed -server http://127.0.0.1:8080 -token TOKEN -kvk 12345678 -apps 10000
//
// Application i gets -users users (emails distinct across the run); every
// -submit-every-th is then given permissions and submitted, so status shows
// drafts and invited users. It talks to loopback only.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	server := flag.String("server", "", "reconi serve `URL` (loopback only)")
	token := flag.String("token", "", "manager API `token` for -kvk")
	kvk := flag.String("kvk", "", "organisation (`KVK`) the applications are for")
	apps := flag.Int("apps", 10_000, "`number` of applications to create")
	users := flag.Int("users", 2, "users per application")
	submitEvery := flag.Int("submit-every", 10, "submit every `n`-th application (0: none)")
	workers := flag.Int("workers", 4, "requests in flight at most")
	timeout := flag.Duration("timeout", 10*time.Minute, "give up after this long")
	flag.Parse()
	if err := run(*server, *token, *kvk, *apps, *users, *submitEvery, *workers, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

type client struct {
	base, token string
	http        *http.Client
}

func (c *client) do(ctx context.Context, method, path string, in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, body)
	}
	if out != nil {
		return json.Unmarshal(body, out)
	}
	return nil
}

func run(server, token, kvk string, apps, users, submitEvery, workers int, timeout time.Duration) error {
	u, err := url.Parse(server)
	if err != nil || u.Host == "" {
		return fmt.Errorf("-server %q is not a URL", server)
	}
	if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("-server %s: only a loopback address is allowed", server)
	}
	if token == "" || kvk == "" {
		return fmt.Errorf("-token and -kvk are required")
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c := &client{base: server, token: token, http: &http.Client{Timeout: time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: workers}}}

	var next atomic.Int64
	var wg sync.WaitGroup
	errc := make(chan error, workers)
	start := time.Now()
	for range max(workers, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= apps || ctx.Err() != nil {
					return
				}
				if err := seedOne(ctx, c, kvk, i, users, submitEvery); err != nil {
					errc <- fmt.Errorf("application %d: %w", i, err)
					cancel()
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "seed: %d applications of %d users in %s\n", apps, users, time.Since(start).Round(time.Millisecond))
	return nil
}

func seedOne(ctx context.Context, c *client, kvk string, i, users, submitEvery int) error {
	var a struct{ ID int64 }
	if err := c.do(ctx, "POST", "/v1/applications", map[string]string{"kvk": kvk, "level": "EH3"}, &a); err != nil {
		return err
	}
	for j := range users {
		n := i*users + j
		in := map[string]any{"first_name": "Seed", "last_name": fmt.Sprintf("User %d", n),
			"email": fmt.Sprintf("seed%d@example.nl", n), "phone": fmt.Sprintf("+3162%07d", n%10_000_000), "employed": j%2 == 0}
		if err := c.do(ctx, "POST", fmt.Sprintf("/v1/applications/%d/users", a.ID), in, nil); err != nil {
			return err
		}
	}
	if submitEvery <= 0 || i%submitEvery != 0 || users == 0 {
		return nil
	}
	if err := c.do(ctx, "PUT", fmt.Sprintf("/v1/applications/%d/permissions", a.ID),
		map[string]any{"direct": true, "all_services": true, "validity_years": 3}, nil); err != nil {
		return err
	}
	return c.do(ctx, "POST", fmt.Sprintf("/v1/applications/%d/submit", a.ID), map[string]any{"agree_terms": true}, nil)
}
