package serve_test

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	_ "modernc.org/sqlite" // expireInvitation's connection

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/internal/cmdtest"
	"github.com/reconi/reconi/cmd/internal/flowtest"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/notify/notifytest"
	"github.com/reconi/reconi/internal/output"
)

var (
	screenshotDir     = flag.String("screenshots", "", "keep TestBrowserInvitation's screenshot of every step in this `directory` (default: a temporary one)")
	updateScreenshots = flag.Bool("update-screenshots", false, "rewrite the pictures in "+docScreenshots+" from TestBrowserInvitation")
)

// docScreenshots holds every step as the documentation shows it, relative
// to the repository root: invite-STEP.png at desktop width and
// invite-STEP-390.png at a phone's.
const docScreenshots = "docs/screenshots"

// chromiumEnv names a browser binary to use instead of looking in PATH.
const chromiumEnv = "RECONI_CHROMIUM"

// axeEnv names axe-core's axe.min.js, to use instead of the copy that
// .ci/run installs at axeInstalled (relative to the repository root), in
// the version axeVersion.
const (
	axeEnv       = "RECONI_AXE_JS"
	axeInstalled = ".cache/axe/node_modules/axe-core/axe.min.js"
	axeVersion   = "4.14.1"
)

// The widths the pages are audited at (desktop, and the 320 CSS px of WCAG
// 1.4.10 Reflow) and pictured at (desktop, and a phone's 390).
const (
	desktopWidth = 1280
	reflowWidth  = 320
	phoneWidth   = 390
	viewHeight   = 800
)

// Bounds of the browser test: the whole test, one browser step, and a wait
// for an email or an SMS.
const (
	browserTestTimeout = 3 * time.Minute
	stepTimeout        = 15 * time.Second
	deliveryTimeout    = 10 * time.Second
)

