package backendtest

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

var (
	inviteLink = regexp.MustCompile(`/invite/([A-Za-z0-9_-]+)`)
	smsCode    = regexp.MustCompile(`\b([0-9]{6})\b`)
)

const day = 24 * time.Hour

// issue submits a draft at EH3 for organisation A with n employed users and
// the given permissions and validity, and takes every user through the
// user's steps until the means is issued. It returns the application.
func (e *env) issue(t *testing.T, kvk string, n, first int, perms reconi.PermissionsInput) *reconi.Application {
	t.Helper()
	a := e.draft(t, kvk, "EH3", "")
	for i := range n {
		e.addUser(t, a.ID, user(first+i, true))
	}
	e.setPermissions(t, a.ID, perms)
	e.submit(t, a.ID)
	TakeUserSteps(t, e.ctx, e.b, a.ID)
	for _, u := range e.users(t, a.ID) {
		if u.State != reconi.UserIssued {
			t.Fatalf("user %s is %s, want issued", u.Email, u.State)
		}
	}
	return e.app(t, a.ID)
}

// TakeUserSteps takes every user invited in application appID through the
// user's steps, as each would from the invitation email: confirm, the SMS
// code, order. Employed users are then issued; the others wait for
// identification. The outbox holds the links and codes, so b must let ctx's
// actor read it.
func TakeUserSteps(t testing.TB, ctx context.Context, b reconi.Backend, appID int64) {
	t.Helper()
	msgs, err := reconi.AllMessages(ctx, b, reconi.OutboxFilter{ApplicationID: appID, Channel: "email"})
	if err != nil {
		t.Fatalf("Outbox: %v", err)
	}
	for _, m := range msgs {
		if link := inviteLink.FindStringSubmatch(m.Body); link != nil {
			takeSteps(t, ctx, b, link[1])
		}
	}
}

// takeSteps confirms, verifies the SMS code and orders, as the user.
func takeSteps(t testing.TB, ctx context.Context, b reconi.Backend, token string) {
	t.Helper()
	inv, err := b.ConfirmDetails(ctx, token)
	if err != nil {
		t.Fatalf("ConfirmDetails: %v", err)
	}
	if _, err := b.SendCode(ctx, token); err != nil {
		t.Fatalf("SendCode: %v", err)
	}
	sms, err := reconi.AllMessages(ctx, b, reconi.OutboxFilter{To: inv.User.Phone, Channel: "sms"})
	if err != nil || len(sms) == 0 {
		t.Fatalf("the SMS to %s: %v (%d messages)", inv.User.Phone, err, len(sms))
	}
	code := smsCode.FindStringSubmatch(sms[len(sms)-1].Body)
	if code == nil {
		t.Fatalf("no code in %q", sms[len(sms)-1].Body)
	}
	if _, err := b.VerifyCode(ctx, token, code[1]); err != nil {
		t.Fatalf("VerifyCode: %v", err)
	}
	if _, err := b.Order(ctx, token); err != nil {
		t.Fatalf("Order: %v", err)
	}
}

func (e *env) listMeans(t *testing.T, f reconi.MeansFilter) []reconi.Means {
	t.Helper()
	p, err := e.b.ListMeans(e.ctx, f)
	if err != nil {
		t.Fatalf("ListMeans(%+v): %v", f, err)
	}
	if p.NextCursor != "" {
		t.Fatalf("ListMeans(%+v): more than one page", f)
	}
	return p.Means
}

func meansEmails(ms []reconi.Means) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Email
	}
	return out
}

var allServices3y = reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 3}

