package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// Headers of a signed webhook, both ways: reconi's requests to the SMS and
// identification providers, and the partner's callback to serve.
const (
	// HeaderTimestamp is the time of signing in unix seconds.
	HeaderTimestamp = "X-Reconi-Timestamp"
	// HeaderSignature is "v1=" and the hex HMAC-SHA256, keyed with the
	// shared secret, of the timestamp, ".", and the body. Several
	// comma-separated signatures may be sent while a secret is rotated.
	HeaderSignature = "X-Reconi-Signature"
	// HeaderIdempotencyKey is the message's DeliveryID, the same on every
	// retry.
	HeaderIdempotencyKey = "Idempotency-Key"
)

// DefaultWindow is how far a signed timestamp may be from the receiver's
// clock: a captured request cannot be replayed later than that.
const DefaultWindow = 5 * time.Minute

// Errors of Verify.
var (
	ErrNoSignature  = errors.New("no " + HeaderSignature + " or " + HeaderTimestamp + " header")
	ErrBadSignature = errors.New("the signature does not match")
	ErrStale        = errors.New("the timestamp is outside the allowed window")
)

// Sign returns the signature header value for body sent at timestamp (unix
// seconds).
func Sign(secret string, timestamp int64, body []byte) string {
	return "v1=" + hex.EncodeToString(mac(secret, strconv.FormatInt(timestamp, 10), body))
}

func mac(secret, timestamp string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestamp))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Verify checks a signed request: header is the X-Reconi-Signature value,
// timestamp the X-Reconi-Timestamp value. The timestamp must be within
// window of now (DefaultWindow when window is 0), and one v1 signature must
// match, compared in constant time. An empty secret matches nothing.
func Verify(secret, header, timestamp string, body []byte, now time.Time, window time.Duration) error {
	header, timestamp = strings.TrimSpace(header), strings.TrimSpace(timestamp)
	if header == "" || timestamp == "" {
		return ErrNoSignature
	}
	if secret == "" {
		return ErrBadSignature
	}
	if window <= 0 {
		window = DefaultWindow
	}
	ts, err := strconv.ParseInt(timestamp, 10, 64)
	if err != nil || ts <= 0 {
		return ErrStale
	}
	// Compare in seconds, so no conversion can overflow.
	if d := now.Unix() - ts; d > int64(window/time.Second) || -d > int64(window/time.Second) {
		return ErrStale
	}
	want := mac(secret, strconv.FormatInt(ts, 10), body)
	ok := false
	for part := range strings.SplitSeq(header, ",") {
		v, found := strings.CutPrefix(strings.TrimSpace(part), "v1=")
		if !found {
			continue // another scheme: not ours to judge
		}
		got, err := hex.DecodeString(v)
		if err == nil && hmac.Equal(got, want) {
			ok = true // no early exit: every candidate is compared
		}
	}
	if !ok {
		return ErrBadSignature
	}
	return nil
}

// Verifier returns Verify bound to a secret, a clock (nil is time.Now) and a
// window, in the form httpapi.IdentificationCallback takes.
func Verifier(secret string, now func() time.Time, window time.Duration) func(header, timestamp string, body []byte) error {
	if now == nil {
		now = time.Now
	}
	return func(header, timestamp string, body []byte) error {
		return Verify(secret, header, timestamp, body, now(), window)
	}
}
