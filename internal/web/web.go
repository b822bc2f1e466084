// Package web serves the user's steps behind the link in the invitation
// email as server-rendered HTML pages: check the details, check the mobile
// number (a code is sent by SMS), enter the code, order, done. `reconi
// serve` mounts New under /invite/. The pages work without JavaScript (there
// is none), speak Dutch and English, and drive any reconi.UserSide, so they
// behave the same over the embedded service and a remote one.
//
// # URLs
//
//	GET  /invite/{token}            the page of the current step (Invitation.Next), so
//	                                a refresh or a later visit lands on the right one
//	POST /invite/{token}/confirm    step 1: approve the details
//	POST /invite/{token}/send-code  step 2, and "send a new code" on step 3: SMS a code
//	POST /invite/{token}/verify     step 3: check the code (form field "code")
//	POST /invite/{token}/order      step 4: order the means
//	GET  /invite/{token}/...        303 to /invite/{token}
//	GET  /invite/static/style.css   the stylesheet
//
// A POST that succeeds answers 303 See Other to GET /invite/{token}
// (post/redirect/get). A POST for a step that is no longer the current one
// (the back button, a second tab) changes nothing and answers 303 too.
//
// # Statuses
//
//	200  a step's page
//	303  after a POST, see above
//	400  a form that could not be read
//	403  a POST without a valid CSRF token; nothing changed
//	404  an unknown invitation link
//	409  the request changed meanwhile (another tab or process)
//	410  an expired or cancelled invitation: the link will not work again
//	422  a code that is wrong, malformed, expired or used up; the code page again
//	429  a new code asked for too soon or too often; the page again, with Retry-After
//	500  anything else; the log has the reference shown on the page
//
// # Hooks for browser tests
//
// These ids and names are a contract; keep them stable.
//
//	<main data-step="details|phone|code|summary|done|error">
//	<form id="confirm">    button id="confirm-submit"    (details)
//	<form id="send-code">  button id="send-code-submit"  (phone; also "send a new code" on code)
//	<form id="verify">     button id="verify-submit", <input id="code" name="code">  (code)
//	<p id="code-valid">    how long the code is valid, and until when  (code)
//	<form id="order">      button id="order-submit"      (summary)
//	<input type="hidden" name="csrf"> in every form
//	<a id="lang-switch">   the other language
//	<div id="error" role="alert">  a problem; the code field's own message is id="code-error"
//
// # Language
//
// ?lang=nl or ?lang=en chooses, and is remembered in the reconi_lang cookie;
// otherwise the cookie, then Accept-Language, then Dutch. Every text is in
// the one table of i18n.go.
//
// # Security
//
// Every POST needs the form's hidden csrf value: an HMAC, under
// Options.CSRFSecret, of the invitation token, a random per-browser value
// in the reconi_csrf cookie (HttpOnly, SameSite=Strict, Secure over TLS or
// with Options.SecureCookies) and the time the page was made; it is valid
// for Options.FormTTL. Every response carries a Content-Security-Policy
// without inline script (default-src 'self'), X-Frame-Options DENY,
// Referrer-Policy no-referrer (the URL holds the token), and Cache-Control
// no-store except the stylesheet. Logs show the route pattern, never the
// token.
package web

import (
	"bytes"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/reconi/reconi/internal/httpapi"
	"github.com/reconi/reconi/internal/reconi"
)

// Options tune the pages.
type Options struct {
	// CSRFSecret keys the CSRF tokens. Servers behind one balancer must
	// share it. Empty: a random secret, so forms do not survive a restart.
	CSRFSecret []byte
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives internal errors (default: discarded).
	Logger *slog.Logger
	// FormTTL is how long a page's forms may be sent (default 24 hours).
	FormTTL time.Duration
	// SecureCookies marks cookies Secure on plain HTTP requests too, for a
	// server behind a proxy that ends TLS. TLS requests always get them.
	SecureCookies bool
	// CodeTTL is how long an SMS code is valid, which the code page states
	// (default 10 minutes, the service's).
	CodeTTL time.Duration
}

var (
	//go:embed templates/*.html
	templateFS embed.FS
	//go:embed static
	staticFS embed.FS
)

// pageNames are the templates, each rendered inside layout.html; the name is
// also main's data-step.
var pageNames = []string{"details", "phone", "code", "summary", "done", "error"}

// pages are parsed on the first page served, not at start: every command
// links this package, and parsing cost each one's start-up about 0.7 ms
// (issue 15).
var pages = sync.OnceValue(func() map[string]*template.Template {
	m := map[string]*template.Template{}
	for _, n := range pageNames {
		m[n] = template.Must(template.New(n).ParseFS(templateFS, "templates/layout.html", "templates/"+n+".html"))
	}
	return m
})

// maxForm bounds a form body: the largest holds a code and a CSRF token.
const maxForm = 16 << 10

