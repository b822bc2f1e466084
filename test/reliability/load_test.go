//go:build unix

package reliability

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	// readKVK holds the seeded applications the status reads list; the
	// drafts the load writes go to writeKVK, so the list stays one size.
	readKVK  = "12345678"
	writeKVK = "87654321"
	// loadWorkers is how many requests are in flight at most.
	loadWorkers = 8
	// seededApps are created in readKVK before the load starts, each with
	// seededUsers users.
	seededApps  = 50
	seededUsers = 5
)

// server is `reconi serve` on a loopback port of its own.
type server struct {
	p     *process
	url   string
	token string
}

// startServe registers the two organisations, creates a manager token for
// them and starts reconi serve on 127.0.0.1, port chosen by the kernel.
func startServe(t *testing.T, e *env) *server {
	t.Helper()
	for _, kvk := range []string{readKVK, writeKVK} {
		e.must(t, time.Minute, "org", "register", "--kvk", kvk, "--name", "Load "+kvk)
	}
	r := e.must(t, time.Minute, "tokens", "create", "--role", "manager", "--org", readKVK, "--org", writeKVK,
		"--name", "load test", "-o", "json", "--jq", ".token")
	s := &server{token: strings.TrimSpace(r.stdout)}
	s.p = e.start(t, "serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--shutdown-grace", "30s")
	deadline := time.Now().Add(30 * time.Second)
	for s.url == "" {
		if time.Now().After(deadline) {
			t.Fatalf("reconi serve did not say where it listens within 30s:\n%s", tail(s.p.log(t), 2000))
		}
		select {
		case <-s.p.done:
			t.Fatalf("reconi serve exited: %v\n%s", s.p.err, tail(s.p.log(t), 2000))
		case <-time.After(20 * time.Millisecond):
		}
		sc := bufio.NewScanner(strings.NewReader(s.p.log(t)))
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "serving" {
				if !strings.HasPrefix(line.Addr, "127.0.0.1:") {
					t.Fatalf("reconi serve listens on %s, not loopback", line.Addr)
				}
				s.url = "http://" + line.Addr
			}
		}
	}
	return s
}

// loadOp is one kind of request of the mix.
type loadOp string

const (
	opList    loadOp = "GET /v1/applications"
	opGet     loadOp = "GET /v1/applications/{id}"
	opCreate  loadOp = "POST /v1/applications"
	opAddUser loadOp = "POST /v1/applications/{id}/users"
)

var allOps = []loadOp{opList, opGet, opCreate, opAddUser}

// mix is the weight of each kind of request.
type mix map[loadOp]int

func (m mix) pick(r *rand.Rand) loadOp {
	total := 0
	for _, op := range allOps {
		total += m[op]
	}
	n := r.IntN(total)
	for _, op := range allOps {
		if n < m[op] {
			return op
		}
		n -= m[op]
	}
	panic("unreachable")
}

// ack is a write the server answered 2xx: it must be in the database.
type ack struct {
	op    loadOp
	app   int64
	user  int64
	email string
	at    time.Time
}

// loadStats is what one worker saw; merged at the end.
type loadStats struct {
	latency   map[loadOp][]time.Duration
	status    map[loadOp]map[int]int
	transport map[loadOp]int
	// firstTransportErr is the first connection error, with its time.
	firstTransportErr   error
	firstTransportErrAt time.Time
	acks                []ack
	serverErrors        []string
}

func newLoadStats() *loadStats {
	return &loadStats{latency: map[loadOp][]time.Duration{}, status: map[loadOp]map[int]int{}, transport: map[loadOp]int{}}
}

func (s *loadStats) merge(o *loadStats) {
	for op, l := range o.latency {
		s.latency[op] = append(s.latency[op], l...)
	}
	for op, m := range o.status {
		if s.status[op] == nil {
			s.status[op] = map[int]int{}
		}
		for code, n := range m {
			s.status[op][code] += n
		}
	}
	for op, n := range o.transport {
		s.transport[op] += n
	}
	if o.firstTransportErr != nil && (s.firstTransportErr == nil || o.firstTransportErrAt.Before(s.firstTransportErrAt)) {
		s.firstTransportErr, s.firstTransportErrAt = o.firstTransportErr, o.firstTransportErrAt
	}
	s.acks = append(s.acks, o.acks...)
	s.serverErrors = append(s.serverErrors, o.serverErrors...)
}

// loadClient sends the requests of the mix to one server.
type loadClient struct {
	srv    *server
	http   *http.Client
	seeded []int64
}

