package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// CSRF: every form carries a token that is an HMAC, under the server's
// secret, of the invitation token, a random per-browser value kept in an
// HttpOnly, SameSite=Strict cookie, and the time the page was made. Another
// site can neither read the cookie nor compute the HMAC, and a token made
// for one invitation or browser is worthless for another.
const (
	csrfCookie = "reconi_csrf"
	csrfField  = "csrf"
	// cookiePath scopes both cookies to the pages.
	cookiePath = "/invite/"
	// csrfSkew tolerates clocks of servers behind one balancer that differ.
	csrfSkew = 5 * time.Minute
)

type csrf struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time
	secure bool
}

// browserID returns the browser's CSRF cookie value, setting a new cookie
// when the request has none (or a malformed one).
func (c *csrf) browserID(w http.ResponseWriter, r *http.Request) string {
	if v, ok := cookieID(r); ok {
		return v
	}
	var b [32]byte
	rand.Read(b[:])
	v := base64.RawURLEncoding.EncodeToString(b[:])
	http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: v, Path: cookiePath, HttpOnly: true,
		Secure: c.secure || r.TLS != nil, SameSite: http.SameSiteStrictMode})
	return v
}

func cookieID(r *http.Request) (string, bool) {
	ck, err := r.Cookie(csrfCookie)
	if err != nil {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil || len(b) != 32 {
		return "", false
	}
	return ck.Value, true
}

// token returns the form token for invitation invite in browser id, made
// now.
func (c *csrf) token(invite, id string) string {
	ts := strconv.FormatInt(c.now().Unix(), 10)
	return ts + "." + c.mac(invite, id, ts)
}

func (c *csrf) mac(invite, id, ts string) string {
	m := hmac.New(sha256.New, c.secret)
	for _, p := range []string{"reconi/invite/csrf", invite, id, ts} {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// valid reports whether the POSTed form token of r belongs to invitation
// invite, this browser's cookie, and is not older than the TTL.
func (c *csrf) valid(r *http.Request, invite string) bool {
	id, ok := cookieID(r)
	if !ok {
		return false
	}
	ts, sum, ok := strings.Cut(r.PostFormValue(csrfField), ".")
	if !ok {
		return false
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	made, now := time.Unix(sec, 0), c.now()
	if made.After(now.Add(csrfSkew)) || now.Sub(made) > c.ttl {
		return false
	}
	return hmac.Equal([]byte(sum), []byte(c.mac(invite, id, ts)))
}
