package serve_test

import (
	"bytes"
	"context"
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
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/internal/cmdtest"
	"github.com/reconi/reconi/cmd/internal/flowtest"
	"github.com/reconi/reconi/internal/config"
	"github.com/reconi/reconi/internal/notify/notifytest"
	"github.com/reconi/reconi/internal/output"
)

var (
	screenshotDir     = flag.String("screenshots", "", "keep TestBrowserInvitation's screenshot of every step in this `directory` (default: a temporary one)")
	updateScreenshots = flag.Bool("update-screenshots", false, "rewrite "+docScreenshot+" from TestBrowserInvitation")
)

// docScreenshot is the done page as the documentation shows it, relative to
// the repository root.
const docScreenshot = "docs/screenshots/invite-done.png"

// chromiumEnv names a browser binary to use instead of looking in PATH.
const chromiumEnv = "RECONI_CHROMIUM"

// Bounds of the browser test: the whole test, one browser step, and a wait
// for an email or an SMS.
const (
	browserTestTimeout = 60 * time.Second
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
// It skips when no browser is installed (see findChromium), except under
// CI, which installs one.
func TestBrowserInvitation(t *testing.T) {
	chromium := findChromium(t)
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

	// The manager's side: the wizard through cmd.Run.
	jan := flowtest.Jan
	appID := flowtest.Submit(t, s, jan)
	invitation := waitFor(t, ctx, "the invitation email to "+jan.Email, func() (notifytest.Mail, bool) {
		for _, m := range mailSrv.MailsTo(jan.Email) {
			if strings.Contains(m.Text, "/invite/") {
				return m, true
			}
		}
		return notifytest.Mail{}, false
	})
	link := inviteLinkRE.FindString(invitation.Text)
	if !strings.HasPrefix(link, base+"/invite/") {
		t.Fatalf("the invitation email has no link under public_url %s:\n%s", base, invitation.Text)
	}
	t.Logf("%v: application %d submitted, invitation email received", since(start), appID)

	// The user's side, in the browser.
	b := newBrowser(t, ctx, chromium)
	t.Logf("%v: Chromium started", since(start))

	// One page in both languages; the rest of the flow stays in Dutch, the
	// language the choice is remembered in.
	b.open(link + "?lang=en")
	b.expectStep("details")
	b.expectAttr("html", "lang", "en")
	b.expectContains("h1", "Check your details")
	b.shot("1-details-en")
	b.open(link + "?lang=nl")
	b.expectStep("details")
	b.expectAttr("html", "lang", "nl")
	b.expectContains("h1", "Controleer uw gegevens")
	b.expectContains("#row-name", jan.First+" "+jan.Last)
	b.expectContains("#row-email", jan.Email)
	b.shot("1-details-nl")

	b.submit("confirm-submit", "phone")
	b.expectContains("#phone", "+31 6 12345678")
	b.shot("2-phone")

	sent := len(smsTo(t, sms, flowtest.E164[jan.Phone]))
	b.submit("send-code-submit", "code")
	b.shot("3-code")
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
	b.do("typing the code", chromedp.SendKeys(chromedp.ID("code"), code))
	b.submit("verify-submit", "summary")
	b.expectContains("#next-after-order", "meteen")
	b.shot("4-summary")

	b.submit("order-submit", "done")
	b.expectContains("main", "Uw eHerkenningsmiddel is uitgegeven")
	done := b.shot("5-done")
	t.Logf("%v: the done page says issued", since(start))

	// The other language of the last page too.
	b.open(link + "?lang=en")
	b.expectStep("done")
	b.expectContains("main", "Your eHerkenning means has been issued")
	b.shot("5-done-en")

	if *updateScreenshots {
		p := filepath.Join("..", "..", filepath.FromSlash(docScreenshot)) // go test runs in cmd/serve
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, done, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", docScreenshot)
	}

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
	if len(status.Users) != 1 || status.Users[0].Email != jan.Email || status.Users[0].State != "issued" {
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
	if ci := strings.ToLower(os.Getenv("CI")); ci != "" && ci != "false" && ci != "0" {
		t.Fatal(why + " (CI=true: CI installs it, so the browser test must run)")
	}
	t.Skip(why)
	return ""
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
}

// newBrowser starts Chromium with the flags this machine needs (no sandbox
// as root, no background connections, which a closed network refuses) and
// a fresh profile, and stops it, waiting for the process, when the test
// ends.
func newBrowser(t *testing.T, ctx context.Context, chromium string) *browser {
	t.Helper()
	b := &browser{t: t, dir: *screenshotDir, log: &syncBuffer{}}
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
		chromedp.WindowSize(1024, 900),
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
	resp := run(b, "opening "+redact(url), chromedp.NavigateResponse(url))
	if resp.Status != http.StatusOK {
		b.t.Fatalf("opening %s: status %d\n%s", redact(url), resp.Status, b.where())
	}
}

// submit clicks a form's button and checks that the form was accepted:
// after post/redirect/get the browser shows the page of step want.
func (b *browser) submit(button, want string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.ID(button), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("clicking #%s: %v\n%s", button, err, b.where())
	}
	if resp.Status != http.StatusOK {
		b.t.Fatalf("clicking #%s: the page answered %d\n%s", button, resp.Status, b.where())
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
