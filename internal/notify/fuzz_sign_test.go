package notify_test

import (
	"bytes"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/notify"
)

// FuzzVerify: Verify never panics on any header, timestamp or body; a
// signature made with the secret is accepted exactly when its timestamp is
// within the window; and it is refused for any other body, timestamp or
// secret.
func FuzzVerify(f *testing.F) {
	const now = 1_700_000_000
	body := []byte(`{"reference":"reconi-1-2","result":"passed"}`)
	sig := notify.Sign("s3cret", now, body)
	for _, c := range []struct {
		secret, header, ts string
		skew               int64
	}{
		{"s3cret", sig, strconv.Itoa(now), 0},
		{"s3cret", sig + ",v1=00", strconv.Itoa(now), 300},
		{"s3cret", "v0=" + sig[3:], strconv.Itoa(now), -300},
		{"s3cret", sig, "+" + strconv.Itoa(now), 301},
		{"s3cret", sig, "0" + strconv.Itoa(now), -301},
		{"s3cret", sig, "9223372036854775807", 0},
		{"s3cret", sig, "-9223372036854775808", 0},
		{"", "v1=", " ", 0},
		{"s3cret", ",,,v1=" + sig[3:] + " ,", strconv.Itoa(now), 0},
	} {
		f.Add(c.secret, c.header, c.ts, body, c.skew)
	}
	f.Fuzz(func(t *testing.T, secret, header, timestamp string, body []byte, skew int64) {
		clock := time.Unix(now, 0)
		// Whatever comes in, one of the three errors or nil.
		err := notify.Verify(secret, header, timestamp, body, clock, 0)
		if err != nil && !errors.Is(err, notify.ErrNoSignature) && !errors.Is(err, notify.ErrBadSignature) && !errors.Is(err, notify.ErrStale) {
			t.Fatalf("Verify: unexpected error %v", err)
		}
		if secret == "" {
			if err == nil {
				t.Fatal("an empty secret accepted a request")
			}
			return
		}

		// A request signed at now+skew, checked at now.
		if skew < -1e9 || skew > 1e9 {
			skew %= 1e9
		}
		ts := now + skew
		good := notify.Sign(secret, ts, body)
		tsText := strconv.FormatInt(ts, 10)
		err = notify.Verify(secret, good, tsText, body, clock, 0)
		inWindow := skew >= -300 && skew <= 300
		switch {
		case inWindow && err != nil:
			t.Fatalf("a fresh signature (skew %ds) was refused: %v", skew, err)
		case !inWindow && !errors.Is(err, notify.ErrStale):
			t.Fatalf("a signature %ds away from now: %v, want ErrStale", skew, err)
		}
		if !inWindow {
			return
		}
		// Tampering with any part voids it.
		other := append(bytes.Clone(body), 'x')
		if err := notify.Verify(secret, good, tsText, other, clock, 0); !errors.Is(err, notify.ErrBadSignature) {
			t.Fatalf("a tampered body: %v", err)
		}
		moved := ts + 1
		if skew == 300 {
			moved = ts - 1 // still in the window
		}
		if err := notify.Verify(secret, good, strconv.FormatInt(moved, 10), body, clock, 0); !errors.Is(err, notify.ErrBadSignature) {
			t.Fatalf("a changed timestamp: %v", err)
		}
		if err := notify.Verify(secret+"x", good, tsText, body, clock, 0); !errors.Is(err, notify.ErrBadSignature) {
			t.Fatalf("another secret: %v", err)
		}
	})
}
