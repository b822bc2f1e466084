package backendtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

// Renewal: a draft of kind renewal, quoted with the renewal prices and
// submitted like any draft.

func (e *env) renewal(t *testing.T, in reconi.NewRenewal) *reconi.Application {
	t.Helper()
	a, err := e.b.CreateRenewal(e.ctx, in)
	if err != nil {
		t.Fatalf("CreateRenewal(%+v): %v", in, err)
	}
	return a
}

// outboxTo lists the subjects of the emails to one address.
func (e *env) outboxTo(t *testing.T, to string) []string {
	t.Helper()
	msgs, err := reconi.AllMessages(e.ctx, e.b, reconi.OutboxFilter{To: to, Channel: "email"})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range msgs {
		out = append(out, m.Subject)
	}
	return out
}

var _ = register("renewals/an active means is renewed from its end date, at once", func(t *testing.T, e *env) {
	e.orgA(t)
	e.issue(t, kvkA, 2, 1, allServices3y)
	before := e.listMeans(t, reconi.MeansFilter{})
	// 50 days before the end, both end within 60 days.
	e.clock.Advance(before[0].ExpiresAt.Sub(e.clock.Now()) - 50*day)

	a := e.renewal(t, reconi.NewRenewal{KVK: kvkA, ExpiringWithin: "60d", ValidityYears: 1})
	eq(t, "kind", a.Kind, reconi.AppKindRenewal)
	eq(t, "state", a.State, reconi.AppDraft)
	eq(t, "level", a.Level, reconi.EH3)
	eq(t, "validity", a.ValidityYears, 1)
	eq(t, "users", a.UsersTotal, 2)
	if len(a.Means) != 2 {
		t.Fatalf("lines %+v, want 2", a.Means)
	}
	l := a.Means[0]
	eq(t, "line means", l.MeansID, before[0].ID)
	eq(t, "line email", l.Email, "user1@example.nl")
	eq(t, "line state", l.State, reconi.MeansActive)
	eq(t, "line permissions", l.Permissions, 1)
	eq(t, "line request", l.RequestState, reconi.UserDraft)
	sameTime(t, "line previous end", l.PreviousExpiresAt, before[0].ExpiresAt)
	// 2 renewals at €40.50, the one permission of each included.
	wantQuote(t, "renewal", a.Quote, 8100, 1701, 9801, line{"renewal", 2, 4050}, line{"included_permissions", 2, 0})

	// The same means in a second renewal is a conflict, not a second charge.
	_, err := e.b.CreateRenewal(e.ctx, reconi.NewRenewal{KVK: kvkA, Means: []string{"USER2@example.nl"}, ValidityYears: 3})
	re := wantErr(t, err, reconi.KindConflict)
	wantRows(t, re, row{1, "means", []string{fmt.Sprintf("means %d is being renewed by application %d", before[1].ID, a.ID)}})
	// Renewal drafts take no users and no permissions.
	_, err = e.b.AddUser(e.ctx, a.ID, user(9, true))
	wantErr(t, err, reconi.KindConflict, "renewal", "users and permissions")
	_, err = e.b.SetPermissions(e.ctx, a.ID, allServices3y)
	wantErr(t, err, reconi.KindConflict, "renewal")

	version := e.terms(t)
	_, err = e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version, MaxPriceCents: ptr(int64(9800))})
	wantErr(t, err, reconi.KindInvalid, "max_price", "€98.01")
	got, err := e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version, MaxPriceCents: ptr(int64(9801)),
		NotifyEmail: "manager@example.nl", IdempotencyKey: "renew-1"})
	if err != nil {
		t.Fatal(err)
	}
	// Every line took effect at once: the application is complete.
	eq(t, "state", got.State, reconi.AppCompleted)
	eq(t, "quote kept", got.Quote.TotalCents, int64(9801))
	for _, u := range got.Users {
		eq(t, u.Email+" request", u.State, reconi.UserIssued)
	}
	after := e.listMeans(t, reconi.MeansFilter{})
	for i, m := range after {
		sameTime(t, m.Email+" expires_at", m.ExpiresAt, before[i].ExpiresAt.AddDate(1, 0, 0))
		eq(t, m.Email+" state", m.State, reconi.MeansActive)
		for _, p := range m.Permissions {
			sameTime(t, m.Email+" permission expires_at", p.ExpiresAt, m.ExpiresAt)
		}
	}
	eq(t, "means issued", len(after), 2)
	// A retry with the key answers with the same application.
	again, err := e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: version, IdempotencyKey: "renew-1"})
	if err != nil || again.ID != a.ID {
		t.Fatalf("retry: %+v, %v", again, err)
	}
	after2 := e.listMeans(t, reconi.MeansFilter{})
	sameTime(t, "renewed once", after2[0].ExpiresAt, after[0].ExpiresAt)

	// No invitation: the user is told, and so is the manager.
	subjects := e.outboxTo(t, "user1@example.nl")
	if s := subjects[len(subjects)-1]; !strings.Contains(s, "verlengd") {
		t.Errorf("user1's last email: %q, want the renewal", s)
	}
	for _, s := range subjects {
		if strings.Contains(s, "aanvraag") && strings.Count(strings.Join(subjects, "|"), "aanvraag") > 1 {
			t.Errorf("user1 was invited again: %v", subjects)
		}
	}
	mgr := e.outboxTo(t, "manager@example.nl")
	eqSlice(t, "manager's emails", mgr, []string{fmt.Sprintf("Renewal %d for Bakkerij De Korenschoof", a.ID)})

	// The means' history tells of it.
	shown, err := e.b.ShowMeans(e.ctx, fmt.Sprint(before[0].ID), "")
	if err != nil {
		t.Fatal(err)
	}
	h := shown[0].History
	if last := h[len(h)-1]; !strings.Contains(last.Reason, "renewed") || !strings.Contains(last.Reason, fmt.Sprintf("application %d", a.ID)) || last.Actor != e.me {
		t.Errorf("means history ends with %+v, want the renewal by %s", last, e.me)
	}
	// Once submitted, the means may be renewed again.
	next := e.renewal(t, reconi.NewRenewal{KVK: kvkA, Means: []string{fmt.Sprint(before[0].ID)}, ValidityYears: 5})
	eq(t, "next renewal lines", len(next.Means), 1)

	// The organisation's users are its users, not the renewal's copies.
	page, err := e.b.Users(e.ctx, reconi.UserFilter{KVK: kvkA})
	if err != nil {
		t.Fatal(err)
	}
	eqSlice(t, "organisation's users", emails(page.Users), []string{"user1@example.nl", "user2@example.nl"})

	// Status knows the kind.
	apps := e.applications(t, reconi.ApplicationFilter{KVK: kvkA})
	kinds := make([]string, len(apps))
	for i, s := range apps {
		kinds[i] = string(s.Kind) + " " + string(s.State)
	}
	eqSlice(t, "kinds", kinds, []string{"new completed", "renewal completed", "renewal draft"})
})