// TestBrowserInvitation takes an employed user through the invitation pages
// in headless Chromium, as a person would: the manager submits through the
// wizard's commands, the link comes from the email the SMTP server received,
// the code from the SMS the webhook received, and `reconi status` ends with
// the user issued. `reconi serve` runs in process, on the same database
// file, and delivers the SMS with its dispatcher.
//
// Every page on the way is audited for WCAG 2.1 AA in Dutch and English
// (see audit): each step, a wrong and a malformed code, and an expired
// link, which a second user's invitation becomes.
//
// It skips when no browser or no axe-core is installed (see findChromium
// and findAxe), except under CI, which installs both.
func TestBrowserInvitation(t *testing.T) {
	chromium := findChromium(t)
	axeJS := findAxe(t)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), browserTestTimeout)
	defer cancel()

	// Where email and SMS arrive.
	mailSrv := notifytest.NewSMTPServer(t)
	sms := notifytest.NewWebhook(t, "sms-webhook-secret")

	s := cmdtest.New(t)
	addr := freeAddr(t)
	base := "http://" + addr
	for k, v := range map[string]string{
		config.KeySMTPHost:         mailSrv.Host,
		config.KeySMTPPort:         strconv.Itoa(mailSrv.Port),
		config.KeySMTPTLS:          "none",
		config.KeySMTPFrom:         "reconi@example.nl",
		config.KeySMSWebhookURL:    sms.URL,
		config.KeySMSWebhookSecret: sms.Secret,
		config.KeyPublicURL:        base,
	} {
		s.Setenv(config.EnvName(k), v)
	}
	startServe(t, ctx, s, addr)
	t.Logf("%v: reconi serve is ready at %s", since(start), base)

	// The manager's side: the wizard through cmd.Run. Jan goes through the
	// steps; Piet's link is left to expire.
	jan, piet := flowtest.Jan, flowtest.Piet
	appID := flowtest.Submit(t, s, jan, piet)
	invitationLink := func(email string) string {
		t.Helper()
		m := waitFor(t, ctx, "the invitation email to "+email, func() (notifytest.Mail, bool) {
			for _, m := range mailSrv.MailsTo(email) {
				if strings.Contains(m.Text, "/invite/") {
					return m, true
				}
			}
			return notifytest.Mail{}, false
		})
		link := inviteLinkRE.FindString(m.Text)
		if !strings.HasPrefix(link, base+"/invite/") {
			t.Fatalf("the invitation email to %s has no link under public_url %s:\n%s", email, base, m.Text)
		}
		return link
	}
	link, pietLink := invitationLink(jan.Email), invitationLink(piet.Email)
	t.Logf("%v: application %d submitted, invitation emails received", since(start), appID)

	// The user's side, in the browser.
	b := newBrowser(t, ctx, chromium, axeJS)
	t.Logf("%v: Chromium started", since(start))

	// Step 1 in both languages; the flow goes on in Dutch, the language
	// the choice is remembered in.
	b.open(link + "?lang=en")
	b.expectStep("details")
	b.expectAttr("html", "lang", "en")
	b.expectContains("h1", "Check your details")
	b.audit("details, en")
	b.open(link + "?lang=nl")
	b.expectStep("details")
	b.expectAttr("html", "lang", "nl")
	b.expectContains("h1", "Controleer uw gegevens")
	b.expectContains("#row-name", jan.First+" "+jan.Last)
	b.expectContains("#row-email", jan.Email)
	b.audit("details, nl")
	b.pictures("details")

	b.submit("confirm-submit", "phone")
	b.expectContains("#phone", "+31\u00a06\u00a012345678") // kept on one line
	b.auditBoth(link, "phone")
	b.pictures("phone")

	sent := len(smsTo(t, sms, flowtest.E164[jan.Phone]))
	b.submit("send-code-submit", "code")
	b.expectContains("#code-valid", "10 minuten")
	b.auditBoth(link, "code")
	b.pictures("code")
	code := waitFor(t, ctx, "the SMS with the code to "+jan.Phone, func() (string, bool) {
		ms := smsTo(t, sms, flowtest.E164[jan.Phone])
		if len(ms) <= sent {
			return "", false
		}
		return codeRE.FindString(ms[len(ms)-1]), true
	})
	if code == "" {
		t.Fatalf("no 6-digit code in the SMS to %s: %q", jan.Phone, smsTo(t, sms, flowtest.E164[jan.Phone]))
	}
	t.Logf("%v: code received by SMS", since(start))

	// A wrong code in each language (two of the five tries), then a
	// malformed one, which costs no try and stays in the field to correct.
	wrong := code[:5] + strconv.Itoa((int(code[5]-'0')+1)%10)
	b.do("typing a wrong code", chromedp.SendKeys(chromedp.ID("code"), wrong))
	b.submitStatus("verify-submit", http.StatusUnprocessableEntity, "code")
	b.expectContains("#code-error", "De code klopt niet")
	b.audit("wrong code, nl")
	b.pictures("code-wrong")
	b.open(link + "?lang=en")
	b.do("typing a wrong code", chromedp.SendKeys(chromedp.ID("code"), wrong))
	b.submitStatus("verify-submit", http.StatusUnprocessableEntity, "code")
	b.expectContains("#code-error", "The code is not right")
	b.audit("wrong code, en")
	b.do("typing a malformed code", chromedp.SendKeys(chromedp.ID("code"), code[:5]))
	b.submitStatus("verify-submit", http.StatusUnprocessableEntity, "code")
	b.expectContains("#code-error", "Enter the 6 digits")
	if got := run(b, "reading #code", chromedp.Value(chromedp.ID("code"))); got != code[:5] {
		t.Errorf("after a malformed code the field holds %q, want %q kept for correction", got, code[:5])
	}
	b.audit("malformed code, en")

	b.open(link + "?lang=nl")
	b.do("typing the code", chromedp.SendKeys(chromedp.ID("code"), code))
	b.submit("verify-submit", "summary")
	b.expectContains("#next-after-order", "meteen")
	b.auditBoth(link, "summary")
	b.pictures("summary")

	b.submit("order-submit", "done")
	b.expectContains("main", "Uw eHerkenningsmiddel is uitgegeven")
	t.Logf("%v: the done page says issued", since(start))
	b.audit("done, nl")
	b.pictures("done")
	b.open(link + "?lang=en")
	b.expectStep("done")
	b.expectContains("main", "Your eHerkenning means has been issued")
	b.audit("done, en")

	// Piet's link, opened too late.
	expireInvitation(t, s.DB, piet.Email)
	b.openStatus(pietLink+"?lang=nl", http.StatusGone)
	b.expectStep("error")
	b.expectContains("h1", "Deze uitnodiging is verlopen")
	b.audit("expired link, nl")
	b.pictures("expired")
	b.openStatus(pietLink+"?lang=en", http.StatusGone)
	b.expectContains("h1", "This invitation has expired")
	b.audit("expired link, en")
	t.Logf("%v: %d pages audited with axe-core %s, reflow and focus checks", since(start), b.audited, b.axeVersion)

	// The manager sees the user issued, and the user got the email saying so.
	r := s.MustRun("status", strconv.FormatInt(appID, 10), "-o", "json")
	var status struct {
		Users []struct {
			Email string `json:"email"`
			State string `json:"state"`
		} `json:"users"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &status); err != nil {
		t.Fatalf("status -o json: %v\n%s", err, r.Stdout)
	}
	issued := false
	for _, u := range status.Users {
		issued = issued || u.Email == jan.Email && u.State == "issued"
	}
	if !issued {
		t.Errorf("status %d after the browser flow: users %+v, want %s issued", appID, status.Users, jan.Email)
	}
	waitFor(t, ctx, "the email telling "+jan.Email+" the means was issued", func() (struct{}, bool) {
		for _, m := range mailSrv.MailsTo(jan.Email) {
			if strings.Contains(m.Subject, "uitgegeven") {
				return struct{}{}, true
			}
		}
		return struct{}{}, false
	})
	t.Logf("%v: reconi status says issued; screenshots in %s", since(start), b.dir)
}

var (
	inviteLinkRE = regexp.MustCompile(`https?://\S+/invite/[A-Za-z0-9_-]+`)
	codeRE       = regexp.MustCompile(`\b\d{6}\b`)
)

