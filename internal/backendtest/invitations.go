package backendtest

import (
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// Fixing an invitation: sending it again, correcting a user's email or
// mobile number before it is verified.

// submitted submits a draft of organisation A with users n... (employed),
// and returns it.
func (e *env) submitted(t *testing.T, ns ...int) *reconi.Application {
	t.Helper()
	a := e.draft(t, kvkA, "EH3", "")
	for _, n := range ns {
		e.addUser(t, a.ID, user(n, true))
	}
	e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1})
	e.submit(t, a.ID)
	return a
}

// links returns the invitation tokens emailed to one address in
// application appID, oldest first.
func (e *env) links(t *testing.T, appID int64, to string) []string {
	t.Helper()
	msgs, err := reconi.AllMessages(e.ctx, e.b, reconi.OutboxFilter{ApplicationID: appID, To: to, Channel: "email"})
	if err != nil {
		t.Fatalf("Outbox: %v", err)
	}
	var out []string
	for _, m := range msgs {
		if l := inviteLink.FindStringSubmatch(m.Body); l != nil {
			out = append(out, l[1])
		}
	}
	return out
}

// lastLink returns the token of the last invitation emailed to one address.
func (e *env) lastLink(t *testing.T, appID int64, to string) string {
	t.Helper()
	l := e.links(t, appID, to)
	if len(l) == 0 {
		t.Fatalf("no invitation to %s", to)
	}
	return l[len(l)-1]
}

// lastEvent returns the last event of one person's request.
func (e *env) lastEvent(t *testing.T, email string) reconi.Event {
	t.Helper()
	p, err := e.b.Person(e.ctx, email, "")
	if err != nil {
		t.Fatalf("Person(%s): %v", email, err)
	}
	h := p.Requests[len(p.Requests)-1].History
	if len(h) == 0 {
		t.Fatalf("%s has no history", email)
	}
	return h[len(h)-1]
}

var _ = register("ResendInvitation", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.submitted(t, 1)
	first := e.links(t, a.ID, "user1@example.nl")
	if len(first) != 1 {
		t.Fatalf("%d invitations, want 1", len(first))
	}

	// While the link is valid, the same link goes out again.
	at := e.clock.Advance(minute)
	u, err := e.b.ResendInvitation(e.ctx, a.ID, "User1@example.nl", false)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "state", u.State, reconi.UserInvited)
	links := e.links(t, a.ID, "user1@example.nl")
	if len(links) != 2 || links[1] != first[0] {
		t.Fatalf("after a resend: %d links, same %v", len(links), len(links) == 2 && links[1] == first[0])
	}
	ev := e.lastEvent(t, "user1@example.nl")
	eq(t, "actor", ev.Actor, e.me)
	sameTime(t, "at", ev.At, at)
	if !contains(ev.Reason, "sent again, the same link") {
		t.Errorf("reason %q", ev.Reason)
	}
	// The resend is a delivery of its own in the person's view.
	p, err := e.b.Person(e.ctx, "user1@example.nl", "")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.Requests[0].Messages); n != 2 {
		t.Errorf("%d deliveries, want 2", n)
	}

	// A new link voids the old one, and moves the deadline.
	e.clock.Advance(minute)
	u, err = e.b.ResendInvitation(e.ctx, a.ID, "user1@example.nl", true)
	if err != nil {
		t.Fatal(err)
	}
	links = e.links(t, a.ID, "user1@example.nl")
	fresh := links[len(links)-1]
	if fresh == first[0] {
		t.Fatal("--new-link sent the old link")
	}
	_, err = e.b.Invitation(e.ctx, first[0])
	wantErr(t, err, reconi.KindNotFound)
	inv, err := e.b.Invitation(e.ctx, fresh)
	if err != nil {
		t.Fatal(err)
	}
	if u.DeadlineAt == nil || !u.DeadlineAt.Equal(inv.ExpiresAt) {
		t.Errorf("deadline %v, link expires %v", u.DeadlineAt, inv.ExpiresAt)
	}
	if !contains(e.lastEvent(t, "user1@example.nl").Reason, "old link no longer works") {
		t.Errorf("reason %q", e.lastEvent(t, "user1@example.nl").Reason)
	}

	// At most MaxResendsPerHour within the hour: the third passes, the
	// fourth is refused, and an hour later it passes again.
	if _, err := e.b.ResendInvitation(e.ctx, a.ID, "user1@example.nl", false); err != nil {
		t.Fatal(err)
	}
	_, err = e.b.ResendInvitation(e.ctx, a.ID, "user1@example.nl", false)
	wantErr(t, err, reconi.KindConflict, "3 times within the hour")
	e.clock.Advance(61 * minute)
	if _, err := e.b.ResendInvitation(e.ctx, a.ID, "user1@example.nl", false); err != nil {
		t.Fatalf("an hour later: %v", err)
	}

	// Unknown people, applications and bad input.
	_, err = e.b.ResendInvitation(e.ctx, a.ID, "nobody@example.nl", false)
	wantErr(t, err, reconi.KindNotFound, "nobody@example.nl")
	_, err = e.b.ResendInvitation(e.ctx, a.ID+100, "user1@example.nl", false)
	wantErr(t, err, reconi.KindNotFound)
	_, err = e.b.ResendInvitation(e.ctx, a.ID, "not an address", false)
	wantErr(t, err, reconi.KindInvalid, "email")

	// Ordered: nothing to send again; a draft has no invitation yet.
	takeSteps(t, e.ctx, e.b, e.lastLink(t, a.ID, "user1@example.nl"))
	_, err = e.b.ResendInvitation(e.ctx, a.ID, "user1@example.nl", false)
	wantErr(t, err, reconi.KindConflict, "issued")
	d := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, d.ID, user(2, true))
	_, err = e.b.ResendInvitation(e.ctx, d.ID, "user2@example.nl", false)
	wantErr(t, err, reconi.KindConflict, "draft")
})

