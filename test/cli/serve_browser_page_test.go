package cli_test

import (
	"bytes"
	"cmp"
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	_ "modernc.org/sqlite"
)

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
			dir := filepath.Join("..", "..", filepath.FromSlash(docScreenshots)) // go test runs in test/cli
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