var _ = register("renewals/an expired means' user takes the steps again", func(t *testing.T, e *env) {
	e.orgA(t)
	e.issue(t, kvkA, 1, 1, reconi.PermissionsInput{Direct: true, Providers: []string{"RVO", "Kadaster"}, ValidityYears: 1})
	m := e.listMeans(t, reconi.MeansFilter{})[0]
	e.clock.Advance(m.ExpiresAt.Sub(e.clock.Now()) + 10*day)

	a := e.renewal(t, reconi.NewRenewal{KVK: kvkA, Means: []string{"user1@example.nl"}, ValidityYears: 3})
	eq(t, "line state", a.Means[0].State, reconi.MeansExpired)
	// Employed: no identification.
	wantQuote(t, "expired renewal", a.Quote, 8100, 1701, 9801, line{"renewal", 1, 8100}, line{"included_permissions", 2, 0})
	got := e.submit(t, a.ID)
	eq(t, "state", got.State, reconi.AppSubmitted)
	eq(t, "request", got.Users[0].State, reconi.UserInvited)
	eq(t, "means still expired", e.listMeans(t, reconi.MeansFilter{})[0].State, reconi.MeansExpired)
	// While the user takes the steps, the means is being renewed.
	_, err := e.b.CreateRenewal(e.ctx, reconi.NewRenewal{KVK: kvkA, Means: []string{"user1@example.nl"}, ValidityYears: 1})
	wantErr(t, err, reconi.KindConflict, fmt.Sprintf("application %d", a.ID))

	e.clock.Advance(time.Hour)
	TakeUserSteps(t, e.ctx, e.b, a.ID)
	got = e.app(t, a.ID)
	eq(t, "request", got.Users[0].State, reconi.UserIssued)
	eq(t, "state", got.State, reconi.AppCompleted)
	ms := e.listMeans(t, reconi.MeansFilter{})
	eq(t, "still one means", len(ms), 1)
	eq(t, "means", ms[0].State, reconi.MeansActive)
	sameTime(t, "expires_at, from the day it was issued again", ms[0].ExpiresAt, e.clock.Now().AddDate(3, 0, 0))
	eq(t, "permissions kept", len(ms[0].Permissions), 2)
})

