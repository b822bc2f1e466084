package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
	"github.com/reconi/reconi/internal/store/sqlite"
	"github.com/reconi/reconi/internal/web"
)

// --- the fixture: a real service over SQLite, the pages over HTTP -------

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type fixture struct {
	ctx   context.Context
	clock *clock
	svc   *service.Service
	srv   *httptest.Server
	log   *bytes.Buffer
	kvk   int
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{
		ctx:   reconi.WithActor(context.Background(), reconi.Actor{Name: "t", Role: reconi.RoleLocal}),
		clock: &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)},
		log:   &bytes.Buffer{},
		kvk:   69599084,
	}
	st, err := sqlite.Open(f.ctx, filepath.Join(t.TempDir(), "reconi.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f.svc, err = service.New(f.ctx, st, service.WithClock(f.clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	h := web.New(f.svc, web.Options{CSRFSecret: []byte("test secret"), Now: f.clock.Now,
		Logger: slog.New(slog.NewTextHandler(f.log, nil))})
	f.srv = httptest.NewServer(h)
	t.Cleanup(f.srv.Close)
	return f
}

type invited struct {
	app   *reconi.Application
	email string
	token string
}

// invite runs the manager's wizard for one user and submits it; the token
// comes from the invitation email in the outbox.
func (f *fixture) invite(t *testing.T, email string, employed bool) invited {
	t.Helper()
	kvk := fmt.Sprintf("%08d", f.kvk)
	f.kvk++
	if _, err := f.svc.RegisterOrganization(f.ctx, reconi.NewOrganization{KVK: kvk, Name: "Testbedrijf " + kvk}); err != nil {
		t.Fatal(err)
	}
	a, err := f.svc.CreateDraft(f.ctx, reconi.NewDraft{KVK: kvk, Level: "EH3"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddUser(f.ctx, a.ID, reconi.NewUser{FirstName: "Jan", LastName: "Jansen", Email: email,
		Phone: "+31612345678", DateOfBirth: "1980-05-17", Employed: &employed}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.SetPermissions(f.ctx, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 3}); err != nil {
		t.Fatal(err)
	}
	if a, err = f.svc.Submit(f.ctx, a.ID, reconi.Submission{AgreeTerms: true, NotifyEmail: "manager@example.nl"}); err != nil {
		t.Fatal(err)
	}
	ms, err := reconi.AllMessages(f.ctx, f.svc, reconi.OutboxFilter{To: email, Channel: "email"})
	if err != nil {
		t.Fatal(err)
	}
	link := regexp.MustCompile(`http://127\.0\.0\.1:8080/invite/([A-Za-z0-9_-]+)`)
	for _, m := range ms {
		if s := link.FindStringSubmatch(m.Body); s != nil {
			return invited{app: a, email: email, token: s[1]}
		}
	}
	t.Fatalf("no invitation link for %s in the outbox", email)
	return invited{}
}

// smsCode is the code of the last SMS in the outbox.
func (f *fixture) smsCode(t *testing.T) string {
	t.Helper()
	ms, err := reconi.AllMessages(f.ctx, f.svc, reconi.OutboxFilter{Channel: "sms"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 {
		t.Fatal("no SMS in the outbox")
	}
	m := regexp.MustCompile(`code is (\d{6})`).FindStringSubmatch(ms[len(ms)-1].Body)
	if m == nil {
		t.Fatalf("no code in SMS %q", ms[len(ms)-1].Body)
	}
	return m[1]
}

func (f *fixture) state(t *testing.T, inv invited) reconi.UserState {
	t.Helper()
	us, err := reconi.AllUsers(f.ctx, f.svc, reconi.UserFilter{ApplicationID: inv.app.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.Email == inv.email {
			return u.State
		}
	}
	t.Fatalf("no user %s", inv.email)
	return ""
}

// --- a browser without JavaScript ------------------------------------------

type browser struct {
	t      *testing.T
	f      *fixture
	c      *http.Client
	header http.Header
}

func (f *fixture) browser(t *testing.T) *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{t: t, f: f, header: http.Header{}, c: &http.Client{Jar: jar,
		// Redirects are checked, then followed by hand.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status int
	header http.Header
	body   string
	doc    *html.Node
	url    string
}

func (b *browser) do(req *http.Request) *page {
	b.t.Helper()
	for k, v := range b.header {
		req.Header[k] = v
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	p := &page{status: res.StatusCode, header: res.Header, body: string(body), url: req.URL.Path}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		if p.doc, err = html.Parse(bytes.NewReader(body)); err != nil {
			b.t.Fatal(err)
		}
	}
	return p
}

func (b *browser) get(path string) *page {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.f.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) *page {
	b.t.Helper()
	req, err := http.NewRequest("POST", b.f.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// submit sends the form with id as a browser would: its action, its hidden
// fields, and the values given.
func (b *browser) submit(p *page, id string, values map[string]string) *page {
	b.t.Helper()
	form := byID(p.doc, id)
	if form == nil || form.Data != "form" {
		b.t.Fatalf("%s: no form #%s", p.url, id)
	}
	if m := attr(form, "method"); m != "post" {
		b.t.Fatalf("form #%s: method %q", id, m)
	}
	v := url.Values{}
	for _, in := range all(form, func(n *html.Node) bool { return n.Data == "input" }) {
		if attr(in, "type") == "hidden" {
			v.Set(attr(in, "name"), attr(in, "value"))
		}
	}
	for k, x := range values {
		if in := byID(form, k); in == nil || attr(in, "name") != k {
			b.t.Fatalf("form #%s has no field %s", id, k)
		}
		v.Set(k, x)
	}
	return b.post(attr(form, "action"), v)
}

// follow expects a 303 to the invitation's page and follows it.
func (b *browser) follow(p *page, token string) *page {
	b.t.Helper()
	if p.status != http.StatusSeeOther {
		b.t.Fatalf("POST %s: status %d, want 303; body:\n%s", p.url, p.status, p.body)
	}
	if loc := p.header.Get("Location"); loc != "/invite/"+token {
		b.t.Fatalf("POST %s: Location %q, want /invite/TOKEN", p.url, loc)
	}
	return b.get("/invite/" + token)
}

// --- reading pages ---------------------------------------------------------

func all(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func byID(n *html.Node, id string) *html.Node {
	if n == nil {
		return nil
	}
	if m := all(n, func(n *html.Node) bool { return attr(n, "id") == id }); len(m) > 0 {
		return m[0]
	}
	return nil
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func (p *page) text() string { return text(p.doc) }

func (p *page) step() string {
	if m := byID(p.doc, "main"); m != nil {
		return attr(m, "data-step")
	}
	return ""
}

// check asserts what every page must have: its step and status, the
// language, one h1, a label for every field, the CSRF field in every form,
// the language switch, no script or inline style, the security headers,
// and the texts given.
func (p *page) check(t *testing.T, status int, step, lang string, texts ...string) {
	t.Helper()
	if p.status != status {
		t.Fatalf("%s: status %d, want %d; body:\n%s", p.url, p.status, status, p.body)
	}
	if p.doc == nil {
		t.Fatalf("%s: not HTML (%s)", p.url, p.header.Get("Content-Type"))
	}
	if got := p.step(); got != step {
		t.Fatalf("%s: page %q, want %q; text: %s", p.url, got, step, p.text())
	}
	h := all(p.doc, func(n *html.Node) bool { return n.Data == "html" })
	if len(h) != 1 || attr(h[0], "lang") != lang {
		t.Errorf("%s: <html lang> is not %q", p.url, lang)
	}
	if cl := p.header.Get("Content-Language"); cl != lang {
		t.Errorf("%s: Content-Language %q, want %q", p.url, cl, lang)
	}
	if n := len(all(p.doc, func(n *html.Node) bool { return n.Data == "h1" })); n != 1 {
		t.Errorf("%s: %d h1 elements", p.url, n)
	}
	labels := map[string]bool{}
	for _, l := range all(p.doc, func(n *html.Node) bool { return n.Data == "label" }) {
		labels[attr(l, "for")] = true
	}
	for _, in := range all(p.doc, func(n *html.Node) bool {
		return (n.Data == "input" && attr(n, "type") != "hidden") || n.Data == "select" || n.Data == "textarea"
	}) {
		if id := attr(in, "id"); id == "" || !labels[id] {
			t.Errorf("%s: field %q has no <label for>", p.url, attr(in, "name"))
		}
	}
	for _, f := range all(p.doc, func(n *html.Node) bool { return n.Data == "form" }) {
		var csrf *html.Node
		for _, in := range all(f, func(n *html.Node) bool { return n.Data == "input" && attr(n, "name") == "csrf" }) {
			csrf = in
		}
		if csrf == nil || attr(csrf, "type") != "hidden" || attr(csrf, "value") == "" {
			t.Errorf("%s: form #%s has no CSRF field", p.url, attr(f, "id"))
		}
		if attr(f, "id") == "" {
			t.Errorf("%s: a form has no id", p.url)
		}
	}
	sw := byID(p.doc, "lang-switch")
	other := map[string]string{"nl": "en", "en": "nl"}[lang]
	if sw == nil || !strings.HasSuffix(attr(sw, "href"), "?lang="+other) || attr(sw, "hreflang") != other {
		t.Errorf("%s: no switch to %s", p.url, other)
	}
	if len(all(p.doc, func(n *html.Node) bool { return n.Data == "script" || n.Data == "style" || hasAttr(n, "style") })) > 0 {
		t.Errorf("%s: has script or inline style, which the CSP forbids", p.url)
	}
	checkHeaders(t, p)
	body := p.text()
	for _, s := range texts {
		if !strings.Contains(body, s) {
			t.Errorf("%s (%s): no %q in:\n%s", p.url, lang, s, body)
		}
	}
}

func checkHeaders(t *testing.T, p *page) {
	t.Helper()
	want := map[string]string{
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "no-referrer",
		"Cache-Control":          "no-store",
		"X-Content-Type-Options": "nosniff",
	}
	for k, v := range want {
		if got := p.header.Get(k); got != v {
			t.Errorf("%s: %s is %q, want %q", p.url, k, got, v)
		}
	}
	csp := p.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("%s: Content-Security-Policy %q", p.url, csp)
	}
}

// --- the flows ---------------------------------------------------------------

// TestEmployedFlow walks the user's steps in Dutch, looks at every page in
// English too, and ends with the means issued.
func TestEmployedFlow(t *testing.T) {
	f := newFixture(t)
	inv := f.invite(t, "jan@example.nl", true)
	base := "/invite/" + inv.token
	b := f.browser(t)
	en := f.browser(t)
	en.header.Set("Accept-Language", "en-GB,en;q=0.9")

	// 1. The details.
	p := b.get(base)
	p.check(t, 200, "details", "nl", "Stap 1 van 4", "Controleer uw gegevens", "Jan Jansen", "jan@example.nl",
		"+31 6 12345678", "17 mei 1980", "Testbedrijf 69599084", "KvK-nummer 69599084", "EH3 (substantieel)",
		"Alle diensten van alle dienstverleners", "3 jaar", "Gegevens goedkeuren", "1 april 2026")
	en.get(base).check(t, 200, "details", "en", "Step 1 of 4", "Check your details", "17 May 1980", "KvK number 69599084",
		"EH3 (substantial)", "All services of all providers", "3 years", "Approve details", "1 April 2026")
	if c := byID(p.doc, "confirm-submit"); c == nil || attr(c, "type") != "submit" {
		t.Error("no #confirm-submit button")
	}
	if byID(p.doc, "code") != nil {
		t.Error("the details page has a code field")
	}

	// 2. The mobile number.
	p = b.follow(b.submit(p, "confirm", nil), inv.token)
	p.check(t, 200, "phone", "nl", "Stap 2 van 4", "Controleer uw mobiele nummer", "+31 6 12345678", "Volgende: stuur de code")
	en.get(base).check(t, 200, "phone", "en", "Check your mobile number", "+31 6 12345678", "Next: send the code")
	// The number stays on one line: its spaces do not break.
	if want := "31\u00a06\u00a012345678</p>"; !strings.Contains(p.body, want) {
		t.Errorf("the page has no %q, the number with non-breaking spaces:\n%s", want, p.body)
	}
	if f.state(t, inv) != reconi.UserDetailsConfirmed {
		t.Fatalf("state %s after confirm", f.state(t, inv))
	}

	// 3. The code.
	p = b.follow(b.submit(p, "send-code", nil), inv.token)
	p.check(t, 200, "code", "nl", "Stap 3 van 4", "Vul de code in", "Code uit de sms", "om 10:00",
		"De code is 10 minuten geldig, tot 10:10.", "Stuur een nieuwe code")
	en.get(base).check(t, 200, "code", "en", "Enter the code", "Code from the text message", "At 10:00",
		"The code is valid for 10 minutes, until 10:10.", "Send a new code")
	field := byID(p.doc, "code")
	for k, v := range map[string]string{"name": "code", "inputmode": "numeric", "autocomplete": "one-time-code", "type": "text"} {
		if got := attr(field, k); got != v {
			t.Errorf("code field: %s=%q, want %q", k, got, v)
		}
	}
	code := f.smsCode(t)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}

	// A wrong code: the form again, 422, the tries left, said accessibly.
	p2 := b.submit(p, "verify", map[string]string{"code": wrong})
	p2.check(t, http.StatusUnprocessableEntity, "code", "nl", "De code klopt niet. U kunt het nog 4 keer proberen.")
	if !strings.HasPrefix(text(all(p2.doc, func(n *html.Node) bool { return n.Data == "title" })[0]), "Fout: ") {
		t.Error("the title of a page with a problem does not start with Fout:")
	}
	if a := byID(p2.doc, "error"); a == nil || attr(a, "role") != "alert" {
		t.Error("no #error alert")
	}
	if in := byID(p2.doc, "code"); attr(in, "aria-invalid") != "true" || !strings.Contains(attr(in, "aria-describedby"), "code-error") {
		t.Errorf("the code field is not marked invalid: %v", in.Attr)
	}
	if byID(p2.doc, "code-error") == nil {
		t.Error("no #code-error")
	}
	// In English, from a browser of its own (its own CSRF cookie).
	pe := en.get(base)
	pe = en.submit(pe, "verify", map[string]string{"code": wrong})
	pe.check(t, http.StatusUnprocessableEntity, "code", "en", "The code is not right. You have 3 tries left.")
	// Not six digits: the service is not asked, no try is spent, and what
	// was typed stays in the field to correct.
	p2 = b.submit(p2, "verify", map[string]string{"code": "12ab"})
	p2.check(t, http.StatusUnprocessableEntity, "code", "nl", "Vul de 6 cijfers van de code uit de sms in.")
	if got := attr(byID(p2.doc, "code"), "value"); got != "12ab" {
		t.Errorf("after a malformed code the field holds %q, want 12ab", got)
	}
	p2 = b.submit(p2, "verify", map[string]string{"code": wrong})
	p2.check(t, http.StatusUnprocessableEntity, "code", "nl", "nog 2 keer")

	// Asking for a new code at once is refused for now, on the same page.
	p2 = b.submit(p2, "send-code", nil)
	p2.check(t, http.StatusTooManyRequests, "code", "nl", "We hebben net een code gestuurd. Wacht 1 minuut")
	if ra := p2.header.Get("Retry-After"); ra != "60" {
		t.Errorf("Retry-After %q, want 60", ra)
	}
	if f.smsCode(t) != code {
		t.Fatal("a refused resend sent a code")
	}

	// The right code, typed with a space.
	p = b.follow(b.submit(p2, "verify", map[string]string{"code": code[:3] + " " + code[3:]}), inv.token)

	// 4. The summary.
	p.check(t, 200, "summary", "nl", "Stap 4 van 4", "Controleer en bestel", "Jan Jansen", "EH3 (substantieel)", "3 jaar",
		"In dienst van de organisatie Ja", "meteen na het bestellen uitgegeven", "Bestellen")
	en.get(base).check(t, 200, "summary", "en", "Check and order", "Employed by the organisation Yes", "issued right after you order")
	if f.state(t, inv) != reconi.UserPhoneVerified {
		t.Fatalf("state %s after verify", f.state(t, inv))
	}
	summary := p

	// 5. Done.
	p = b.follow(b.submit(p, "order", nil), inv.token)
	p.check(t, 200, "done", "nl", "Uw eHerkenningsmiddel is uitgegeven", "U kunt er nu mee inloggen")
	en.get(base).check(t, 200, "done", "en", "Your eHerkenning means has been issued", "You can log in with it now")
	if len(all(p.doc, func(n *html.Node) bool { return n.Data == "form" })) != 0 {
		t.Error("the done page has a form")
	}
	if got := f.state(t, inv); got != reconi.UserIssued {
		t.Fatalf("state %s, want issued", got)
	}

	// Ordering again from the old page (back button) changes nothing and
	// lands on the current page.
	p = b.follow(b.submit(summary, "order", nil), inv.token)
	p.check(t, 200, "done", "nl")
	// A refresh, or a later visit, shows the same.
	b.get(base).check(t, 200, "done", "nl", "uitgegeven")
}

// TestNotEmployedFlow ends in identification: 30 days, and the state says
// so.
func TestNotEmployedFlow(t *testing.T) {
	f := newFixture(t)
	inv := f.invite(t, "piet@example.nl", false)
	base := "/invite/" + inv.token
	b := f.browser(t)
	p := b.get(base)
	p = b.follow(b.submit(p, "confirm", nil), inv.token)
	p = b.follow(b.submit(p, "send-code", nil), inv.token)
	p = b.follow(b.submit(p, "verify", map[string]string{"code": f.smsCode(t)}), inv.token)
	p.check(t, 200, "summary", "nl", "In dienst van de organisatie Nee", "identificeert u zich bij onze partner")
	p = b.follow(b.submit(p, "order", nil), inv.token)
	p.check(t, 200, "done", "nl", "Volgende stap: identificatie", "binnen 30 dagen", "uiterlijk op 1 april 2026", "identiteitsbewijs")
	en := f.browser(t)
	en.get(base+"?lang=en").check(t, 200, "done", "en", "Next: identification", "within 30 days", "by 1 April 2026")
	if got := f.state(t, inv); got != reconi.UserIdentificationPending {
		t.Fatalf("state %s, want identification_pending", got)
	}
}

// TestCodeLimits: the last try, a used-up code, an expired code, and the
// hourly cap on new codes.
func TestCodeLimits(t *testing.T) {
	f := newFixture(t)
	inv := f.invite(t, "kees@example.nl", true)
	b := f.browser(t)
	p := b.get("/invite/" + inv.token)
	p = b.follow(b.submit(p, "confirm", nil), inv.token)
	p = b.follow(b.submit(p, "send-code", nil), inv.token)
	code := f.smsCode(t)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	for _, want := range []string{"nog 4 keer", "nog 3 keer", "nog 2 keer", "nog 1 keer", "dat was de laatste poging"} {
		p = b.submit(p, "verify", map[string]string{"code": wrong})
		p.check(t, 422, "code", "nl", want)
	}
	p = b.submit(p, "verify", map[string]string{"code": code})
	p.check(t, 422, "code", "nl", "Deze code is niet meer geldig. Vraag een nieuwe code aan.")

	// A new code, left to expire.
	f.clock.Advance(2 * time.Minute)
	p = b.follow(b.submit(p, "send-code", nil), inv.token)
	code = f.smsCode(t)
	f.clock.Advance(11 * time.Minute)
	p = b.submit(p, "verify", map[string]string{"code": code})
	p.check(t, 422, "code", "nl", "De code is verlopen.")

	// Five codes within the hour, then no more until the hour is over.
	for range 3 {
		f.clock.Advance(2 * time.Minute)
		p = b.follow(b.submit(p, "send-code", nil), inv.token)
	}
	f.clock.Advance(2 * time.Minute)
	p = b.submit(p, "send-code", nil)
	// The first code went at 9:00 UTC, 10:00 in Amsterdam.
	p.check(t, http.StatusTooManyRequests, "code", "nl", "te veel codes", "na 11:00")
	if ra := p.header.Get("Retry-After"); ra == "" {
		t.Error("no Retry-After")
	}
	p = b.get("/invite/" + inv.token + "?lang=en")
	p = b.submit(p, "send-code", nil)
	p.check(t, http.StatusTooManyRequests, "code", "en", "too many codes", "after 11:00")
}

// TestCSRF: a POST without the right token is refused with 403 and changes
// nothing.
func TestCSRF(t *testing.T) {
	f := newFixture(t)
	inv := f.invite(t, "jan@example.nl", true)
	other := f.invite(t, "marie@example.nl", true)
	base := "/invite/" + inv.token
	b := f.browser(t)
	p := b.get(base)
	good := attr(all(byID(p.doc, "confirm"), func(n *html.Node) bool { return attr(n, "name") == "csrf" })[0], "value")

	refused := func(name string, p *page) {
		t.Helper()
		p.check(t, http.StatusForbidden, "error", "nl", "Deze pagina is verlopen", "cookies")
		if back := byID(p.doc, "back"); back == nil || attr(back, "href") != base {
			t.Errorf("%s: no way back", name)
		}
		if got := f.state(t, inv); got != reconi.UserInvited {
			t.Fatalf("%s: state %s, want invited", name, got)
		}
	}
	refused("no token", b.post(base+"/confirm", nil))
	refused("wrong token", b.post(base+"/confirm", url.Values{"csrf": {"1." + strings.Repeat("A", 43)}}))
	refused("mangled token", b.post(base+"/confirm", url.Values{"csrf": {good + "x"}}))
	// The right token from a browser without the cookie (another site's
	// form posting cross-site does not get the SameSite=Strict cookie).
	refused("no cookie", f.browser(t).post(base+"/confirm", url.Values{"csrf": {good}}))
	// Another browser's cookie.
	c := f.browser(t)
	c.get(base)
	refused("other browser", c.post(base+"/confirm", url.Values{"csrf": {good}}))
	// A token made for another invitation.
	po := b.get("/invite/" + other.token)
	tokOther := attr(all(byID(po.doc, "confirm"), func(n *html.Node) bool { return attr(n, "name") == "csrf" })[0], "value")
	refused("other invitation", b.post(base+"/confirm", url.Values{"csrf": {tokOther}}))
	// A page left open too long.
	f.clock.Advance(25 * time.Hour)
	refused("old page", b.submit(p, "confirm", nil))

	// A fresh page works.
	b.follow(b.submit(b.get(base), "confirm", nil), inv.token).check(t, 200, "phone", "nl")
}

// TestCookies checks the attributes of the CSRF and language cookies.
func TestCookies(t *testing.T) {
	f := newFixture(t)
	inv := f.invite(t, "jan@example.nl", true)
	h := web.New(f.svc, web.Options{Now: f.clock.Now})
	for _, tls := range []bool{false, true} {
		target := "http://reconi.example/invite/" + inv.token + "?lang=en"
		if tls {
			target = "https://reconi.example/invite/" + inv.token + "?lang=en"
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		res := rec.Result()
		if res.StatusCode != 200 {
			t.Fatalf("status %d", res.StatusCode)
		}
		got := map[string]*http.Cookie{}
		for _, c := range res.Cookies() {
			got[c.Name] = c
		}
		cs := got["reconi_csrf"]
		if cs == nil || !cs.HttpOnly || cs.SameSite != http.SameSiteStrictMode || cs.Path != "/invite/" || cs.Secure != tls {
			t.Errorf("tls=%v: CSRF cookie %+v", tls, cs)
		}
		l := got["reconi_lang"]
		if l == nil || l.Value != "en" || !l.HttpOnly || l.Path != "/invite/" || l.Secure != tls || l.MaxAge <= 0 {
			t.Errorf("tls=%v: language cookie %+v", tls, l)
		}
	}
	// Behind a proxy that ends TLS.
	h = web.New(f.svc, web.Options{Now: f.clock.Now, SecureCookies: true})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/invite/"+inv.token, nil))
	for _, c := range rec.Result().Cookies() {
		if !c.Secure {
			t.Errorf("cookie %s is not Secure with SecureCookies", c.Name)
		}
	}
}

// TestLanguage: ?lang= wins and is remembered, then the cookie, then
// Accept-Language, then Dutch.
func TestLanguage(t *testing.T) {
	f := newFixture(t)
	inv := f.invite(t, "jan@example.nl", true)
	base := "/invite/" + inv.token
	for _, c := range []struct{ accept, want string }{
		{"", "nl"},
		{"en", "en"},
		{"en-US,en;q=0.8", "en"},
		{"fr-FR", "nl"},
		{"de, en;q=0.5", "en"},
		{"nl-BE, en;q=0.5", "nl"},
	} {
		b := f.browser(t)
		if c.accept != "" {
			b.header.Set("Accept-Language", c.accept)
		}
		b.get(base).check(t, 200, "details", c.want)
	}
	b := f.browser(t)
	b.header.Set("Accept-Language", "nl")
	p := b.get(base + "?lang=en")
	p.check(t, 200, "details", "en", "Nederlands")
	b.get(base).check(t, 200, "details", "en") // remembered over Accept-Language
	// The switch link leads back.
	p = b.get(attr(byID(p.doc, "lang-switch"), "href"))
	p.check(t, 200, "details", "nl", "English")
	b.get(base).check(t, 200, "details", "nl")
	b.get(base+"?lang=xx").check(t, 200, "details", "nl")
}

// TestGone: unknown, expired and cancelled invitations get a page that says
// so, with 404 and 410.
func TestGone(t *testing.T) {
	f := newFixture(t)
	inv := f.invite(t, "jan@example.nl", true)
	gone := f.invite(t, "marie@example.nl", false)
	b := f.browser(t)

	b.get("/invite/doesnotexist").check(t, 404, "error", "nl", "Deze link werkt niet", "de hele link")
	b.get("/invite/doesnotexist?lang=en").check(t, 404, "error", "en", "This link does not work", "the whole link")
	b.get("/invite/").check(t, 404, "error", "en", "This link does not work")

	if _, err := f.svc.Cancel(f.ctx, gone.app.ID, gone.email, ""); err != nil {
		t.Fatal(err)
	}
	b.get("/invite/"+gone.token).check(t, http.StatusGone, "error", "en", "This request was cancelled")
	b.get("/invite/"+gone.token+"?lang=nl").check(t, http.StatusGone, "error", "nl", "Deze aanvraag is ingetrokken")

	f.clock.Advance(31 * 24 * time.Hour)
	b.get("/invite/"+inv.token).check(t, http.StatusGone, "error", "nl", "Deze uitnodiging is verlopen", "geldig tot 1 april 2026")
	b.get("/invite/"+inv.token+"?lang=en").check(t, http.StatusGone, "error", "en", "This invitation has expired", "valid until 1 April 2026")
}

// TestExpiredOnPost: a form sent after the invitation expired gets the
// expired page, not a stale step.
func TestExpiredOnPost(t *testing.T) {
	f := newFixture(t)
	inv := f.invite(t, "jan@example.nl", true)
	b := f.browser(t)
	f.clock.Advance(30*24*time.Hour - time.Hour)
	p := b.get("/invite/" + inv.token)
	p.check(t, 200, "details", "nl")
	f.clock.Advance(2 * time.Hour)
	b.submit(p, "confirm", nil).check(t, http.StatusGone, "error", "nl", "Deze uitnodiging is verlopen")
}

// TestRoutes: GETs of the step URLs lead to the current step, the
// stylesheet is served, and the headers are on every response.
func TestRoutes(t *testing.T) {
	f := newFixture(t)
	inv := f.invite(t, "jan@example.nl", true)
	b := f.browser(t)
	for _, s := range []string{"/confirm", "/verify", "/order", "/", "/anything/else"} {
		p := b.get("/invite/" + inv.token + s)
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/invite/"+inv.token {
			t.Errorf("GET %s: %d to %q", s, p.status, p.header.Get("Location"))
		}
		checkHeaders(t, p)
	}
	css := b.get("/invite/static/style.css")
	if css.status != 200 || !strings.HasPrefix(css.header.Get("Content-Type"), "text/css") || !strings.Contains(css.body, "font") {
		t.Errorf("stylesheet: %d %s", css.status, css.header.Get("Content-Type"))
	}
	if css.header.Get("X-Content-Type-Options") != "nosniff" || css.header.Get("Content-Security-Policy") == "" {
		t.Error("stylesheet without security headers")
	}
	p := b.get("/invite/" + inv.token)
	if l := all(p.doc, func(n *html.Node) bool { return n.Data == "link" && attr(n, "rel") == "stylesheet" }); len(l) != 1 || attr(l[0], "href") != "/invite/static/style.css" {
		t.Error("the page does not link the stylesheet")
	}
	b.get("/invite/static/nothing.css").check(t, 404, "error", "nl")
	// A POST for an unknown step.
	if p := b.post("/invite/"+inv.token+"/approve", nil); p.status != http.StatusNotFound {
		t.Errorf("POST unknown step: %d", p.status)
	}
}

// failing is a backend whose every answer is an internal error.
type failing struct{ reconi.UserSide }

func (failing) Invitation(context.Context, string) (*reconi.Invitation, error) {
	return nil, errors.New("database is on fire")
}

// TestInternalError: a 500 page with a reference that the log has too,
// and the log names the route, never the token.
func TestInternalError(t *testing.T) {
	var log bytes.Buffer
	h := web.New(failing{}, web.Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
	srv := httptest.NewServer(h)
	defer srv.Close()
	b := &browser{t: t, f: &fixture{srv: srv}, header: http.Header{}, c: srv.Client()}
	p := b.get("/invite/secrettoken123?lang=en")
	p.check(t, 500, "error", "en", "Something went wrong on our side")
	ref := regexp.MustCompile(`reference: ([0-9a-f]{12})`).FindStringSubmatch(p.text())
	if ref == nil {
		t.Fatalf("no reference in %q", p.text())
	}
	if !strings.Contains(log.String(), ref[1]) || !strings.Contains(log.String(), "database is on fire") {
		t.Errorf("log lacks the reference or the error: %s", log.String())
	}
	if strings.Contains(log.String(), "secrettoken123") {
		t.Errorf("the log holds the token: %s", log.String())
	}
	if !strings.Contains(log.String(), "GET /invite/{token}") {
		t.Errorf("the log does not name the route: %s", log.String())
	}
}
