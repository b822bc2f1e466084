package backendtest

import (
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

// Wizard step 7: adding users one at a time, removing them, listing them.

var _ = register("AddUser", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	e.clock.Advance(time.Minute)
	u := e.addUser(t, a.ID, reconi.NewUser{
		FirstName: "  Jan ", LastName: "de  Vries", Email: " Jan.de.Vries@Example.NL ",
		Phone: "06-12345678", DateOfBirth: "15-04-1985", Employed: yes,
	})
	if u.ID <= 0 {
		t.Errorf("id = %d", u.ID)
	}
	eq(t, "application_id", u.ApplicationID, a.ID)
	eq(t, "first_name", u.FirstName, "Jan")
	eq(t, "last_name", u.LastName, "de Vries")
	eq(t, "email", u.Email, "Jan.de.Vries@example.nl")
	eq(t, "phone", u.Phone, "+31612345678") // E.164
	eq(t, "date_of_birth", u.DateOfBirth, "1985-04-15")
	eq(t, "employed", u.Employed, true)
	eq(t, "state", u.State, reconi.UserDraft)
	sameTime(t, "updated_at", u.UpdatedAt, Start.Add(time.Minute))

	for i, tc := range []struct{ phone, want string }{
		{"+31 6 23456789", "+31623456789"},
		{"0031 6 34567890", "+31634567890"},
		{"+32 470 12 34 56", "+32470123456"}, // a Belgian mobile stays Belgian
	} {
		nu := user(11+i, false)
		nu.Phone = tc.phone
		got := e.addUser(t, a.ID, nu)
		eq(t, tc.phone, got.Phone, tc.want)
		eq(t, tc.phone+": employed", got.Employed, false)
		eq(t, tc.phone+": date_of_birth", got.DateOfBirth, "")
	}
	// A date of birth today is not in the future.
	today := user(99, true)
	today.DateOfBirth = "2026-03-02"
	eq(t, "date of birth today", e.addUser(t, a.ID, today).DateOfBirth, "2026-03-02")

	us := e.users(t, a.ID)
	eqSlice(t, "users", emails(us), []string{"Jan.de.Vries@example.nl", "user11@example.nl", "user12@example.nl", "user13@example.nl", "user99@example.nl"})
	if l := us[0]; l.ID != u.ID || l.ApplicationID != u.ApplicationID || l.FirstName != u.FirstName || l.LastName != u.LastName ||
		l.Phone != u.Phone || l.DateOfBirth != u.DateOfBirth || l.Employed != u.Employed || l.State != u.State || !l.UpdatedAt.Equal(u.UpdatedAt) {
		t.Errorf("listed %+v, added %+v", l, *u)
	}
	if got := e.app(t, a.ID); len(got.Users) != 5 {
		t.Errorf("the draft has %d users, want 5", len(got.Users))
	}
})

var _ = register("AddUserValidatesEveryField", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	for _, tc := range []struct {
		name   string
		change func(*reconi.NewUser)
		field  string
		want   []string
	}{
		{"empty first name", func(u *reconi.NewUser) { u.FirstName = " " }, "first_name", []string{"empty"}},
		{"empty last name", func(u *reconi.NewUser) { u.LastName = "" }, "last_name", []string{"empty"}},
		{"empty email", func(u *reconi.NewUser) { u.Email = "" }, "email", []string{"empty", "jan@example.nl"}},
		{"bad email", func(u *reconi.NewUser) { u.Email = "jan.example.nl" }, "email", []string{"not an email address", "jan@example.nl"}},
		{"email with a name", func(u *reconi.NewUser) { u.Email = "Jan <jan@example.nl>" }, "email", []string{"not an email address"}},
		{"email without domain", func(u *reconi.NewUser) { u.Email = "jan@localhost" }, "email", []string{"domain"}},
		{"landline", func(u *reconi.NewUser) { u.Phone = "020 1234567" }, "phone", []string{"not a mobile number", "06 12345678"}},
		{"Belgian landline", func(u *reconi.NewUser) { u.Phone = "+32 2 555 12 12" }, "phone", []string{"not a mobile number"}},
		{"not a number", func(u *reconi.NewUser) { u.Phone = "12345" }, "phone", []string{"not a valid phone number", "06 12345678"}},
		{"empty phone", func(u *reconi.NewUser) { u.Phone = "" }, "phone", []string{"empty"}},
		{"impossible date", func(u *reconi.NewUser) { u.DateOfBirth = "2023-02-30" }, "date_of_birth", []string{"not a date", "YYYY-MM-DD"}},
		{"impossible date, day first", func(u *reconi.NewUser) { u.DateOfBirth = "31-02-1990" }, "date_of_birth", []string{"not a date"}},
		{"future date", func(u *reconi.NewUser) { u.DateOfBirth = "2026-03-03" }, "date_of_birth", []string{"in the future"}},
		{"employed missing", func(u *reconi.NewUser) { u.Employed = nil }, "employed", []string{"true/false"}},
	} {
		in := user(1, true)
		tc.change(&in)
		_, err := e.b.AddUser(e.ctx, a.ID, in)
		re := wantErr(t, err, reconi.KindInvalid)
		if len(re.Rows) != 1 || re.Rows[0].Field != tc.field {
			t.Errorf("%s: row problems %+v, want one for %s", tc.name, re.Rows, tc.field)
			continue
		}
		for _, w := range tc.want {
			if !contains(re.Rows[0].Message, w) {
				t.Errorf("%s: message %q does not contain %q", tc.name, re.Rows[0].Message, w)
			}
		}
	}

	// Every problem at once.
	_, err := e.b.AddUser(e.ctx, a.ID, reconi.NewUser{Email: "x", Phone: "020 1234567", DateOfBirth: "2023-02-30"})
	re := wantErr(t, err, reconi.KindInvalid)
	wantRows(t, re,
		row{0, "first_name", nil}, row{0, "last_name", nil}, row{0, "email", nil},
		row{0, "phone", []string{"not a mobile"}}, row{0, "date_of_birth", nil}, row{0, "employed", nil})

	if us := e.users(t, a.ID); len(us) != 0 {
		t.Errorf("invalid users were added: %v", emails(us))
	}
})

