package replicas_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/store/postgres"
	"github.com/reconi/reconi/internal/store/storetest"
)

// BenchmarkListApplications measures requests per second of
// GET /v1/applications (`reconi status` against a server) with one and with
// two replicas on one PostgreSQL database holding 10,000 applications of
// 100 organisations; the token is a manager's of one of them, so each
// answer lists 100 applications. Requests go round-robin over the replicas
// from 16 goroutines on keep-alive connections.
//
// With RECONI_BENCH_WRK set to a duration (e.g. 15s) and wrk installed, wrk
// also loads the replicas for that long (32 connections in all, or
// RECONI_BENCH_WRK_CONNECTIONS, split over the replicas, one wrk per
// replica) and its total is reported as
// wrk-req/s. Everything stays on 127.0.0.1. RECONI_BENCH_GOMAXPROCS, when
// set, is each replica's GOMAXPROCS (replicas sharing a machine's cores).
func BenchmarkListApplications(b *testing.B) {
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("replicas=%d", n), func(b *testing.B) {
			c := newClusterWith(b, n, options{
				seed: func(tb testing.TB, dsn string) {
					st, err := postgres.Open(context.Background(), dsn)
					if err != nil {
						tb.Fatal(err)
					}
					defer st.Close()
					storetest.Seed(tb, st, 10_000, 5)
					if _, err := st.DB().Exec("ANALYZE"); err != nil {
						tb.Fatal(err)
					}
				},
				// serve's defaults: what a deployment runs.
				serve:    []string{"--shutdown-grace", "10s"},
				keepLogs: 200,
				env:      gomaxprocs(),
			})
			token := c.token("--role", "manager", "--org", storetest.SeedKVK, "--name", "bench")
			path := "/v1/applications"
			for _, r := range c.replicas {
				res := c.call(r, "GET", path, token, nil)
				res.want(b, http.StatusOK)
			}

			if d := os.Getenv("RECONI_BENCH_WRK"); d != "" {
				rps := c.wrk(d, token, path)
				defer b.ReportMetric(rps, "wrk-req/s")
			}

			// Sixteen workers send the requests the loop hands out, so
			// that many are in flight at once (b.Loop runs this body once,
			// and the cluster is set up once).
			tr := &http.Transport{MaxIdleConnsPerHost: 64}
			defer tr.CloseIdleConnections()
			client := &http.Client{Transport: tr, Timeout: waitFor}
			work := make(chan *replica, 64)
			var wg sync.WaitGroup
			var failed atomic.Int64
			latencies := make([][]time.Duration, 16)
			for w := range latencies {
				wg.Go(func() {
					for r := range work {
						req, _ := http.NewRequest("GET", r.url+path, nil)
						req.Header.Set("Authorization", "Bearer "+token)
						began := time.Now()
						res, err := client.Do(req)
						if err != nil {
							failed.Add(1)
							continue
						}
						io.Copy(io.Discard, res.Body)
						res.Body.Close()
						latencies[w] = append(latencies[w], time.Since(began))
						if res.StatusCode != http.StatusOK {
							failed.Add(1)
						}
					}
				})
			}
			start := time.Now()
			i := 0
			for b.Loop() {
				work <- c.replicas[i%len(c.replicas)]
				i++
			}
			close(work)
			wg.Wait()
			elapsed := time.Since(start)
			if f := failed.Load(); f > 0 {
				b.Errorf("%d of %d requests failed", f, i)
			}
			b.ReportMetric(float64(i)/elapsed.Seconds(), "req/s")
			all := slices.Concat(latencies...)
			slices.Sort(all)
			if len(all) > 0 {
				b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50-ms")
				b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
			}
		})
	}
}

var wrkRate = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
var wrkNon2xx = regexp.MustCompile(`Non-2xx or 3xx responses: \d+`)

// wrk loads every replica at once for duration d with wrk and returns the
// total requests per second.
func (c *cluster) wrk(d, token, path string) float64 {
	c.t.Helper()
	bin, err := exec.LookPath("wrk")
	if err != nil {
		c.t.Fatalf("RECONI_BENCH_WRK is set but wrk is not installed (apt-get install -y wrk)")
	}
	n := len(c.replicas)
	connections := 32
	if v, err := strconv.Atoi(os.Getenv("RECONI_BENCH_WRK_CONNECTIONS")); err == nil && v > 0 {
		connections = v
	}
	threads, conns := max(1, 2/n), max(1, connections/n)
	var wg sync.WaitGroup
	outs := make([]string, n)
	for i, r := range c.replicas {
		wg.Go(func() {
			cmd := exec.Command(bin, "-t", strconv.Itoa(threads), "-c", strconv.Itoa(conns), "-d", d, "--latency",
				"-H", "Authorization: Bearer "+token, r.url+path)
			out, err := cmd.CombinedOutput()
			if err != nil {
				c.t.Errorf("wrk on %s: %v\n%s", r.name, err, out)
			}
			outs[i] = string(out)
		})
	}
	wg.Wait()
	total := 0.0
	for i, out := range outs {
		c.t.Logf("wrk against %s:\n%s", c.replicas[i].name, out)
		// A non-2xx answer is a failure; a socket timeout (wrk gives up on
		// a request after 2 s) is a figure, reported beside the rate.
		if m := wrkNon2xx.FindString(out); m != "" {
			c.t.Errorf("wrk against %s: %s", c.replicas[i].name, m)
		}
		m := wrkRate.FindStringSubmatch(out)
		if m == nil {
			c.t.Fatalf("no Requests/sec in wrk's output")
		}
		v, _ := strconv.ParseFloat(m[1], 64)
		total += v
	}
	return total
}

func gomaxprocs() []string {
	if v := os.Getenv("RECONI_BENCH_GOMAXPROCS"); v != "" {
		return []string{"GOMAXPROCS=" + v}
	}
	return nil
}
