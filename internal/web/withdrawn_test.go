package web_test

import (
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

// TestWithdrawnMeans: a user who opens their old link after the manager
// withdrew the means is told so, with the date, in both languages.
func TestWithdrawnMeans(t *testing.T) {
	f := newFixture(t)
	inv := f.invite(t, "jan@example.nl", true)
	for _, step := range []func(string) (*reconi.Invitation, error){
		func(tok string) (*reconi.Invitation, error) { return f.svc.ConfirmDetails(f.ctx, tok) },
		func(tok string) (*reconi.Invitation, error) { return f.svc.SendCode(f.ctx, tok) },
		func(tok string) (*reconi.Invitation, error) { return f.svc.VerifyCode(f.ctx, tok, f.smsCode(t)) },
		func(tok string) (*reconi.Invitation, error) { return f.svc.Order(f.ctx, tok) },
	} {
		if _, err := step(inv.token); err != nil {
			t.Fatal(err)
		}
	}
	base := "/invite/" + inv.token
	f.browser(t).get(base).check(t, 200, "done", "nl", "Uw eHerkenningsmiddel is uitgegeven")

	f.clock.Advance(40 * 24 * time.Hour) // 11 April 2026
	if _, err := f.svc.WithdrawMeans(f.ctx, reconi.Withdrawal{KVK: string(inv.app.Organization.KVK),
		Emails: []string{inv.email}, Reason: "left the company"}); err != nil {
		t.Fatal(err)
	}
	f.browser(t).get(base).check(t, 200, "done", "nl", "Uw eHerkenningsmiddel is ingetrokken", "op 11 april 2026 ingetrokken",
		"niet meer mee inloggen")
	en := f.browser(t)
	en.header.Set("Accept-Language", "en")
	en.get(base).check(t, 200, "done", "en", "Your eHerkenning means was withdrawn", "withdrawn on 11 April 2026")
}