var _ = register("ResendInvitationReopensExpired", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.submitted(t, 1)
	old := e.links(t, a.ID, "user1@example.nl")[0]
	e.clock.Advance(31 * day)
	_, err := e.b.Invitation(e.ctx, old)
	wantErr(t, err, reconi.KindConflict, "expired")

	u, err := e.b.ResendInvitation(e.ctx, a.ID, "user1@example.nl", false)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "state", u.State, reconi.UserInvited)
	if u.DeadlineAt == nil || !u.DeadlineAt.After(e.clock.Now()) {
		t.Errorf("deadline %v is not ahead", u.DeadlineAt)
	}
	ev := e.lastEvent(t, "user1@example.nl")
	eq(t, "from", ev.From, string(reconi.UserExpired))
	eq(t, "to", ev.To, string(reconi.UserInvited))
	if !contains(ev.Reason, "re-opened") {
		t.Errorf("reason %q", ev.Reason)
	}
	links := e.links(t, a.ID, "user1@example.nl")
	if links[len(links)-1] == old {
		t.Fatal("the expired link was sent again")
	}
	// The new link works all the way.
	takeSteps(t, e.ctx, e.b, links[len(links)-1])
	eq(t, "after the steps", e.users(t, a.ID)[0].State, reconi.UserIssued)
})

