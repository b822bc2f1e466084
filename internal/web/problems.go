package web

import (
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

// problem is an error as the user sees it: a status, a translated message
// and where it is shown.
type problem struct {
	status int
	// title is the key of an error page's heading; "" for a problem shown
	// on the step's own form.
	title string
	msg   string
	// field names the form field the message is about ("code"), if any.
	field string
	// value is what the user typed in field, shown again; "" for none.
	value string
	// retryAfter, when set, is sent as Retry-After.
	retryAfter time.Duration
	// internal problems are logged with a reference.
	internal bool
}

// onForm reports whether the problem is shown on the step's page, above its
// form, rather than on an error page.
func (p problem) onForm() bool { return p.title == "" }

// The service's messages for the user's steps. Its errors carry a kind but
// no code, and their messages are English, so the pages recognise the few
// they translate; anything else falls back to a generic page. The tests run
// against the real service, so a changed message shows up there.
var (
	reExpired   = regexp.MustCompile(`invitation expired(?: on (\d{4}-\d{2}-\d{2}))?`)
	reCancelled = regexp.MustCompile(`\bcancelled\b`)
	reTriesLeft = regexp.MustCompile(`code is not right; (\d+) (?:tries|try) left`)
	reLastTry   = regexp.MustCompile(`code is not right, and that was the last try`)
	reNoCode    = regexp.MustCompile(`no valid code`)
	reCodeExp   = regexp.MustCompile(`the code expired`)
	reWait      = regexp.MustCompile(`wait (\S+) before asking for another`)
	reHour      = regexp.MustCompile(`codes were sent within the hour; try again after (\d{2}):(\d{2})`)
)

// classify turns an error of the backend into a problem in lang. Status
// codes: 404 unknown link, 410 expired or cancelled, 409 changed
// meanwhile, 422 a code that is wrong or no longer valid, 429 too many
// codes asked for, 500 anything else.
func classify(lang string, err error, now time.Time) problem {
	msg := reconi.ErrorMessage(err)
	switch reconi.ErrorKind(err) {
	case reconi.KindNotFound:
		return problem{status: http.StatusNotFound, title: "err.notfound.title", msg: mustTr(lang, "err.notfound")}
	case reconi.KindInvalid:
		p := problem{status: http.StatusUnprocessableEntity, field: "code"}
		if m := reTriesLeft.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			if n == 1 {
				p.msg = mustTr(lang, "err.code.wrong.1")
			} else {
				p.msg = mustTr(lang, "err.code.wrong.n", n)
			}
			return p
		}
		switch {
		case reLastTry.MatchString(msg):
			p.msg = mustTr(lang, "err.code.last")
		case reCodeExp.MatchString(msg):
			p.msg = mustTr(lang, "err.code.expired")
		case reNoCode.MatchString(msg):
			p.msg = mustTr(lang, "err.code.none")
		default:
			return problem{status: http.StatusBadRequest, title: "err.conflict.title", msg: mustTr(lang, "err.conflict")}
		}
		return p
	case reconi.KindConflict:
		if m := reExpired.FindStringSubmatch(msg); m != nil {
			p := problem{status: http.StatusGone, title: "err.expired.title", msg: mustTr(lang, "err.expired.nodate")}
			if d, err := time.Parse("2006-01-02", m[1]); err == nil {
				p.msg = mustTr(lang, "err.expired", formatDate(lang, d.Add(12*time.Hour)))
			}
			return p
		}
		if reCancelled.MatchString(msg) {
			return problem{status: http.StatusGone, title: "err.cancelled.title", msg: mustTr(lang, "err.cancelled")}
		}
		if m := reWait.FindStringSubmatch(msg); m != nil {
			p := problem{status: http.StatusTooManyRequests, msg: mustTr(lang, "err.code.limit")}
			if d, err := time.ParseDuration(m[1]); err == nil && d > 0 {
				p.msg, p.retryAfter = mustTr(lang, "err.code.wait", formatWait(lang, d)), d
			}
			return p
		}
		if m := reHour.FindStringSubmatch(msg); m != nil {
			p := problem{status: http.StatusTooManyRequests, msg: mustTr(lang, "err.code.limit")}
			if at, ok := clockAfter(now, m[1], m[2]); ok {
				p.msg, p.retryAfter = mustTr(lang, "err.code.hour", formatClock(at)), at.Sub(now)
			}
			return p
		}
		return problem{status: http.StatusConflict, title: "err.conflict.title", msg: mustTr(lang, "err.conflict")}
	}
	return problem{status: http.StatusInternalServerError, title: "err.internal.title", internal: true}
}

// clockAfter is the first moment after now (within a day) at hh:mm UTC: the
// service writes the end of its hourly window that way.
func clockAfter(now time.Time, hh, mm string) (time.Time, bool) {
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h > 23 || m > 59 {
		return time.Time{}, false
	}
	n := now.UTC()
	at := time.Date(n.Year(), n.Month(), n.Day(), h, m, 0, 0, time.UTC)
	if at.Before(n.Add(-time.Minute)) {
		at = at.Add(24 * time.Hour)
	}
	return at, true
}