// findChromium returns the browser to drive: $RECONI_CHROMIUM, or the first
// of the usual names in PATH. Without one the test skips, saying how to get
// one, except under CI, which installs Chromium and must not pass quietly
// without it.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(chromiumEnv); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			t.Fatalf("%s=%s: %v", chromiumEnv, p, err)
		}
		return path
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	const why = "no Chromium found: install Debian's chromium package, or set " + chromiumEnv
	if isCI() {
		t.Fatal(why + " (CI=true: CI installs it, so the browser test must run)")
	}
	t.Skip(why)
	return ""
}

// findAxe returns the source of axe-core's axe.min.js: $RECONI_AXE_JS, or
// the copy .ci/run installs under .cache/axe. Without one the test skips,
// saying how to get it, except under CI, which installs it and must not
// pass without the accessibility checks.
func findAxe(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(axeEnv); p != "" {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%s=%s: %v", axeEnv, p, err)
		}
		return string(src)
	}
	src, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(axeInstalled))) // go test runs in cmd/serve
	if err == nil {
		return string(src)
	}
	why := "no axe-core found at " + axeInstalled + ", which the accessibility checks need: run `npm install --prefix .cache/axe axe-core@" +
		axeVersion + "` in the repository (as .ci/run does), or set " + axeEnv + " to an axe.min.js"
	if isCI() {
		t.Fatal(why + " (CI=true: CI installs it, so the browser test must run)")
	}
	t.Skip(why)
	return ""
}

func isCI() bool {
	ci := strings.ToLower(os.Getenv("CI"))
	return ci != "" && ci != "false" && ci != "0"
}