var _ = register("means/an issued user holds a means with end dates", func(t *testing.T, e *env) {
	e.orgA(t)
	issuedAt := e.clock.Now()
	a := e.issue(t, kvkA, 2, 1, reconi.PermissionsInput{Direct: true, Providers: []string{"RVO", "Kadaster"}, ValidityYears: 3})
	ms := e.listMeans(t, reconi.MeansFilter{})
	eqSlice(t, "means", meansEmails(ms), []string{"user1@example.nl", "user2@example.nl"})
	m := ms[0]
	eq(t, "first name", m.FirstName, "User1")
	eq(t, "last name", m.LastName, "Jansen")
	eq(t, "organisation", m.Organization, reconi.OrgRef{KVK: kvkA, Name: "Bakkerij De Korenschoof"})
	eq(t, "level", m.Level, reconi.Level("EH3"))
	eq(t, "state", m.State, reconi.MeansActive)
	eq(t, "application", m.ApplicationID, a.ID)
	sameTime(t, "issued_at", m.IssuedAt, issuedAt)
	sameTime(t, "expires_at", m.ExpiresAt, issuedAt.AddDate(3, 0, 0))
	if len(m.Permissions) != 2 {
		t.Fatalf("permissions %+v, want RVO and Kadaster", m.Permissions)
	}
	for i, want := range []string{"RVO", "Kadaster"} {
		p := m.Permissions[i]
		eq(t, "permission scope", p.Scope, reconi.ScopeProviders)
		eq(t, "permission provider", p.Provider, want)
		sameTime(t, "permission expires_at", p.ExpiresAt, issuedAt.AddDate(3, 0, 0))
	}

	// Past its end date the means reads as expired, before any sweep.
	e.clock.Advance(3*366*day + day)
	ms = e.listMeans(t, reconi.MeansFilter{KVK: kvkA})
	for _, m := range ms {
		eq(t, "state after the end date", m.State, reconi.MeansExpired)
	}
	eq(t, "expired", len(e.listMeans(t, reconi.MeansFilter{State: reconi.MeansExpired})), 2)
	eq(t, "active", len(e.listMeans(t, reconi.MeansFilter{State: reconi.MeansActive})), 0)
})

var _ = register("means/the list filters by organisation, email, state and expiry", func(t *testing.T, e *env) {
	e.orgA(t)
	e.orgB(t)
	e.issue(t, kvkA, 2, 1, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1})
	e.clock.Advance(30 * day)
	e.issue(t, kvkB, 1, 3, allServices3y)

	eqSlice(t, "org A", meansEmails(e.listMeans(t, reconi.MeansFilter{KVK: kvkA})), []string{"user1@example.nl", "user2@example.nl"})
	eqSlice(t, "org B", meansEmails(e.listMeans(t, reconi.MeansFilter{KVK: kvkB})), []string{"user3@example.nl"})
	eqSlice(t, "by email, any case", meansEmails(e.listMeans(t, reconi.MeansFilter{Email: "User2@Example.NL"})), []string{"user2@example.nl"})

	// Nothing ends within 60 days yet: an empty list, not an error.
	eq(t, "expiring within 60d now", len(e.listMeans(t, reconi.MeansFilter{ExpiringWithin: 60 * day})), 0)
	e.clock.Advance(300 * day) // org A's one-year means end in 35 days
	eqSlice(t, "expiring within 60d", meansEmails(e.listMeans(t, reconi.MeansFilter{ExpiringWithin: 60 * day})),
		[]string{"user1@example.nl", "user2@example.nl"})
	eq(t, "expiring within 30d", len(e.listMeans(t, reconi.MeansFilter{ExpiringWithin: 30 * day})), 0)

	_, err := e.b.ListMeans(e.ctx, reconi.MeansFilter{State: "pending"})
	wantErr(t, err, reconi.KindInvalid, "state", "active, expired or withdrawn")
	_, err = e.b.ListMeans(e.ctx, reconi.MeansFilter{KVK: "1234"})
	wantErr(t, err, reconi.KindInvalid, "8 digits")
	_, err = e.b.ListMeans(e.ctx, reconi.MeansFilter{Cursor: "bogus"})
	wantErr(t, err, reconi.KindInvalid, "cursor")
	_, err = e.b.ListMeans(e.ctx, reconi.MeansFilter{Limit: reconi.MaxPageSize + 1})
	wantErr(t, err, reconi.KindInvalid, "limit")
})

var _ = register("means/the list pages with a cursor", func(t *testing.T, e *env) {
	e.orgA(t)
	e.issue(t, kvkA, 7, 1, allServices3y)
	var got []string
	cursor := ""
	pages := 0
	for {
		p, err := e.b.ListMeans(e.ctx, reconi.MeansFilter{KVK: kvkA, Limit: 3, Cursor: cursor})
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		pages++
		got = append(got, meansEmails(p.Means)...)
		if p.NextCursor == "" {
			break
		}
		cursor = p.NextCursor
	}
	eq(t, "pages", pages, 3)
	eq(t, "means", strings.Join(got, " "), "user1@example.nl user2@example.nl user3@example.nl user4@example.nl "+
		"user5@example.nl user6@example.nl user7@example.nl")
})

