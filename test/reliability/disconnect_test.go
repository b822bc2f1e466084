//go:build unix

package reliability

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestClientDisconnect hangs up on reconi serve in the middle of status
// reads, as a client that times out or is interrupted does. That is the
// client's doing: the server must not report it as an internal error.
//
// database/sql rolls a transaction back when its request's client goes
// away; the store then reports the context's error rather than what the
// next query saw, and httpapi does not log it as an internal error.
func TestClientDisconnect(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	srv := startServe(t, e)
	c := newLoadClient(srv)
	// Enough applications that listing them takes (tens of) milliseconds.
	sz := sizes()
	c.seed(t, sz.DisconnectApps, 1)
	rnd, _ := newRand(t)

	requests := sz.DisconnectRequests
	hungUp := 0
	for range requests {
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(1+rnd.IntN(30))*time.Millisecond)
		_, err := c.do(ctx, "GET", "/v1/applications", nil, nil)
		cancel()
		if err != nil {
			hungUp++
		}
	}
	// Give the server time to finish the requests it is still running.
	time.Sleep(500 * time.Millisecond)
	var bad []string
	for _, line := range serverLogErrors(srv.p.log(t)) {
		// A cancelled request is logged with status 500 ("the request was
		// cancelled"), a choice of httpapi's; an internal error is not.
		if strings.Contains(line, `"level":"ERROR"`) {
			bad = append(bad, line)
		}
	}
	report(t, "%d requests, %d hung up on by the client: %d logged as internal errors", requests, hungUp, len(bad))
	if len(bad) > 0 {
		t.Errorf("the server logged %d requests the client hung up on as internal errors; the first:\n%s",
			len(bad), strings.Join(bad[:min(3, len(bad))], "\n"))
	}
}