// expireInvitation moves a user's deadline into the past, as if the link
// were opened after its 30 days. reconi serve runs on the real clock, so
// the database is the only way to age an invitation within the test.
func expireInvitation(t *testing.T, dbPath, email string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(`UPDATE users SET deadline_at = $1 WHERE email = $2`, time.Now().Add(-time.Hour).UnixMicro(), email)
	if err != nil {
		t.Fatalf("expiring the invitation of %s: %v", email, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("expiring the invitation of %s: %d users changed, want 1", email, n)
	}
}

// freeAddr returns a loopback address with a port nobody listens on, so that
// public_url can name it before the server starts.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startServe runs `reconi serve` through cmd.Run on the sandbox's database
// until the test ends, and returns once it answers /readyz.
func startServe(t *testing.T, ctx context.Context, s *cmdtest.Sandbox, addr string) {
	t.Helper()
	ios, _, _, _ := output.Test()
	logs := &syncBuffer{}
	ios.ErrOut = logs
	sctx, stop := context.WithCancel(ctx)
	exited := make(chan int, 1)
	go func() {
		exited <- cmd.Run(sctx, []string{"serve", "--addr", addr, "--log-format", "text",
			"--dispatch-interval", "100ms", "--shutdown-grace", "5s"}, ios, s.Getenv)
	}()
	t.Cleanup(func() {
		stop()
		select {
		case code := <-exited:
			if code != cmd.ExitOK && code != cmd.ExitCancelled {
				t.Errorf("reconi serve exited %d", code)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("reconi serve did not stop within 10s of being cancelled")
		}
		if t.Failed() {
			t.Logf("reconi serve's log:\n%s", logs)
		}
	})
	ready := func() bool {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}
	deadline := time.Now().Add(deliveryTimeout)
	for !ready() {
		select {
		case code := <-exited:
			exited <- code // for the cleanup
			t.Fatalf("reconi serve exited %d before it was ready:\n%s", code, logs)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("reconi serve did not answer /readyz at %s within %v:\n%s", addr, deliveryTimeout, logs)
		}
	}
}

// waitFor polls until get reports a value, and fails the test after
// deliveryTimeout saying what it waited for.
func waitFor[T any](t *testing.T, ctx context.Context, what string, get func() (T, bool)) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, deliveryTimeout)
	defer cancel()
	for {
		if v, ok := get(); ok {
			return v
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waited %v for %s: it did not arrive", deliveryTimeout, what)
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// smsTo returns the bodies of the verified SMS the webhook received for a
// number.
func smsTo(t *testing.T, w *notifytest.Webhook, to string) []string {
	t.Helper()
	ms, err := w.SMS()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		if m.To == to {
			out = append(out, m.Body)
		}
	}
	return out
}

// browser is one tab of a headless Chromium that the test owns: every
// action is bounded by stepTimeout and fails the test with what the page
// showed.
type browser struct {
	t   *testing.T
	ctx context.Context
	dir string // screenshots
	log *syncBuffer
	// axeJS is axe-core's source, added to each page audited; axeVersion
	// is the version it reports; audited counts the pages.
	axeJS      string
	axeVersion string
	audited    int
}

// newBrowser starts Chromium with the flags this machine needs (no sandbox
// as root, no background connections, which a closed network refuses) and
// a fresh profile, and stops it, waiting for the process, when the test
// ends.
func newBrowser(t *testing.T, ctx context.Context, chromium, axeJS string) *browser {
	t.Helper()
	b := &browser{t: t, dir: *screenshotDir, log: &syncBuffer{}, axeJS: axeJS}
	if b.dir == "" {
		b.dir = t.TempDir()
	} else if err := os.MkdirAll(b.dir, 0o755); err != nil {
		t.Fatal(err)
	}
	profile := t.TempDir() // removed after the browser stopped: cleanups run last-in first-out
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("lang", "nl-NL"),
		chromedp.WindowSize(desktopWidth, viewHeight),
		chromedp.CombinedOutput(b.log),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc) // waits until the process has exited
	tab, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelTab)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("Chromium's output, last lines:\n%s", lastLines(b.log.String(), 30))
		}
	})
	// The first action starts the browser, bound to ctx (the test's own
	// deadline) and not to a step's timeout, which would stop it.
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("starting %s: %v\n%s", chromium, err, b.log)
	}
	b.ctx = tab
	return b
}