var _ = register("UpdateUser", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.submitted(t, 1, 2)
	old := e.links(t, a.ID, "user1@example.nl")[0]

	// The user confirmed and had a code sent to a mistyped number.
	if _, err := e.b.ConfirmDetails(e.ctx, old); err != nil {
		t.Fatal(err)
	}
	if _, err := e.b.SendCode(e.ctx, old); err != nil {
		t.Fatal(err)
	}
	at := e.clock.Advance(minute)
	u, err := e.b.UpdateUser(e.ctx, a.ID, "user1@example.nl", reconi.UserUpdate{Email: "user1.fixed@example.nl", Phone: "+31 6 23456789"})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "email", u.Email, "user1.fixed@example.nl")
	eq(t, "phone", u.Phone, "+31623456789")
	eq(t, "state", u.State, reconi.UserInvited) // the changed details are confirmed again
	_, err = e.b.Invitation(e.ctx, old)
	wantErr(t, err, reconi.KindNotFound)
	// What still waited for the old address and number (the invitation,
	// the code) is not sent: its link and code no longer work.
	for _, to := range []string{"user1@example.nl", "+31612000001"} {
		ms, err := reconi.AllMessages(e.ctx, e.b, reconi.OutboxFilter{To: to})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 {
			t.Errorf("no message to %s", to)
		}
		for _, m := range ms {
			if m.State != reconi.MessageFailed || !contains(m.LastError, "not sent") {
				t.Errorf("message %d to %s: %s %q, want failed, not sent", m.ID, to, m.State, m.LastError)
			}
		}
	}
	fresh, err := reconi.AllMessages(e.ctx, e.b, reconi.OutboxFilter{To: "user1.fixed@example.nl"})
	if err != nil || len(fresh) != 1 || fresh[0].State == reconi.MessageFailed {
		t.Errorf("messages to the new address: %+v, %v; want one invitation on its way", fresh, err)
	}
	links := e.links(t, a.ID, "user1.fixed@example.nl")
	if len(links) != 1 {
		t.Fatalf("%d invitations to the new address, want 1", len(links))
	}
	inv, err := e.b.Invitation(e.ctx, links[0])
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "next", inv.Next, "confirm")
	eq(t, "code voided", inv.CodeSentAt == nil, true)
	ev := e.lastEvent(t, "user1.fixed@example.nl")
	eq(t, "actor", ev.Actor, e.me)
	sameTime(t, "at", ev.At, at)
	for _, want := range []string{"user1@example.nl", "user1.fixed@example.nl", "789"} {
		if !contains(ev.Reason, want) {
			t.Errorf("reason %q lacks %q", ev.Reason, want)
		}
	}
	_, err = e.b.Person(e.ctx, "user1@example.nl", "")
	wantErr(t, err, reconi.KindNotFound)

	// The same validation as adding a user.
	_, err = e.b.UpdateUser(e.ctx, a.ID, "user1.fixed@example.nl", reconi.UserUpdate{Email: "user2@EXAMPLE.nl"})
	wantErr(t, err, reconi.KindConflict, "user2@example.nl", "already a user")
	_, err = e.b.UpdateUser(e.ctx, a.ID, "user1.fixed@example.nl", reconi.UserUpdate{Email: "not an address"})
	wantErr(t, err, reconi.KindInvalid, "new email")
	_, err = e.b.UpdateUser(e.ctx, a.ID, "user1.fixed@example.nl", reconi.UserUpdate{Phone: "020 1234567"})
	wantErr(t, err, reconi.KindInvalid, "phone")
	_, err = e.b.UpdateUser(e.ctx, a.ID, "user1.fixed@example.nl", reconi.UserUpdate{})
	wantErr(t, err, reconi.KindInvalid, "nothing to change")
	_, err = e.b.UpdateUser(e.ctx, a.ID, "nobody@example.nl", reconi.UserUpdate{Phone: "0611111111"})
	wantErr(t, err, reconi.KindNotFound, "nobody@example.nl")

	// A change of case alone keeps the link.
	before := len(e.links(t, a.ID, "user1.fixed@example.nl"))
	u, err = e.b.UpdateUser(e.ctx, a.ID, "user1.fixed@example.nl", reconi.UserUpdate{Email: "User1.Fixed@example.nl"})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "email in its new case", u.Email, "User1.Fixed@example.nl")
	eq(t, "no new invitation", len(e.links(t, a.ID, "User1.Fixed@example.nl")), before)
	if _, err := e.b.Invitation(e.ctx, links[0]); err != nil {
		t.Errorf("a change of case voided the link: %v", err)
	}

	// A new number only: the link stays.
	u, err = e.b.UpdateUser(e.ctx, a.ID, "user2@example.nl", reconi.UserUpdate{Phone: "06 11111111"})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "phone", u.Phone, "+31611111111")
	if _, err := e.b.Invitation(e.ctx, e.links(t, a.ID, "user2@example.nl")[0]); err != nil {
		t.Errorf("a new number voided the link: %v", err)
	}

	// After the phone is verified, nothing is corrected.
	takeSteps(t, e.ctx, e.b, e.lastLink(t, a.ID, "user2@example.nl"))
	_, err = e.b.UpdateUser(e.ctx, a.ID, "user2@example.nl", reconi.UserUpdate{Phone: "06 22222222"})
	wantErr(t, err, reconi.KindConflict, "issued", "phone_verified")

	// In a draft the data is corrected, and no invitation goes out.
	d := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, d.ID, user(3, true))
	u, err = e.b.UpdateUser(e.ctx, d.ID, "user3@example.nl", reconi.UserUpdate{Email: "user3b@example.nl"})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "draft state", u.State, reconi.UserDraft)
	eq(t, "draft mails", len(e.links(t, d.ID, "user3b@example.nl")), 0)
})
