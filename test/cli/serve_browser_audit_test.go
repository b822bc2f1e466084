package cli_test

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	_ "modernc.org/sqlite"
)

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