// run runs one bounded action.
func run[T any](b *browser, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		b.t.Fatalf("%s: %v\n%s", what, err, b.where())
	}
	return v
}

func (b *browser) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	run(b, what, chromedp.Steps(actions...))
}

// open loads url and checks it answered 200.
func (b *browser) open(url string) {
	b.t.Helper()
	b.openStatus(url, http.StatusOK)
}

// openStatus loads url and checks it answered status.
func (b *browser) openStatus(url string, status int) {
	b.t.Helper()
	resp := run(b, "opening "+redact(url), chromedp.NavigateResponse(url))
	if resp.Status != int64(status) {
		b.t.Fatalf("opening %s: status %d, want %d\n%s", redact(url), resp.Status, status, b.where())
	}
}

// submit clicks a form's button and checks that the form was accepted:
// after post/redirect/get the browser shows the page of step want.
func (b *browser) submit(button, want string) {
	b.t.Helper()
	b.submitStatus(button, http.StatusOK, want)
}

// submitStatus clicks a form's button and checks the page answered status
// and shows step want: 200 after a redirect, or the form again with a
// problem.
func (b *browser) submitStatus(button string, status int, want string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID(button), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("clicking #%s: %v\n%s", button, err, b.where())
	}
	if resp.Status != int64(status) {
		b.t.Fatalf("clicking #%s: the page answered %d, want %d\n%s", button, resp.Status, status, b.where())
	}
	b.expectStep(want)
}

// expectStep waits until the page is the step want.
func (b *browser) expectStep(want string) {
	b.t.Helper()
	b.do("waiting for step "+want, chromedp.WaitVisible(chromedp.CSS(`main[data-step="`+want+`"]`)))
}

// expectContains checks the text of the first element sel matches.
func (b *browser) expectContains(sel, want string) {
	b.t.Helper()
	if got := run(b, "reading "+sel, chromedp.Text(chromedp.CSS(sel))); !strings.Contains(got, want) {
		b.t.Fatalf("%s says %q, want it to contain %q\n%s", sel, got, want, b.where())
	}
}

// expectText checks an attribute of the first element sel matches.
func (b *browser) expectAttr(sel, attr, want string) {
	b.t.Helper()
	got := run(b, "reading "+sel+"["+attr+"]", chromedp.AttributeValue(chromedp.CSS(sel), attr))
	if !got.Exists || got.Value != want {
		b.t.Fatalf("%s has %s=%q (present: %v), want %q\n%s", sel, attr, got.Value, got.Exists, want, b.where())
	}
}

