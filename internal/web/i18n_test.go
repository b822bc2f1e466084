package web

import (
	"errors"
	"io/fs"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

var verbs = regexp.MustCompile(`%[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// TestTexts: every text is in both languages, with the same arguments.
func TestTexts(t *testing.T) {
	for key, x := range texts {
		if strings.TrimSpace(x.nl) == "" || strings.TrimSpace(x.en) == "" {
			t.Errorf("%s: a language is missing: %+v", key, x)
		}
		if a, b := verbs.FindAllString(x.nl, -1), verbs.FindAllString(x.en, -1); !slices.Equal(a, b) {
			t.Errorf("%s: nl takes %v, en takes %v", key, a, b)
		}
	}
	if _, err := tr(langNL, "no.such.key"); err == nil {
		t.Error("a missing key is not an error")
	}
}

// TestTemplateKeys: every key the templates ask for exists.
func TestTemplateKeys(t *testing.T) {
	key := regexp.MustCompile(`\.T "([^"]+)"`)
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, path)
		if err != nil {
			return err
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			if _, ok := texts[m[1]]; !ok {
				t.Errorf("%s: no text %q", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestEveryState renders the last page and the details for every state and
// kind of permission, in both languages, so no branch misses a text.
func TestEveryState(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	deadline := now.Add(30 * 24 * time.Hour)
	perms := []*reconi.Permissions{nil,
		{Direct: false, Scope: reconi.ScopeNone},
		{Direct: true, Scope: reconi.ScopeAllServices},
		{Direct: true, Scope: reconi.ScopeProviders, Providers: []string{"RVO", "Kadaster"}},
		{Direct: true, Scope: reconi.ScopeServices, Services: []reconi.ServiceID{"urn:etoegang:DV:00000001234567890000:services:1"}}}
	for _, lang := range []string{langNL, langEN} {
		for _, st := range reconi.UserStates {
			inv := &reconi.Invitation{User: reconi.User{State: st, DeadlineAt: &deadline, Phone: "+31612345678"}, Next: "done"}
			title, ps := doneTexts(lang, inv, now)
			if title == "" || len(ps) == 0 {
				t.Errorf("%s %s: no text", lang, st)
			}
		}
		for i, p := range perms {
			for _, level := range reconi.Levels {
				inv := &reconi.Invitation{Level: level, Permissions: p, ValidityYears: 1, Branch: "000037178598"}
				for _, all := range []bool{true, false} {
					v := newView(lang, "details", "tok")
					v.Inv, v.Rows, v.Steps, v.Step, v.Title = inv, detailRows(lang, inv, all), stepList(lang, 1), 1, "x"
					var b strings.Builder
					if err := pages()["details"].ExecuteTemplate(&b, "layout", v); err != nil {
						t.Fatalf("%s perms %d: %v", lang, i, err)
					}
					if i >= 3 && !strings.Contains(b.String(), "<li>") {
						t.Errorf("%s perms %d: no list", lang, i)
					}
				}
			}
		}
	}
	inv := &reconi.Invitation{User: reconi.User{State: reconi.UserIdentificationPending, DeadlineAt: &deadline}}
	if _, ps := doneTexts(langEN, inv, now); !strings.Contains(ps[0], "within 30 days") || !strings.Contains(ps[0], "1 April 2026") {
		t.Errorf("identification: %q", ps[0])
	}
	if _, ps := doneTexts(langNL, inv, deadline.Add(-time.Hour)); !strings.Contains(ps[0], "binnen 1 dag,") {
		t.Errorf("identification, last day: %q", ps[0])
	}
}

// TestClassify maps the service's messages to statuses and texts; the
// flow tests see the real ones, this covers the rest.
func TestClassify(t *testing.T) {
	now := time.Date(2026, 3, 2, 23, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		err    error
		status int
		onForm bool
		text   string
	}{
		{reconi.Errorf(reconi.KindNotFound, "this invitation link is not valid"), 404, false, "de hele link"},
		{reconi.Errorf(reconi.KindConflict, "this request was cancelled by the authorization manager"), 410, false, "ingetrokken"},
		{reconi.Errorf(reconi.KindConflict, "this invitation expired on 2026-04-01; ask"), 410, false, "geldig tot 1 april 2026"},
		{reconi.Errorf(reconi.KindConflict, "the request of x changed meanwhile; look again"), 409, false, "Ga terug"},
		{reconi.Errorf(reconi.KindConflict, "a code was sent 10s ago; wait 50s before asking for another"), 429, true, "Wacht 50 seconden"},
		{reconi.Errorf(reconi.KindConflict, "a code was sent 10s ago; wait 2m30s before asking for another"), 429, true, "Wacht 3 minuten"},
		// The hour ends after midnight: tomorrow, 00:15 UTC = 01:15 in Amsterdam.
		{reconi.Errorf(reconi.KindConflict, "5 codes were sent within the hour; try again after 00:15"), 429, true, "na 01:15"},
		{reconi.Errorf(reconi.KindConflict, "5 codes were sent within the hour; try again after 99:99"), 429, true, "te vaak"},
		{reconi.Invalid("code", "the code is not right; 1 try left"), 422, true, "nog 1 keer"},
		{reconi.Invalid("code", "the code is not right; 2 tries left"), 422, true, "nog 2 keer"},
		{reconi.Invalid("code", "something new"), 400, false, "Ga terug"},
		{errors.New("disk full"), 500, false, ""},
	} {
		p := classify(langNL, c.err, now)
		if p.status != c.status || p.onForm() != c.onForm || !strings.Contains(p.msg, c.text) {
			t.Errorf("%v: got %d form=%v %q, want %d form=%v %q", c.err, p.status, p.onForm(), p.msg, c.status, c.onForm, c.text)
		}
		if p.status == http.StatusTooManyRequests && p.retryAfter <= 0 && c.text != "te vaak" {
			t.Errorf("%v: no Retry-After", c.err)
		}
	}
}

func TestCleanCode(t *testing.T) {
	for in, want := range map[string]string{"123456": "123456", " 123 456 ": "123456", "123-456": "123456",
		"12345": "", "1234567": "", "12345a": "", "１２３４５６": ""} {
		got, ok := cleanCode(in)
		if got != want || ok != (want != "") {
			t.Errorf("cleanCode(%q) = %q, %v", in, got, ok)
		}
	}
}