func newLoadClient(srv *server) *loadClient {
	return &loadClient{srv: srv, http: &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			MaxIdleConns: loadWorkers, MaxIdleConnsPerHost: loadWorkers, IdleConnTimeout: time.Minute,
			DisableCompression: true,
		},
	}}
}

// do sends one request and decodes a 2xx answer into out.
func (c *loadClient) do(ctx context.Context, method, path string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.srv.url+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+c.srv.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode/100 == 2 && out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: decoding the answer: %w", method, path, err)
		}
	}
	if resp.StatusCode >= 300 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, tail(string(b), 300))
	}
	return resp.StatusCode, nil
}

var employedTrue = true

// newUser is the n-th user worker w adds: a valid mobile number, a
// distinct email.
func newUser(w, n int) map[string]any {
	return map[string]any{
		"first_name": "Load", "last_name": fmt.Sprintf("Worker %d", w),
		"email": fmt.Sprintf("w%d.u%d@load.example.nl", w, n),
		"phone": fmt.Sprintf("+316%d%07d", 1+w%5, n%10_000_000), "employed": employedTrue,
	}
}

// seed creates the applications the reads look at: apps in readKVK of
// users users each.
func (c *loadClient) seed(t *testing.T, apps, users int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for i := range apps {
		var a struct{ ID int64 }
		if _, err := c.do(ctx, "POST", "/v1/applications", map[string]string{"kvk": readKVK, "level": "EH3"}, &a); err != nil {
			t.Fatalf("seeding: %v", err)
		}
		for j := range users {
			if _, err := c.do(ctx, "POST", fmt.Sprintf("/v1/applications/%d/users", a.ID), newUser(100+i, j), nil); err != nil {
				t.Fatalf("seeding: %v", err)
			}
		}
		c.seeded = append(c.seeded, a.ID)
	}
}

// run sends the mix from loadWorkers goroutines until ctx ends; requests in
// flight then are let finish (within the client's timeout): a client that
// hangs up is another test (TestClientDisconnect). A worker stops early
// when the server stops answering (stopOnRefused, for the shutdown test):
// after its first connection error it tries again at most 50 times, 10ms
// apart.
func (c *loadClient) run(ctx context.Context, m mix, seed uint64, stopOnRefused bool) *loadStats {
	reqCtx := context.WithoutCancel(ctx)
	stats := make([]*loadStats, loadWorkers)
	var wg sync.WaitGroup
	for w := range loadWorkers {
		wg.Add(1)
		st := newLoadStats()
		stats[w] = st
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(seed, uint64(w)))
			var mine []int64 // drafts this worker created
			users, failures := 0, 0
			for ctx.Err() == nil {
				op := m.pick(rnd)
				if op == opAddUser && len(mine) == 0 {
					op = opCreate
				}
				var err error
				code := 0
				start := time.Now()
				switch op {
				case opList:
					code, err = c.do(reqCtx, "GET", "/v1/applications?kvk="+readKVK, nil, nil)
				case opGet:
					id := c.seeded[rnd.IntN(len(c.seeded))]
					if len(mine) > 0 && rnd.IntN(2) == 0 {
						id = mine[rnd.IntN(len(mine))]
					}
					code, err = c.do(reqCtx, "GET", fmt.Sprintf("/v1/applications/%d", id), nil, nil)
				case opCreate:
					var a struct{ ID int64 }
					code, err = c.do(reqCtx, "POST", "/v1/applications", map[string]string{"kvk": writeKVK, "level": "EH3"}, &a)
					if err == nil && code/100 == 2 {
						mine = append(mine, a.ID)
						st.acks = append(st.acks, ack{op: op, app: a.ID, at: time.Now()})
					}
				case opAddUser:
					app := mine[len(mine)-1]
					if rnd.IntN(4) == 0 {
						app = mine[rnd.IntN(len(mine))]
					}
					var u struct {
						ID    int64
						Email string
					}
					users++
					code, err = c.do(reqCtx, "POST", fmt.Sprintf("/v1/applications/%d/users", app), newUser(w, users), &u)
					if err == nil && code/100 == 2 {
						st.acks = append(st.acks, ack{op: op, app: app, user: u.ID, email: u.Email, at: time.Now()})
					}
				}
				elapsed := time.Since(start)
				if code == 0 {
					st.transport[op]++
					if st.firstTransportErr == nil {
						st.firstTransportErr, st.firstTransportErrAt = err, time.Now()
					}
					failures++
					if stopOnRefused {
						if failures > 50 {
							return
						}
						time.Sleep(10 * time.Millisecond)
					}
					continue
				}
				if st.status[op] == nil {
					st.status[op] = map[int]int{}
				}
				st.status[op][code]++
				st.latency[op] = append(st.latency[op], elapsed)
				if code >= 500 || (err != nil && code/100 == 2) {
					st.serverErrors = append(st.serverErrors, err.Error())
				}
			}
		}()
	}
	wg.Wait()
	all := newLoadStats()
	for _, s := range stats {
		all.merge(s)
	}
	return all
}