// shot saves a screenshot of the whole page as name.png and returns it.
func (b *browser) shot(name string) []byte {
	b.t.Helper()
	png := run(b, "taking a screenshot", chromedp.FullScreenshot(100))
	if err := os.WriteFile(filepath.Join(b.dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return png
}

// pictures takes the page at desktop and at phone width as
// invite-STEP.png and invite-STEP-390.png, and with -update-screenshots
// writes them to docScreenshots too, in few colours (see smallPNG).
func (b *browser) pictures(step string) {
	b.t.Helper()
	// Without the focus ring the audit's last Tab left.
	run(b, "blurring the focus", chromedp.Evaluate[bool](`document.activeElement?.blur(), true`))
	for _, p := range []struct {
		width int64
		name  string
	}{{desktopWidth, "invite-" + step}, {phoneWidth, "invite-" + step + "-" + strconv.Itoa(phoneWidth)}} {
		b.resize(p.width)
		png := b.shot(p.name)
		if *updateScreenshots {
			dir := filepath.Join("..", "..", filepath.FromSlash(docScreenshots)) // go test runs in cmd/serve
			if err := os.MkdirAll(dir, 0o755); err != nil {
				b.t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, p.name+".png"), smallPNG(b.t, png), 0o644); err != nil {
				b.t.Fatal(err)
			}
			b.t.Logf("wrote %s/%s.png", docScreenshots, p.name)
		}
	}
	b.resize(desktopWidth)
}

// smallPNG keeps a screenshot's 64 most frequent colours, each pixel
// mapped to the nearest: a page of flat colours and smoothed text looks the
// same and takes a third of the bytes, which keeps docs/screenshots small.
func smallPNG(t *testing.T, data []byte) []byte {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	r := img.Bounds()
	count := map[color.RGBA]int{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			count[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)]++
		}
	}
	colors := slices.SortedFunc(maps.Keys(count), func(a, b color.RGBA) int {
		if d := count[b] - count[a]; d != 0 {
			return d
		}
		return cmp.Or(cmp.Compare(a.R, b.R), cmp.Compare(a.G, b.G), cmp.Compare(a.B, b.B), cmp.Compare(a.A, b.A))
	})
	palette := make(color.Palette, 0, 64)
	for _, c := range colors[:min(len(colors), cap(palette))] {
		palette = append(palette, c)
	}
	out := image.NewPaletted(r, palette)
	draw.Draw(out, r, img, r.Min, draw.Src)
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, out); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// resize sets the viewport's width, in CSS pixels at a device scale of 1.
func (b *browser) resize(width int64) {
	b.t.Helper()
	b.do("setting the viewport to "+strconv.FormatInt(width, 10)+" px", chromedp.EmulateViewport(width, viewHeight))
}

// auditBoth audits the page of step, which the browser shows in Dutch, then
// the same step in English, and returns to Dutch.
func (b *browser) auditBoth(link, step string) {
	b.t.Helper()
	b.audit(step + ", nl")
	b.open(link + "?lang=en")
	b.expectStep(step)
	b.audit(step + ", en")
	b.open(link + "?lang=nl")
	b.expectStep(step)
}

// audit checks the page as it is against WCAG 2.1 AA, at desktop width and
// at 320 px, and reports every finding under name, going on so that one run
// lists them all:
//   - axe-core's rules tagged WCAG 2.0 and 2.1 A and AA;
//   - 1.4.10 Reflow: at 320 px the page is no wider than the viewport, also
//     with the text spacing of 1.4.12;
//   - 2.4.7 and 1.4.11: every control reached with Tab shows an outline of
//     at least 3:1 against the background around it, and Tab reaches every
//     control.
func (b *browser) audit(name string) {
	b.t.Helper()
	for _, width := range []int64{desktopWidth, reflowWidth} {
		b.resize(width)
		where := name + " at " + strconv.FormatInt(width, 10) + " px"
		b.axe(where)
		b.focusRings(where)
		if width == reflowWidth {
			b.reflow(where, false)
			b.reflow(where, true)
		}
	}
	b.resize(desktopWidth)
	b.audited++
}

// axeViolation is one rule axe-core found broken, with the elements.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// axeRun runs the WCAG 2.0 and 2.1 A and AA rules on the document.
const axeRun = `axe.run(document, {
	runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
	resultTypes: ["violations"],
}).then(r => r.violations.map(v => ({
	ID: v.id, Impact: v.impact || "", Help: v.help,
	Nodes: v.nodes.map(n => n.target.join(" ") + ": " + (n.failureSummary || "").replace(/\s+/g, " ")),
})))`