type handler struct {
	b       reconi.UserSide
	csrf    *csrf
	now     func() time.Time
	log     *slog.Logger
	secure  bool
	codeTTL time.Duration
	mux     *http.ServeMux
}

// New returns the handler of the invitation pages, for every path under
// /invite/.
func New(b reconi.UserSide, opts Options) http.Handler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if opts.FormTTL <= 0 {
		opts.FormTTL = 24 * time.Hour
	}
	if opts.CodeTTL <= 0 {
		opts.CodeTTL = 10 * time.Minute
	}
	secret := opts.CSRFSecret
	if len(secret) == 0 {
		secret = make([]byte, 32)
		rand.Read(secret)
	}
	h := &handler{b: b, now: opts.Now, log: opts.Logger, secure: opts.SecureCookies, codeTTL: opts.CodeTTL, mux: http.NewServeMux(),
		csrf: &csrf{secret: secret, ttl: opts.FormTTL, now: opts.Now, secure: opts.SecureCookies}}

	h.route("GET /invite/static/{file}", h.static)
	h.route("GET /invite/{token}", h.show)
	h.route("GET /invite/{token}/{rest...}", func(w http.ResponseWriter, r *http.Request) {
		h.seeOther(w, r, r.PathValue("token"))
	})
	h.route("POST /invite/{token}/confirm", h.post([]string{"confirm"}, func(r *http.Request, token string) error {
		_, err := b.ConfirmDetails(r.Context(), token)
		return err
	}))
	h.route("POST /invite/{token}/send-code", h.post([]string{"send_code", "verify"}, func(r *http.Request, token string) error {
		_, err := b.SendCode(r.Context(), token)
		return err
	}))
	h.route("POST /invite/{token}/verify", h.post([]string{"verify"}, func(r *http.Request, token string) error {
		code, ok := cleanCode(r.PostFormValue("code"))
		if !ok {
			return errCodeFormat
		}
		_, err := b.VerifyCode(r.Context(), token, code)
		return err
	}))
	h.route("POST /invite/{token}/order", h.post([]string{"order"}, func(r *http.Request, token string) error {
		_, err := b.Order(r.Context(), token)
		return err
	}))
	h.route("/invite/", func(w http.ResponseWriter, r *http.Request) {
		lang := h.lang(w, r)
		h.problemPage(w, r, lang, "", problem{status: http.StatusNotFound, title: "err.notfound.title", msg: mustTr(lang, "err.notfound")})
	})
	return h
}

// route registers fn for pattern, which the request log shows instead of
// the path.
func (h *handler) route(pattern string, fn http.HandlerFunc) {
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		httpapi.SetLogRoute(r, pattern)
		fn(w, r)
	})
}

// csp allows the stylesheet from the server itself and nothing else: no
// script at all, no framing, forms only to the server.
const csp = "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", csp)
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Vary", "Accept-Language, Cookie")
	h.mux.ServeHTTP(w, r)
}

func (h *handler) static(w http.ResponseWriter, r *http.Request) {
	name := "static/" + r.PathValue("file")
	if _, err := staticFS.Open(name); err != nil {
		lang := h.lang(w, r)
		h.problemPage(w, r, lang, "", problem{status: http.StatusNotFound, title: "err.notfound.title", msg: mustTr(lang, "err.notfound")})
		return
	}
	// The stylesheet holds no secret and may be cached.
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.ServeFileFS(w, r, staticFS, name)
}

// lang chooses the page language, remembering a ?lang= choice.
func (h *handler) lang(w http.ResponseWriter, r *http.Request) string {
	l, fromQuery := chooseLang(r)
	if fromQuery {
		// Lax, unlike the CSRF cookie: the choice should hold when the
		// user arrives from the email again.
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: cookiePath, MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: h.secure || r.TLS != nil, SameSite: http.SameSiteLaxMode})
	}
	return l
}

func basePath(token string) string { return "/invite/" + url.PathEscape(token) }

func (h *handler) seeOther(w http.ResponseWriter, r *http.Request, token string) {
	http.Redirect(w, r, basePath(token), http.StatusSeeOther)
}

// show is GET /invite/{token}: the current step.
func (h *handler) show(w http.ResponseWriter, r *http.Request) {
	lang := h.lang(w, r)
	token := r.PathValue("token")
	inv, err := h.b.Invitation(r.Context(), token)
	if err != nil {
		h.fail(w, r, lang, token, err)
		return
	}
	h.step(w, r, lang, token, inv, problem{status: http.StatusOK})
}

// errCodeFormat: the code typed is not 6 digits; the service is not asked,
// so it costs no try.
var errCodeFormat = errors.New("the code is not 6 digits")

// maxTyped bounds a malformed code shown again in the field: longer input
// was not a code mistyped.
const maxTyped = 32

// cleanCode drops the spaces and dashes people type in a code ("123 456").
func cleanCode(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' || r == '\t' {
			return -1
		}
		return r
	}, s)
	if len(s) != 6 {
		return "", false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	return s, true
}