// summary is one line per kind of request: count, rate, statuses,
// latency percentiles.
func (s *loadStats) summary(elapsed time.Duration) string {
	var b strings.Builder
	total := 0
	for _, op := range allOps {
		l := s.latency[op]
		total += len(l)
		if len(l) == 0 {
			continue
		}
		slices.Sort(l)
		fmt.Fprintf(&b, "\n  %-34s %7d requests, %7.1f/s, p50 %s, p99 %s, max %s, statuses %v",
			op, len(l), float64(len(l))/elapsed.Seconds(), pct(l, 50), pct(l, 99), l[len(l)-1].Round(10*time.Microsecond), s.status[op])
		if n := s.transport[op]; n > 0 {
			fmt.Fprintf(&b, ", %d connection errors", n)
		}
	}
	return fmt.Sprintf("%d requests in %s: %.1f/s, %d in flight at most;%s", total, elapsed.Round(time.Millisecond),
		float64(total)/elapsed.Seconds(), loadWorkers, b.String())
}

func pct(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	i = min(max(i-1, 0), len(sorted)-1)
	return sorted[i].Round(10 * time.Microsecond)
}

// checkAcks fails the test for every acknowledged write the database does
// not hold.
func checkAcks(t *testing.T, dbPath string, acks []ack) {
	t.Helper()
	inspect(t, dbPath, func(db *sql.DB) {
		missing := 0
		for _, a := range acks {
			var n int
			var err error
			switch a.op {
			case opCreate:
				err = db.QueryRow("SELECT count(*) FROM applications WHERE id = ? AND kvk = ?", a.app, writeKVK).Scan(&n)
			case opAddUser:
				err = db.QueryRow("SELECT count(*) FROM users WHERE id = ? AND application_id = ? AND email = ?", a.user, a.app, a.email).Scan(&n)
			}
			if err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				missing++
				if missing <= 10 {
					t.Errorf("acknowledged at %s but not in the database: %+v", a.at.Format(time.RFC3339Nano), a)
				}
			}
		}
		if missing > 0 {
			t.Errorf("%d of %d acknowledged writes are missing", missing, len(acks))
		}
	})
}

// serverLogErrors returns the lines of the server's log that report a 5xx
// or an error.
func serverLogErrors(log string) []string {
	var bad []string
	sc := bufio.NewScanner(strings.NewReader(log))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line struct {
			Level  string
			Status int
		}
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			continue
		}
		if line.Status >= 500 || line.Level == "ERROR" || strings.Contains(sc.Text(), "database is locked") {
			bad = append(bad, sc.Text())
		}
	}
	return bad
}

// TestLoad runs reconi serve under a bounded mix of status reads and draft
// writes from loopback: no request may fail, and every acknowledged write
// must be in the database.
func TestLoad(t *testing.T) {
	t.Parallel()
	sz := sizes()
	e := newEnv(t)
	srv := startServe(t, e)
	c := newLoadClient(srv)
	c.seed(t, seededApps, seededUsers)
	_, seed := newRand(t)

	ctx, cancel := context.WithTimeout(context.Background(), sz.LoadDuration)
	defer cancel()
	start := time.Now()
	stats := c.run(ctx, mix{opList: 40, opGet: 30, opCreate: 10, opAddUser: 20}, seed, false)
	elapsed := time.Since(start)
	report(t, "reconi serve on 127.0.0.1, %d seeded applications of %d users listed and read, drafts written beside them: %s",
		seededApps, seededUsers, stats.summary(elapsed))
	for _, e := range stats.serverErrors[:min(10, len(stats.serverErrors))] {
		t.Errorf("server error: %s", e)
	}
	for _, op := range allOps {
		for code, n := range stats.status[op] {
			if code/100 != 2 {
				t.Errorf("%s: %d answers with status %d", op, n, code)
			}
		}
		if n := stats.transport[op]; n > 0 {
			t.Errorf("%s: %d connection errors, the first: %v", op, n, stats.firstTransportErr)
		}
	}
	if bad := serverLogErrors(srv.p.log(t)); len(bad) > 0 {
		t.Errorf("the server logged %d errors, the first: %s", len(bad), bad[0])
	}

	// Stop the server and check every write it acknowledged.
	if err := srv.p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	srv.p.wait(t, time.Minute)
	if srv.p.err != nil {
		t.Errorf("reconi serve ended with %v after SIGTERM", srv.p.err)
	}
	checkAcks(t, e.db, stats.acks)
	report(t, "%d acknowledged writes, all in the database", len(stats.acks))
}