var _ = register("means/withdrawal is at once, recorded, all or none, and safe to rerun", func(t *testing.T, e *env) {
	e.orgA(t)
	e.orgB(t)
	e.issue(t, kvkA, 3, 1, allServices3y)
	e.issue(t, kvkB, 1, 9, allServices3y)

	// Bad rows: every one is reported and nothing is withdrawn.
	_, err := e.b.WithdrawMeans(e.ctx, reconi.Withdrawal{KVK: kvkA, Reason: "left",
		Emails: []string{"user1@example.nl", "nobody@example.nl", "user9@example.nl", "not-an-email"}})
	re := wantErr(t, err, reconi.KindInvalid, "no means was withdrawn")
	wantRows(t, re,
		row{2, "email", []string{"no means issued for organisation " + kvkA}},
		row{3, "email", []string{"no means issued for organisation " + kvkA}},
		row{4, "email", nil})
	eq(t, "active after a refused withdrawal", len(e.listMeans(t, reconi.MeansFilter{State: reconi.MeansActive})), 4)

	_, err = e.b.WithdrawMeans(e.ctx, reconi.Withdrawal{KVK: kvkA, Emails: []string{"user1@example.nl"}})
	wantErr(t, err, reconi.KindInvalid, "reason")

	// A dry run says what would happen and changes nothing.
	res, err := e.b.WithdrawMeans(e.ctx, reconi.Withdrawal{KVK: kvkA, Reason: "left", DryRun: true,
		Emails: []string{"user1@example.nl", "USER2@example.nl"}})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "dry run", res.DryRun, true)
	eqSlice(t, "would withdraw", meansEmails(res.Withdrawn), []string{"user1@example.nl", "user2@example.nl"})
	eq(t, "active after a dry run", len(e.listMeans(t, reconi.MeansFilter{State: reconi.MeansActive})), 4)

	at := e.clock.Advance(time.Hour)
	res, err = e.b.WithdrawMeans(e.ctx, reconi.Withdrawal{KVK: kvkA, Reason: "left the company",
		Emails: []string{"user1@example.nl", "user2@example.nl"}})
	if err != nil {
		t.Fatal(err)
	}
	eqSlice(t, "withdrawn", meansEmails(res.Withdrawn), []string{"user1@example.nl", "user2@example.nl"})
	eq(t, "unchanged", len(res.Unchanged), 0)
	eqSlice(t, "withdrawn list", meansEmails(e.listMeans(t, reconi.MeansFilter{State: reconi.MeansWithdrawn})),
		[]string{"user1@example.nl", "user2@example.nl"})

	// A rerun is a no-op, not an error.
	res, err = e.b.WithdrawMeans(e.ctx, reconi.Withdrawal{KVK: kvkA, Reason: "left the company",
		Emails: []string{"user1@example.nl", "user2@example.nl", "user3@example.nl"}})
	if err != nil {
		t.Fatal(err)
	}
	eqSlice(t, "withdrawn on rerun", meansEmails(res.Withdrawn), []string{"user3@example.nl"})
	eqSlice(t, "unchanged on rerun", meansEmails(res.Unchanged), []string{"user1@example.nl", "user2@example.nl"})

	shown, err := e.b.ShowMeans(e.ctx, "user1@example.nl", "")
	if err != nil {
		t.Fatal(err)
	}
	m := shown[0]
	eq(t, "state", m.State, reconi.MeansWithdrawn)
	if m.WithdrawnAt == nil {
		t.Fatal("withdrawn_at not set")
	}
	sameTime(t, "withdrawn_at", *m.WithdrawnAt, at)
	eq(t, "withdrawn_by", m.WithdrawnBy, e.me)
	eq(t, "reason", m.WithdrawReason, "left the company")
	last := m.History[len(m.History)-1]
	eq(t, "history from", last.From, "active")
	eq(t, "history to", last.To, "withdrawn")
	eq(t, "history actor", last.Actor, e.me)
	eq(t, "history reason", last.Reason, "left the company")
	sameTime(t, "history at", last.At, at)

	// The user was told.
	mails, err := reconi.AllMessages(e.ctx, e.b, reconi.OutboxFilter{To: "user1@example.nl"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(mails[len(mails)-1].Subject, "withdrawn") {
		t.Errorf("last mail to the user: %q", mails[len(mails)-1].Subject)
	}
	eq(t, "org B untouched", e.listMeans(t, reconi.MeansFilter{KVK: kvkB})[0].State, reconi.MeansActive)
})

var _ = register("means/an expired means cannot be withdrawn", func(t *testing.T, e *env) {
	e.orgA(t)
	e.issue(t, kvkA, 1, 1, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1})
	e.clock.Advance(367 * day)
	_, err := e.b.WithdrawMeans(e.ctx, reconi.Withdrawal{KVK: kvkA, Reason: "left", Emails: []string{"user1@example.nl"}})
	re := wantErr(t, err, reconi.KindInvalid)
	wantRows(t, re, row{1, "email", []string{"expired on"}})
})