var _ = register("renewals/bad requests", func(t *testing.T, e *env) {
	e.orgA(t)
	e.orgB(t)
	e.issue(t, kvkA, 3, 1, allServices3y)
	ms := e.listMeans(t, reconi.MeansFilter{})
	if _, err := e.b.WithdrawMeans(e.ctx, reconi.Withdrawal{KVK: kvkA, Emails: []string{"user3@example.nl"}, Reason: "left"}); err != nil {
		t.Fatal(err)
	}
	_, err := e.b.CreateRenewal(e.ctx, reconi.NewRenewal{KVK: kvkA, Means: []string{"user1@example.nl"}, ValidityYears: 2})
	wantErr(t, err, reconi.KindInvalid, "validity", "1, 3 or 5")
	_, err = e.b.CreateRenewal(e.ctx, reconi.NewRenewal{KVK: kvkA, ValidityYears: 1})
	wantErr(t, err, reconi.KindInvalid, "means", "expiring_within")
	_, err = e.b.CreateRenewal(e.ctx, reconi.NewRenewal{KVK: kvkA, Means: []string{"user1@example.nl"}, ExpiringWithin: "60d", ValidityYears: 1})
	wantErr(t, err, reconi.KindInvalid, "not both")
	_, err = e.b.CreateRenewal(e.ctx, reconi.NewRenewal{KVK: kvkA, ExpiringWithin: "soon", ValidityYears: 1})
	wantErr(t, err, reconi.KindInvalid, "expiring_within", "soon")
	_, err = e.b.CreateRenewal(e.ctx, reconi.NewRenewal{KVK: kvkA, ExpiringWithin: "60d", ValidityYears: 1})
	wantErr(t, err, reconi.KindNotFound, "no active means", "60d")
	_, err = e.b.CreateRenewal(e.ctx, reconi.NewRenewal{KVK: "12345678", Means: []string{"user1@example.nl"}, ValidityYears: 1})
	wantErr(t, err, reconi.KindNotFound, "12345678")
	_, err = e.b.CreateRenewal(e.ctx, reconi.NewRenewal{KVK: kvkA, ValidityYears: 1,
		Means: []string{"user1@example.nl", "nobody@example.nl", "user3@example.nl", "not an email", fmt.Sprint(ms[0].ID + 100)}})
	re := wantErr(t, err, reconi.KindInvalid, "nothing was started")
	wantRows(t, re,
		row{2, "means", []string{"no means issued for organisation " + kvkA}},
		row{3, "means", []string{"withdrawn", "not renewed"}},
		row{4, "means", []string{"neither a means ID nor an email"}},
		row{5, "means", []string{"no means"}})
	// A means of another organisation is not found under this one.
	_, err = e.b.CreateRenewal(e.ctx, reconi.NewRenewal{KVK: kvkB, Means: []string{fmt.Sprint(ms[0].ID)}, ValidityYears: 1})
	wantErr(t, err, reconi.KindInvalid, "no means issued for organisation "+kvkB)

	// A means can be taken off a renewal draft; the last one leaves nothing
	// to submit.
	a := e.renewal(t, reconi.NewRenewal{KVK: kvkA, Means: []string{"user1@example.nl", fmt.Sprint(ms[1].ID)}, ValidityYears: 1})
	eq(t, "lines", len(a.Means), 2)
	if err := e.b.RemoveUser(e.ctx, a.ID, "user1@example.nl"); err != nil {
		t.Fatal(err)
	}
	a = e.app(t, a.ID)
	eq(t, "lines after remove", len(a.Means), 1)
	eq(t, "left", a.Means[0].Email, "user2@example.nl")
	// user1 is free to be renewed elsewhere now.
	e.renewal(t, reconi.NewRenewal{KVK: kvkA, Means: []string{"user1@example.nl"}, ValidityYears: 1})
	if err := e.b.RemoveUser(e.ctx, a.ID, "user2@example.nl"); err != nil {
		t.Fatal(err)
	}
	_, err = e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: e.terms(t)})
	wantErr(t, err, reconi.KindInvalid, "users")
})

