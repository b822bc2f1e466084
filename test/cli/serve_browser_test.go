package cli_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	_ "modernc.org/sqlite"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/notify/notifytest"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/test/cli/clitest"
	"github.com/reconi/reconi/test/cli/flowtest"
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
	t.Parallel()
	chromium := findChromium(t)
	axeJS := findAxe(t)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), browserTestTimeout)
	defer cancel()

	// Where email and SMS arrive.
	mailSrv := notifytest.NewSMTPServer(t)
	sms := notifytest.NewWebhook(t, "sms-webhook-secret")

	s := clitest.New(t)
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
	src, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(axeInstalled))) // go test runs in test/cli
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
func startServe(t *testing.T, ctx context.Context, s *clitest.Sandbox, addr string) {
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