var _ = register("AddUserDuplicateEmail", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	b := e.draft(t, kvkA, "EH3", "")
	in := user(1, true)
	e.addUser(t, a.ID, in)
	dup := user(2, false)
	dup.Email = "USER1@Example.nl" // the same address, in other case
	_, err := e.b.AddUser(e.ctx, a.ID, dup)
	wantErr(t, err, reconi.KindConflict, "USER1@example.nl", "already")
	eqSlice(t, "users", emails(e.users(t, a.ID)), []string{"user1@example.nl"})
	// Another draft may have the same person.
	e.addUser(t, b.ID, in)
})

var _ = register("RemoveUser", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, a.ID, user(1, true))
	e.addUser(t, a.ID, user(2, true))
	if err := e.b.RemoveUser(e.ctx, a.ID, "USER1@example.nl"); err != nil {
		t.Fatal(err)
	}
	eqSlice(t, "users", emails(e.users(t, a.ID)), []string{"user2@example.nl"})

	err := e.b.RemoveUser(e.ctx, a.ID, "user1@example.nl")
	wantErr(t, err, reconi.KindNotFound, "user1@example.nl")
	err = e.b.RemoveUser(e.ctx, a.ID, "nobody@example.nl")
	wantErr(t, err, reconi.KindNotFound, "nobody@example.nl")
	err = e.b.RemoveUser(e.ctx, 99999, "user2@example.nl")
	wantErr(t, err, reconi.KindNotFound, "99999")
	eqSlice(t, "users", emails(e.users(t, a.ID)), []string{"user2@example.nl"})
})

var _ = register("UsersOfOrganization", func(t *testing.T, e *env) {
	e.orgA(t)
	e.orgB(t)
	a1 := e.draft(t, kvkA, "EH3", "")
	a2 := e.draft(t, kvkA, "EH2", "")
	b1 := e.draft(t, kvkB, "EH3", "")
	e.addUser(t, a1.ID, user(1, true))
	e.addUser(t, b1.ID, user(2, true))
	e.addUser(t, a2.ID, user(3, true))
	e.addUser(t, a1.ID, user(4, true))

	us, err := reconi.AllUsers(e.ctx, e.b, reconi.UserFilter{KVK: kvkA})
	if err != nil {
		t.Fatal(err)
	}
	eqSlice(t, "users of A", emails(us), []string{"user1@example.nl", "user3@example.nl", "user4@example.nl"})
	eqSlice(t, "users of B", emails(e.users(t, b1.ID)), []string{"user2@example.nl"})

	_, err = reconi.AllUsers(e.ctx, e.b, reconi.UserFilter{})
	wantErr(t, err, reconi.KindInvalid, "draft")
	_, err = reconi.AllUsers(e.ctx, e.b, reconi.UserFilter{KVK: "123"})
	wantErr(t, err, reconi.KindInvalid, "kvk", "8 digits")
	_, err = reconi.AllUsers(e.ctx, e.b, reconi.UserFilter{ApplicationID: 99999})
	wantErr(t, err, reconi.KindNotFound, "99999")
})
