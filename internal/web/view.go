package web

import (
	"math"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/reconi/reconi/internal/reconi"
)

// view is what a template sees. Texts are translated before or while
// rendering; nothing in it is HTML.
type view struct {
	lang string
	// Lang is the page's language, OtherLang the one the switch offers.
	Lang, OtherLang string
	LangHref        string
	// Page names the template and is main's data-step.
	Page  string
	Title string
	// Base is /invite/{token}, escaped; "" when there is no token.
	Base string
	CSRF string
	// Step is the position in the four steps (0: none shown).
	Step  int
	Steps []stepItem
	// Error is a problem shown above the form; ErrorField names the field
	// it is about.
	Error      string
	ErrorField string
	Inv        *reconi.Invitation
	Rows       []row
	Phone      string
	SentAt     string
	// CodeValid says how long the code sent is valid; Code is a malformed
	// code, shown again to correct.
	CodeValid  string
	Code       string
	Paragraphs []string
	// Back, on an error page, leads back to the current step.
	Back string
}

// T translates key into the page's language.
func (v *view) T(key string, args ...any) (string, error) { return tr(v.lang, key, args...) }

func newView(lang, page, token string) *view {
	v := &view{lang: lang, Lang: lang, OtherLang: langEN, Page: page}
	if lang == langEN {
		v.OtherLang = langNL
	}
	if token != "" {
		v.Base = basePath(token)
	}
	v.LangHref = v.Base + "?lang=" + v.OtherLang
	if token == "" {
		v.LangHref = "?lang=" + v.OtherLang
	}
	return v
}

type stepItem struct {
	Name          string
	Current, Done bool
}

var stepKeys = []string{"steps.1", "steps.2", "steps.3", "steps.4"}

func stepList(lang string, at int) []stepItem {
	if at == 0 {
		return nil
	}
	out := make([]stepItem, len(stepKeys))
	for i, k := range stepKeys {
		out[i] = stepItem{Name: mustTr(lang, k), Current: i+1 == at, Done: i+1 < at}
	}
	return out
}

// row is one line of the details: a label, a value, and optionally a list
// under it.
type row struct {
	ID, Label, Value string
	List             []string
}

// detailRows are the details the user checks: all of them on the first
// page, what is ordered on the summary.
func detailRows(lang string, inv *reconi.Invitation, all bool) []row {
	u := inv.User
	t := func(key string, args ...any) string { return mustTr(lang, key, args...) }
	rows := []row{{ID: "name", Label: t("field.name"), Value: u.FirstName + " " + u.LastName}}
	if all {
		rows = append(rows, row{ID: "email", Label: t("field.email"), Value: u.Email},
			row{ID: "phone", Label: t("field.phone"), Value: formatPhone(u.Phone)})
		if u.DateOfBirth != "" {
			v := string(u.DateOfBirth)
			if d, err := time.Parse("2006-01-02", v); err == nil {
				v = formatDate(lang, d.Add(12*time.Hour))
			}
			rows = append(rows, row{ID: "birth", Label: t("field.birth"), Value: v})
		}
	}
	rows = append(rows, row{ID: "org", Label: t("field.org"), Value: inv.Organization.Name + " (" + t("field.kvk", string(inv.Organization.KVK)) + ")"})
	if inv.Branch != "" {
		rows = append(rows, row{ID: "branch", Label: t("field.branch"), Value: string(inv.Branch)})
	}
	level := string(inv.Level)
	if d, err := tr(lang, "level."+level); err == nil {
		level += " (" + d + ")"
	}
	rows = append(rows, row{ID: "level", Label: t("field.level"), Value: level})
	perm := row{ID: "permissions", Label: t("field.permissions")}
	p := inv.Permissions
	switch {
	case p == nil || !p.Direct || p.Scope == reconi.ScopeNone:
		perm.Value = t("perm.none")
	case p.Scope == reconi.ScopeAllServices:
		perm.Value = t("perm.all_services")
	case p.Scope == reconi.ScopeProviders:
		perm.Value, perm.List = t("perm.providers"), p.Providers
	default:
		perm.Value = t("perm.services")
		for _, s := range p.Services {
			perm.List = append(perm.List, string(s))
		}
	}
	rows = append(rows, perm)
	years := t("years.n", inv.ValidityYears)
	if inv.ValidityYears == 1 {
		years = t("years.1")
	}
	rows = append(rows, row{ID: "validity", Label: t("field.validity"), Value: years})
	if all {
		rows = append(rows, row{ID: "expires", Label: t("field.expires"), Value: formatDate(lang, inv.ExpiresAt)})
	} else {
		rows = append(rows, row{ID: "phone", Label: t("field.phone"), Value: formatPhone(u.Phone)})
		employed := t("no")
		if u.Employed {
			employed = t("yes")
		}
		rows = append(rows, row{ID: "employed", Label: t("field.employed"), Value: employed})
	}
	return rows
}

// doneTexts are the title and paragraphs of the last page, by the state the
// request has reached.
func doneTexts(lang string, inv *reconi.Invitation, now time.Time) (string, []string) {
	t := func(key string, args ...any) string { return mustTr(lang, key, args...) }
	switch inv.User.State {
	case reconi.UserIssued:
		if inv.WithdrawnAt != nil {
			return t("done.withdrawn.title"), []string{t("done.withdrawn", formatDate(lang, *inv.WithdrawnAt))}
		}
		return t("done.issued.title"), []string{t("done.issued"), t("done.close")}
	case reconi.UserIdentificationPending:
		if d := inv.User.DeadlineAt; d != nil {
			days := int(math.Ceil(d.Sub(now).Hours() / 24))
			in := t("days.n", days)
			if days <= 1 {
				in = t("days.1")
			}
			return t("done.identify.title"), []string{t("done.identify", in, formatDate(lang, *d)), t("done.identify.doc")}
		}
		return t("done.identify.title"), []string{t("done.identify.doc")}
	case reconi.UserIdentified, reconi.UserFinalCheck:
		return t("done.check.title"), []string{t("done.check"), t("done.close")}
	case reconi.UserRejected:
		return t("done.rejected.title"), []string{t("done.rejected")}
	}
	return t("done.ordered.title"), []string{t("done.ordered")}
}

// formatPhone writes a number as people read it: +31 6 12345678. It is the
// user's own number, shown in full so they can check it, and on one line:
// its spaces do not break.
func formatPhone(p string) string {
	n, err := phonenumbers.Parse(p, reconi.DefaultPhoneRegion)
	if err == nil {
		p = phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
	}
	return strings.ReplaceAll(p, " ", "\u00a0")
}

// formatWhen writes when a code was sent: the time of day, with the date
// when it was not today.
func formatWhen(lang string, t, now time.Time) string {
	a, b := t.In(zone()), now.In(zone())
	if a.YearDay() == b.YearDay() && a.Year() == b.Year() {
		return formatClock(t)
	}
	return formatDate(lang, t) + " " + formatClock(t)
}