var _ = register("means/show finds a means by ID or email", func(t *testing.T, e *env) {
	e.orgA(t)
	e.issue(t, kvkA, 2, 1, allServices3y)
	ms := e.listMeans(t, reconi.MeansFilter{})
	shown, err := e.b.ShowMeans(e.ctx, strconv.FormatInt(ms[1].ID, 10), "")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "by id", shown[0].Email, "user2@example.nl")
	if len(shown[0].History) == 0 || shown[0].History[len(shown[0].History)-1].To != "issued" {
		t.Errorf("history %+v, want it to end with issued", shown[0].History)
	}
	for _, h := range shown[0].History {
		if h.UserID != shown[0].UserID {
			t.Errorf("history holds another user's event: %+v", h)
		}
	}
	shown, err = e.b.ShowMeans(e.ctx, "user2@example.nl", kvkA)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "by email", shown[0].Email, "user2@example.nl")
	_, err = e.b.ShowMeans(e.ctx, "nobody@example.nl", "")
	wantErr(t, err, reconi.KindNotFound, "nobody@example.nl")
	_, err = e.b.ShowMeans(e.ctx, "999999", "")
	wantErr(t, err, reconi.KindNotFound)
	_, err = e.b.ShowMeans(e.ctx, "x y", "")
	wantErr(t, err, reconi.KindInvalid, "neither a means ID nor an email")
})

var _ = register("means/the sweep reminds before expiry once per threshold, then expires", func(t *testing.T, e *env) {
	if e.sweepMeans == nil {
		t.Skip("the harness cannot run the sweep")
	}
	sweep := func() (int, int) {
		t.Helper()
		x, r, err := e.sweepMeans(e.ctx, []int{60, 14})
		if err != nil {
			t.Fatalf("SweepMeans: %v", err)
		}
		return x, r
	}
	reminders := func() []reconi.Message {
		t.Helper()
		ms, err := reconi.AllMessages(e.ctx, e.b, reconi.OutboxFilter{To: "beheer@example.nl"})
		if err != nil {
			t.Fatal(err)
		}
		var out []reconi.Message
		for _, m := range ms {
			if strings.Contains(m.Subject, "end within") {
				out = append(out, m)
			}
		}
		return out
	}
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, a.ID, user(1, true))
	e.addUser(t, a.ID, user(2, true))
	e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1})
	if _, err := e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: e.terms(t), NotifyEmail: "beheer@example.nl"}); err != nil {
		t.Fatal(err)
	}
	TakeUserSteps(t, e.ctx, e.b, a.ID)
	issued := e.listMeans(t, reconi.MeansFilter{})[0].ExpiresAt

	if x, r := sweep(); x != 0 || r != 0 {
		t.Fatalf("a year ahead the sweep expired %d and reminded %d, want nothing", x, r)
	}
	e.clock.Advance(issued.Sub(e.clock.Now()) - 59*day) // 59 days left
	if _, r := sweep(); r != 2 {
		t.Fatalf("reminded %d means at 60 days, want 2", r)
	}
	got := reminders()
	if len(got) != 1 {
		t.Fatalf("%d reminder emails, want one for the application: %+v", len(got), got)
	}
	for _, want := range []string{"user1@example.nl", "user2@example.nl", "--expiring-within 60d", kvkA} {
		if !strings.Contains(got[0].Body, want) {
			t.Errorf("the reminder does not name %q:\n%s", want, got[0].Body)
		}
	}
	if _, r := sweep(); r != 0 {
		t.Fatalf("the second sweep reminded %d, want 0: never twice per threshold", r)
	}
	e.clock.Advance(50 * day) // 9 days left
	if _, r := sweep(); r != 2 {
		t.Fatalf("reminded %d at 14 days, want 2", r)
	}
	eq(t, "reminder emails", len(reminders()), 2)
	e.clock.Advance(10 * day)
	if x, _ := sweep(); x != 2 {
		t.Fatalf("expired %d, want 2", x)
	}
	shown, err := e.b.ShowMeans(e.ctx, "user1@example.nl", "")
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "state", shown[0].State, reconi.MeansExpired)
	last := shown[0].History[len(shown[0].History)-1]
	eq(t, "history", last.From+" -> "+last.To, "active -> expired")
	eq(t, "reminder emails at the end", len(reminders()), 2)
})