// post runs one step: it checks the CSRF token, that the step is the
// current one (allowed lists the Invitation.Next values it may follow), and
// then act.
func (h *handler) post(allowed []string, act func(r *http.Request, token string) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := h.lang(w, r)
		token := r.PathValue("token")
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if err := r.ParseForm(); err != nil {
			h.problemPage(w, r, lang, token, problem{status: http.StatusBadRequest, title: "err.conflict.title", msg: mustTr(lang, "err.conflict")})
			return
		}
		if !h.csrf.valid(r, token) {
			h.problemPage(w, r, lang, token, problem{status: http.StatusForbidden, title: "err.csrf.title", msg: mustTr(lang, "err.csrf")})
			return
		}
		inv, err := h.b.Invitation(r.Context(), token)
		if err != nil {
			h.fail(w, r, lang, token, err)
			return
		}
		if !slices.Contains(allowed, inv.Next) {
			h.seeOther(w, r, token)
			return
		}
		if err := act(r, token); err != nil {
			if errors.Is(err, errCodeFormat) {
				// Kept in the field, so that a typo can be corrected.
				typed := r.PostFormValue("code")
				if len(typed) > maxTyped {
					typed = ""
				}
				h.step(w, r, lang, token, inv, problem{status: http.StatusUnprocessableEntity, field: "code", msg: mustTr(lang, "err.code.format"), value: typed})
				return
			}
			if p := classify(lang, err, h.now()); p.onForm() {
				h.step(w, r, lang, token, inv, p)
				return
			}
			h.fail(w, r, lang, token, err)
			return
		}
		h.seeOther(w, r, token)
	}
}

// fail shows err on an error page.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, lang, token string, err error) {
	p := classify(lang, err, h.now())
	if p.internal {
		ref := reference()
		h.log.Error("invitation page", "ref", ref, "route", r.Pattern, "err", err)
		p.msg = mustTr(lang, "err.internal", ref)
	} else if p.onForm() {
		// A form problem where no form can be shown: the step moved on.
		p = problem{status: http.StatusConflict, title: "err.conflict.title", msg: mustTr(lang, "err.conflict")}
	}
	h.problemPage(w, r, lang, token, p)
}

func reference() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func (h *handler) problemPage(w http.ResponseWriter, r *http.Request, lang, token string, p problem) {
	v := newView(lang, "error", token)
	v.Title = mustTr(lang, p.title)
	v.Paragraphs = []string{p.msg}
	switch p.status {
	case http.StatusNotFound, http.StatusGone:
		// The link will not work: no way back to offer.
	default:
		if token != "" {
			v.Back = v.Base
		}
	}
	h.render(w, r, p.status, v)
}

// step renders the page of inv's current step, with p's message when p is
// a problem shown on the form.
func (h *handler) step(w http.ResponseWriter, r *http.Request, lang, token string, inv *reconi.Invitation, p problem) {
	v := newView(lang, "", token)
	v.Inv, v.Error, v.ErrorField, v.Code = inv, p.msg, p.field, p.value
	switch inv.Next {
	case "confirm":
		v.Page, v.Title, v.Step = "details", mustTr(lang, "details.title"), 1
		v.Rows = detailRows(lang, inv, true)
	case "send_code":
		v.Page, v.Title, v.Step = "phone", mustTr(lang, "phone.title"), 2
	case "verify":
		v.Page, v.Title, v.Step = "code", mustTr(lang, "code.title"), 3
		if inv.CodeSentAt != nil {
			v.SentAt = formatWhen(lang, *inv.CodeSentAt, h.now())
			v.CodeValid = mustTr(lang, "code.valid", formatWait(lang, h.codeTTL), formatWhen(lang, inv.CodeSentAt.Add(h.codeTTL), h.now()))
		}
	case "order":
		v.Page, v.Title, v.Step = "summary", mustTr(lang, "summary.title"), 4
		v.Rows = detailRows(lang, inv, false)
	case "done":
		v.Page = "done"
		v.Title, v.Paragraphs = doneTexts(lang, inv, h.now())
	default:
		h.fail(w, r, lang, token, reconi.Errorf(reconi.KindInternal, "unknown next step %q", inv.Next))
		return
	}
	v.Phone = formatPhone(inv.User.Phone)
	v.Steps = stepList(lang, v.Step)
	if v.Page != "done" {
		v.CSRF = h.csrf.token(token, h.csrf.browserID(w, r))
	}
	if p.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((p.retryAfter+time.Second-1)/time.Second)))
	}
	h.render(w, r, p.status, v)
}

func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, v *view) {
	var buf bytes.Buffer
	if err := pages()[v.Page].ExecuteTemplate(&buf, "layout", v); err != nil {
		h.log.Error("rendering an invitation page", "page", v.Page, "route", r.Pattern, "err", err)
		http.Error(w, "internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", v.Lang)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
