package backendtest

import (
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// One person's view: every request for an email, across organisations.

var _ = register("Person", func(t *testing.T, e *env) {
	e.orgA(t)
	e.orgB(t)
	// user1 is invited by A, then cancelled; B has them in a draft.
	a := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, a.ID, user(1, true))
	e.addUser(t, a.ID, user(2, true))
	e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1})
	e.submit(t, a.ID)
	cancelled := e.clock.Advance(minute)
	if _, err := e.b.Cancel(e.ctx, a.ID, "user1@example.nl", "left the company"); err != nil {
		t.Fatal(err)
	}
	b := e.draft(t, kvkB, "EH3", "")
	e.addUser(t, b.ID, user(1, true))

	p, err := e.b.Person(e.ctx, "User1@example.nl", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Requests) != 2 {
		t.Fatalf("%d requests, want 2: %+v", len(p.Requests), p)
	}
	eq(t, "email as stored", p.Email, "user1@example.nl")
	r := p.Requests[0]
	eq(t, "application", r.ApplicationID, a.ID)
	eq(t, "organisation", r.Organization.KVK, reconi.KVK(kvkA))
	eq(t, "application state", r.ApplicationState, reconi.AppSubmitted)
	eq(t, "state", r.User.State, reconi.UserCancelled)
	if !contains(r.Reason, "left the company") {
		t.Errorf("reason %q does not say why", r.Reason)
	}
	// Only user1's events, ending with the cancellation.
	for _, ev := range r.History {
		eq(t, "event email", ev.Email, "user1@example.nl")
	}
	if n := len(r.History); n < 3 || r.History[n-1].To != string(reconi.UserCancelled) {
		t.Errorf("history %+v", r.History)
	} else {
		sameTime(t, "cancelled at", r.History[n-1].At, cancelled)
	}
	// The invitation email, without its body.
	if len(r.Messages) == 0 || r.Messages[0].Channel != reconi.ChannelEmail || r.Messages[0].Subject == "" {
		t.Errorf("messages %+v", r.Messages)
	}
	r = p.Requests[1]
	eq(t, "second application", r.ApplicationID, b.ID)
	eq(t, "second state", r.User.State, reconi.UserDraft)
	eq(t, "no reason while open", r.Reason, "")

	// An invited person has a deadline: when the link expires.
	p, err = e.b.Person(e.ctx, "user2@example.nl", kvkA)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Requests) != 1 || p.Requests[0].User.State != reconi.UserInvited || p.Requests[0].User.DeadlineAt == nil {
		t.Errorf("user2 %+v", p)
	}

	// Five wrong SMS codes lock the code, and the person's history says so.
	msgs, err := reconi.AllMessages(e.ctx, e.b, reconi.OutboxFilter{ApplicationID: a.ID, To: "user2@example.nl", Channel: "email"})
	if err != nil || len(msgs) == 0 {
		t.Fatalf("the invitation of user2: %v (%d messages)", err, len(msgs))
	}
	link := inviteLink.FindStringSubmatch(msgs[0].Body)
	if link == nil {
		t.Fatalf("no link in %q", msgs[0].Body)
	}
	if _, err := e.b.ConfirmDetails(e.ctx, link[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := e.b.SendCode(e.ctx, link[1]); err != nil {
		t.Fatal(err)
	}
	for range 6 {
		if _, err := e.b.VerifyCode(e.ctx, link[1], "000000x"); reconi.ErrorKind(err) != reconi.KindInvalid {
			t.Fatalf("a wrong code: %v", err)
		}
	}
	p, err = e.b.Person(e.ctx, "user2@example.nl", kvkA)
	if err != nil {
		t.Fatal(err)
	}
	locked := 0
	for _, ev := range p.Requests[0].History {
		if contains(ev.Reason, "locked") {
			locked++
		}
	}
	eq(t, "lockout events", locked, 1)

	// One organisation only.
	p, err = e.b.Person(e.ctx, "user1@example.nl", kvkB)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Requests) != 1 || p.Requests[0].ApplicationID != b.ID {
		t.Errorf("in B: %+v", p)
	}

	_, err = e.b.Person(e.ctx, "nobody@example.nl", "")
	wantErr(t, err, reconi.KindNotFound, "nobody@example.nl")
	_, err = e.b.Person(e.ctx, "user2@example.nl", kvkB)
	wantErr(t, err, reconi.KindNotFound)
	_, err = e.b.Person(e.ctx, "not an address", "")
	wantErr(t, err, reconi.KindInvalid, "email")
})