// axe runs axe-core on the page, adding it first: the page's
// Content-Security-Policy forbids script, but DevTools' evaluation is not
// bound by it.
func (b *browser) axe(where string) {
	b.t.Helper()
	if !run(b, "looking for axe", chromedp.Evaluate[bool](`typeof axe === "object"`)) {
		b.axeVersion = run(b, "adding axe-core", chromedp.Evaluate[string](b.axeJS+"\n;axe.version"))
		if b.axeVersion != axeVersion && os.Getenv(axeEnv) == "" {
			b.t.Fatalf("%s is axe-core %s, not the %s .ci/run pins: install it again", axeInstalled, b.axeVersion, axeVersion)
		}
	}
	vs := run(b, "running axe-core", chromedp.Evaluate[[]axeViolation](axeRun, chromedp.EvalAwaitPromise))
	for _, v := range vs {
		b.t.Errorf("%s: axe-core %s: %s (%s, %s):\n\t%s", where, b.axeVersion, v.Help, v.ID, v.Impact, strings.Join(v.Nodes, "\n\t"))
	}
}

// The text spacing of WCAG 1.4.12, added to and removed from the page's own
// stylesheet: the Content-Security-Policy refuses a new <style>, not a rule.
const (
	textSpacingOn = `(() => {
	const s = document.styleSheets[0];
	s.insertRule("* { line-height: 1.5 !important; letter-spacing: .12em !important; word-spacing: .16em !important }", s.cssRules.length);
	s.insertRule("p { margin-bottom: 2em !important }", s.cssRules.length);
	return true;
})()`
	textSpacingOff = `(() => {
	const s = document.styleSheets[0];
	s.deleteRule(s.cssRules.length - 1);
	s.deleteRule(s.cssRules.length - 1);
	return true;
})()`
)

// pageWidth is how wide the page is against the viewport, with the
// elements that stick out.
type pageWidth struct {
	Scroll, Inner int
	Wide          []string
}

const measureWidth = `(() => {
	const inner = window.innerWidth, wide = [];
	for (const el of document.querySelectorAll("body *")) {
		const r = el.getBoundingClientRect();
		if (r.right > inner + 0.5 || el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === "visible") {
			wide.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + [...el.classList].join(".") : "") +
				" (" + Math.round(Math.max(r.right, r.left + el.scrollWidth)) + " px)");
		}
	}
	return {Scroll: document.documentElement.scrollWidth, Inner: inner, Wide: wide.slice(0, 6)};
})()`

// reflow checks the page does not scroll sideways, with the text spacing
// of 1.4.12 when spacing is set.
func (b *browser) reflow(where string, spacing bool) {
	b.t.Helper()
	how := ""
	if spacing {
		how = " with the text spacing of WCAG 1.4.12"
		run(b, "adding text spacing", chromedp.Evaluate[bool](textSpacingOn))
		defer run(b, "removing text spacing", chromedp.Evaluate[bool](textSpacingOff))
	}
	w := run(b, "measuring the page", chromedp.Evaluate[pageWidth](measureWidth))
	if w.Scroll > w.Inner {
		b.t.Errorf("%s%s: the page is %d px wide in a viewport of %d px, so it scrolls sideways (WCAG 1.4.10); too wide: %s",
			where, how, w.Scroll, w.Inner, strings.Join(w.Wide, ", "))
	}
}

// focusStop is the control that has the focus, and its focus indicator:
// the outline and the background around it, composed to opaque colours.
type focusStop struct {
	Control, Style, Color, Background string
	Width, Ratio                      float64
}

// readFocus describes document.activeElement; Control is "" when no
// control has the focus. Contrast is WCAG 2.1's relative luminance ratio.
const readFocus = `(() => {
	const el = document.activeElement;
	if (!el || el === document.body || el === document.documentElement) return {Control: ""};
	const rgba = s => {
		const m = /rgba?\(([^)]*)\)/.exec(s);
		if (!m) return null;
		const p = m[1].split(/[\s,\/]+/).filter(Boolean).map(parseFloat);
		return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
	};
	const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat(1);
	const layers = [];
	for (let n = el.parentElement; n; n = n.parentElement) {
		const c = rgba(getComputedStyle(n).backgroundColor);
		if (c && c[3] > 0) {
			layers.push(c);
			if (c[3] >= 1) break;
		}
	}
	let bg = [255, 255, 255, 1];
	for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
	const cs = getComputedStyle(el);
	const ring = over(rgba(cs.outlineColor) || [0, 0, 0, 0], bg);
	const lum = c => {
		const [r, g, b] = c.slice(0, 3).map(v => (v /= 255) <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4));
		return 0.2126 * r + 0.7152 * g + 0.0722 * b;
	};
	const [hi, lo] = [lum(ring), lum(bg)].sort((x, y) => y - x);
	const hex = c => "#" + c.slice(0, 3).map(v => Math.round(v).toString(16).padStart(2, "0")).join("");
	return {
		Control: describe(el), Style: cs.outlineStyle, Width: parseFloat(cs.outlineWidth) || 0,
		Color: hex(ring), Background: hex(bg), Ratio: Math.round((hi + 0.05) / (lo + 0.05) * 100) / 100,
	};
})()`