var _ = register("renewals/a means withdrawn after the draft started is not renewed", func(t *testing.T, e *env) {
	e.orgA(t)
	e.issue(t, kvkA, 1, 1, allServices3y)
	a := e.renewal(t, reconi.NewRenewal{KVK: kvkA, Means: []string{"user1@example.nl"}, ValidityYears: 1})
	if _, err := e.b.WithdrawMeans(e.ctx, reconi.Withdrawal{KVK: kvkA, Emails: []string{"user1@example.nl"}, Reason: "left"}); err != nil {
		t.Fatal(err)
	}
	_, err := e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: e.terms(t)})
	re := wantErr(t, err, reconi.KindInvalid, "nothing was submitted")
	wantRows(t, re, row{1, "means", []string{"withdrawn", "users remove user1@example.nl"}})
	eq(t, "still a draft", e.app(t, a.ID).State, reconi.AppDraft)
})

var _ = register("renewals/a cancelled renewal request frees the means", func(t *testing.T, e *env) {
	e.orgA(t)
	e.issue(t, kvkA, 1, 1, allServices3y)
	m := e.listMeans(t, reconi.MeansFilter{})[0]
	e.clock.Advance(m.ExpiresAt.Sub(e.clock.Now()) + day)
	a := e.renewal(t, reconi.NewRenewal{KVK: kvkA, Means: []string{"user1@example.nl"}, ValidityYears: 1})
	e.submit(t, a.ID)
	eq(t, "request", e.app(t, a.ID).Users[0].State, reconi.UserInvited)
	// An expired means cannot be withdrawn; the manager cancels its
	// renewal request instead, and the means may be renewed again.
	if _, err := e.b.Cancel(e.ctx, a.ID, "user1@example.nl", "left"); err != nil {
		t.Fatal(err)
	}
	eq(t, "request", e.app(t, a.ID).Users[0].State, reconi.UserCancelled)
	e.renewal(t, reconi.NewRenewal{KVK: kvkA, Means: []string{"user1@example.nl"}, ValidityYears: 1})
})

var _ = register("renewals/two renewals of one means at once: one draft, one conflict", func(t *testing.T, e *env) {
	e.orgA(t)
	e.issue(t, kvkA, 1, 1, allServices3y)
	const n = 4
	errs := make(chan error, n)
	for range n {
		go func() {
			_, err := e.b.CreateRenewal(e.ctx, reconi.NewRenewal{KVK: kvkA, Means: []string{"user1@example.nl"}, ValidityYears: 1})
			errs <- err
		}()
	}
	ok := 0
	for range n {
		switch err := <-errs; {
		case err == nil:
			ok++
		case reconi.ErrorKind(err) != reconi.KindConflict:
			t.Errorf("a concurrent renewal failed with %v, want a conflict", err)
		}
	}
	eq(t, "renewals started", ok, 1)
})

var _ = register("renewals/a renewed means is reminded again before its new end", func(t *testing.T, e *env) {
	if e.sweepMeans == nil {
		t.Skip("the harness cannot run the sweep")
	}
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, a.ID, user(1, true))
	e.setPermissions(t, a.ID, allServices3y)
	if _, err := e.b.Submit(e.ctx, a.ID, reconi.Submission{AgreeTerms: true, TermsVersion: e.terms(t), NotifyEmail: "manager@example.nl"}); err != nil {
		t.Fatal(err)
	}
	TakeUserSteps(t, e.ctx, e.b, a.ID)
	m := e.meansOf(t, "user1@example.nl")
	e.clock.Advance(m.ExpiresAt.Sub(e.clock.Now()) - 10*day)
	if _, reminded, err := e.sweepMeans(e.ctx, []int{60, 14}); err != nil || reminded != 1 {
		t.Fatalf("first sweep: %d reminded, %v", reminded, err)
	}
	r := e.renewal(t, reconi.NewRenewal{KVK: kvkA, Means: []string{"user1@example.nl"}, ValidityYears: 1})
	e.submit(t, r.ID)
	if _, reminded, err := e.sweepMeans(e.ctx, []int{60, 14}); err != nil || reminded != 0 {
		t.Fatalf("right after the renewal: %d reminded, %v", reminded, err)
	}
	// 10 days before the new end, the reminder comes again.
	e.clock.Advance(365 * day)
	if _, reminded, err := e.sweepMeans(e.ctx, []int{60, 14}); err != nil || reminded != 1 {
		t.Fatalf("before the new end: %d reminded, %v", reminded, err)
	}
})