// TestShutdownUnderLoad sends SIGTERM to reconi serve while writes are
// arriving: it must exit 0, answer no request with a 5xx, and every write
// it acknowledged, to the last, must be in the database.
func TestShutdownUnderLoad(t *testing.T) {
	t.Parallel()
	sz := sizes()
	e := newEnv(t)
	srv := startServe(t, e)
	c := newLoadClient(srv)
	c.seed(t, seededApps, seededUsers)
	rnd, seed := newRand(t)

	ctx, cancel := context.WithTimeout(context.Background(), sz.LoadDuration+time.Minute)
	defer cancel()
	// SIGTERM somewhere in the middle of the load, once it has run a while:
	// 2 s, or half the load's time when that is shorter (-short).
	before := min(2*time.Second, sz.LoadDuration/2) + time.Duration(rnd.Int64N(int64(sz.LoadDuration/2)))
	termc := make(chan time.Time, 1)
	go func() {
		select {
		case <-time.After(before):
		case <-ctx.Done():
			return
		}
		termc <- time.Now()
		if err := srv.p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Errorf("SIGTERM: %v", err)
		}
		// The load goes on while the server drains, then stops.
		select {
		case <-srv.p.done:
		case <-time.After(time.Minute):
		}
		time.Sleep(200 * time.Millisecond)
		cancel()
	}()
	start := time.Now()
	stats := c.run(ctx, mix{opList: 10, opGet: 10, opCreate: 30, opAddUser: 50}, seed, true)
	elapsed := time.Since(start)
	var termAt time.Time
	select {
	case termAt = <-termc:
	default:
		t.Fatal("the load ended before SIGTERM was sent")
	}
	srv.p.wait(t, time.Minute)
	if srv.p.err != nil {
		t.Errorf("reconi serve ended with %v after SIGTERM, want exit 0\n%s", srv.p.err, tail(srv.p.log(t), 2000))
	}
	for _, e := range stats.serverErrors[:min(10, len(stats.serverErrors))] {
		t.Errorf("server error: %s", e)
	}
	for _, op := range allOps {
		for code, n := range stats.status[op] {
			if code/100 != 2 {
				t.Errorf("%s: %d answers with status %d", op, n, code)
			}
		}
	}
	if stats.firstTransportErr != nil && stats.firstTransportErrAt.Before(termAt) {
		t.Errorf("a connection failed at %s, before SIGTERM at %s: %v", stats.firstTransportErrAt.Format(time.RFC3339Nano),
			termAt.Format(time.RFC3339Nano), stats.firstTransportErr)
	}
	if bad := serverLogErrors(srv.p.log(t)); len(bad) > 0 {
		t.Errorf("the server logged %d errors, the first: %s", len(bad), bad[0])
	}
	afterTerm, last := 0, time.Time{}
	for _, a := range stats.acks {
		if a.at.After(termAt) {
			afterTerm++
		}
		if a.at.After(last) {
			last = a.at
		}
	}
	checkAcks(t, e.db, stats.acks)
	if !strings.Contains(srv.p.log(t), `"msg":"stopped"`) {
		t.Errorf("reconi serve did not log that it stopped cleanly")
	}
	report(t, "SIGTERM after %s of load: server exited 0 in %s; %d writes acknowledged (%d answered after the signal, the last %s after it), all in the database; no 5xx; connection errors after the signal: %d; %s",
		termAt.Sub(start).Round(time.Millisecond), exitAfter(srv.p, termAt), len(stats.acks), afterTerm,
		last.Sub(termAt).Round(time.Millisecond), sum(stats.transport), stats.summary(elapsed))
}

func sum(m map[loadOp]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// exitAfter is how long after the signal the process exited, as near as
// the log tells: the time of its "stopped" line.
func exitAfter(p *process, termAt time.Time) string {
	b, err := os.ReadFile(p.stderr)
	if err != nil {
		return "?"
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var line struct {
			Time time.Time
			Msg  string
		}
		if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "stopped" {
			return line.Time.Sub(termAt).Round(time.Millisecond).String()
		}
	}
	return "?"
}