// describeControl names an element by tag and id, or tag and text; the
// focus check defines it on the page as describe.
const describeControl = `window.describe = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : ' "' + (el.innerText || el.value || "").trim().slice(0, 40) + '"')`

// listControls names the visible controls, which Tab must reach.
const listControls = `[...document.querySelectorAll("a[href], button, input:not([type=hidden]), select, textarea")]
	.filter(el => el.getClientRects().length > 0).map(describe)`

// focusRings presses Tab through the page and checks each control's focus
// indicator, then that every control was reached.
func (b *browser) focusRings(where string) {
	b.t.Helper()
	run(b, "defining describe", chromedp.Evaluate[bool](describeControl+";true"))
	controls := run(b, "listing the controls", chromedp.Evaluate[[]string](listControls))
	seen := map[string]bool{}
	// Tab leaves the page after the last control and comes back to the
	// first: enough presses go round once from wherever the focus is.
	for range 2*len(controls) + 3 {
		b.do("pressing Tab", chromedp.KeyEvent(kb.Tab))
		f := run(b, "reading the focus", chromedp.Evaluate[focusStop](readFocus))
		if f.Control == "" {
			continue
		}
		if seen[f.Control] {
			break
		}
		seen[f.Control] = true
		switch {
		case f.Style == "none" || f.Width <= 0:
			b.t.Errorf("%s: %s shows no focus outline (WCAG 2.4.7)", where, f.Control)
		case f.Ratio < 3:
			b.t.Errorf("%s: the focus outline of %s, %s on %s, has a contrast of %.2f:1; WCAG 1.4.11 asks at least 3:1",
				where, f.Control, f.Color, f.Background, f.Ratio)
		}
	}
	for _, c := range controls {
		if !seen[c] {
			b.t.Errorf("%s: Tab does not reach %s (WCAG 2.1.1)", where, c)
		}
	}
}

// where describes the page for a failure: its step, any error shown, and
// its text, read with a fresh short timeout so that it works after a step
// timed out.
func (b *browser) where() string {
	ctx, cancel := context.WithTimeout(b.ctx, 3*time.Second)
	defer cancel()
	type page struct {
		URL, Step, Text string
	}
	p, err := chromedp.Run(ctx, chromedp.Evaluate[page](`({
		URL: location.pathname,
		Step: document.querySelector("main")?.dataset.step ?? "(no main)",
		Text: document.body?.innerText ?? "",
	})`))
	if err != nil {
		return "(the page could not be read: " + err.Error() + ")"
	}
	return "the page (" + redact(p.URL) + ", step " + p.Step + ") shows:\n" + p.Text
}

// redact hides the invitation token, as reconi's own logs do.
func redact(s string) string {
	return regexp.MustCompile(`/invite/[A-Za-z0-9_-]+`).ReplaceAllString(s, "/invite/{token}")
}

// lastLines returns the last n lines of s: Chromium's output is long and
// mostly noise about D-Bus, which headless use does not need.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

func since(start time.Time) time.Duration { return time.Since(start).Round(time.Millisecond) }

// syncBuffer is a bytes.Buffer that a server or a browser writes to from
// other goroutines while the test may read it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
