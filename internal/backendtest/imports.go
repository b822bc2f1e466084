package backendtest

import (
	"reflect"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// Wizard step 7, the CSV upload: all or nothing, every bad row reported.

const goodCSV = `first_name,last_name,email,phone,date_of_birth,employed
Anna,Bakker,anna@example.nl,06 12345678,1990-01-31,true
Bram,Visser,Bram@Example.NL,+31 6 23456789,,false
`

// badCSV has one good row and one bad row of each kind; line 8 repeats a
// user the test adds to the draft first.
const badCSV = `first_name,last_name,email,phone,date_of_birth,employed
Anna,Bakker,anna@example.nl,0612345678,1990-01-31,ja
Bram,Visser,bram@@example,0623456789,,nee
Carla,Smit,carla@example.nl,020 1234567,,ja
,Mulder,dirk@example.nl,0634567890,,ja
Eva,de Jong,eva@example.nl,0645678901,2023-02-30,ja
Anna,Bakker,ANNA@example.nl,0656789012,,ja
Piet,Pieters,user1@example.nl,0687890123,,ja
`

func (e *env) importCSV(t *testing.T, appID int64, csv string, dry bool) (*reconi.ImportResult, error) {
	t.Helper()
	return e.b.ImportUsers(e.ctx, appID, strings.NewReader(csv), reconi.ImportOptions{DryRun: dry})
}

var _ = register("ImportUsers", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	res, err := e.importCSV(t, a.ID, goodCSV, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || res.Added != 2 || res.DryRun || len(res.IgnoredColumns) != 0 {
		t.Errorf("result = %+v, want 2 rows, 2 added", res)
	}
	us := e.users(t, a.ID)
	eqSlice(t, "users", emails(us), []string{"anna@example.nl", "Bram@example.nl"})
	if len(us) == 2 {
		eq(t, "anna's phone", us[0].Phone, "+31612345678")
		eq(t, "anna's date of birth", us[0].DateOfBirth, "1990-01-31")
		eq(t, "anna employed", us[0].Employed, true)
		eq(t, "anna's state", us[0].State, reconi.UserDraft)
		sameTime(t, "anna's updated_at", us[0].UpdatedAt, Start)
		eq(t, "bram's phone", us[1].Phone, "+31623456789")
		eq(t, "bram's date of birth", us[1].DateOfBirth, "")
		eq(t, "bram employed", us[1].Employed, false)
	}
})

var _ = register("ImportUsersAllOrNothing", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, a.ID, user(1, true))

	check := func(dry bool) *reconi.Error {
		res, err := e.importCSV(t, a.ID, badCSV, dry)
		if res != nil {
			t.Errorf("dry run %v: a result %+v with an error", dry, res)
		}
		re := wantErr(t, err, reconi.KindInvalid, "6 of 7 rows", "no user was added")
		wantRows(t, re,
			row{3, "email", []string{"not an email address", "jan@example.nl"}},
			row{4, "phone", []string{"not a mobile number"}},
			row{5, "first_name", []string{"empty"}},
			row{6, "date_of_birth", []string{"not a date"}},
			row{7, "email", []string{"duplicate", "line 2"}},
			row{8, "email", []string{"user1@example.nl", "already a user"}},
		)
		eqSlice(t, "users after a refused import", emails(e.users(t, a.ID)), []string{"user1@example.nl"})
		return re
	}
	real := check(false)
	dry := check(true)
	if !reflect.DeepEqual(real.Rows, dry.Rows) || real.Message != dry.Message {
		t.Errorf("a dry run reports\n%v\nand the import\n%v", dry, real)
	}

	// With the bad rows fixed the same file goes in, all of it.
	fixed := `first_name,last_name,email,phone,date_of_birth,employed
Anna,Bakker,anna@example.nl,0612345678,1990-01-31,ja
Bram,Visser,bram@example.nl,0623456789,,nee
`
	res, err := e.importCSV(t, a.ID, fixed, false)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "added", res.Added, 2)
	eqSlice(t, "users", emails(e.users(t, a.ID)), []string{"user1@example.nl", "anna@example.nl", "bram@example.nl"})
})

// A row that repeats the email of a row that is bad for another reason is
// reported at once too, not only after the first row is fixed.
var _ = register("ImportUsersDuplicateOfBadRow", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	csv := `first_name,last_name,email,phone,employed
Jan,Jansen,x@example.nl,020 1234567,ja
Jan,Jansen,x@example.nl,06 12345678,ja
`
	_, err := e.importCSV(t, a.ID, csv, false)
	re := wantErr(t, err, reconi.KindInvalid, "2 of 2 rows")
	wantRows(t, re,
		row{2, "phone", []string{"not a mobile number"}},
		row{3, "email", []string{"duplicate", "line 2"}},
	)
	if us := e.users(t, a.ID); len(us) != 0 {
		t.Errorf("a refused import added %v", emails(us))
	}
})

var _ = register("ImportUsersDryRun", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	res, err := e.importCSV(t, a.ID, goodCSV, true)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || res.Added != 2 || !res.DryRun {
		t.Errorf("result = %+v, want 2 rows that would be added, dry run", res)
	}
	if us := e.users(t, a.ID); len(us) != 0 {
		t.Errorf("a dry run added %v", emails(us))
	}
	// A dry run also finds duplicates with the draft.
	e.addUser(t, a.ID, reconi.NewUser{FirstName: "A", LastName: "B", Email: "anna@example.nl", Phone: "0687654321", Employed: yes})
	_, err = e.importCSV(t, a.ID, goodCSV, true)
	re := wantErr(t, err, reconi.KindInvalid, "1 of 2 rows")
	wantRows(t, re, row{2, "email", []string{"already a user"}})
})

var _ = register("ImportUsersDutchSpreadsheet", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH2+", "")
	// As a Dutch spreadsheet saves it: byte order mark, semicolons, CRLF,
	// Dutch headers, day-first dates, ja/nee, a column reconi does not know.
	csv := "\uFEFFVoornaam;Tussenvoegsel;Achternaam;E-mailadres;Mobiel;Geboortedatum;In dienst;Afdeling\r\n" +
		"Kees;van der;Berg;kees@example.nl;06 12345678;01-02-1975;ja;Financiën\r\n" +
		"Fatima;;Bouzid;fatima@example.nl;+31 6 23456789;;nee;HR\r\n"
	res, err := e.importCSV(t, a.ID, csv, false)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "added", res.Added, 2)
	eqSlice(t, "ignored columns", res.IgnoredColumns, []string{"Afdeling"})
	us := e.users(t, a.ID)
	if len(us) != 2 {
		t.Fatalf("users = %v", emails(us))
	}
	want := []reconi.User{
		{FirstName: "Kees", LastName: "van der Berg", Email: "kees@example.nl", Phone: "+31612345678", DateOfBirth: "1975-02-01", Employed: true},
		{FirstName: "Fatima", LastName: "Bouzid", Email: "fatima@example.nl", Phone: "+31623456789", Employed: false},
	}
	for i, w := range want {
		u := us[i]
		if u.FirstName != w.FirstName || u.LastName != w.LastName || u.Email != w.Email || u.Phone != w.Phone ||
			u.DateOfBirth != w.DateOfBirth || u.Employed != w.Employed {
			t.Errorf("user %d = %+v, want %+v", i, u, w)
		}
	}

	// Errors in a Dutch file name the canonical field and the file's line.
	bad := "Voornaam;Achternaam;E-mail;Telefoonnummer;In dienst\n" +
		"Kees;Berg;kees2@example.nl;020 1234567;ja\n" +
		"Fatima;Bouzid;fatima2@example.nl;06 34567890;misschien\n"
	_, err = e.importCSV(t, a.ID, bad, false)
	re := wantErr(t, err, reconi.KindInvalid)
	wantRows(t, re, row{2, "phone", []string{"not a mobile"}}, row{3, "employed", []string{"ja/nee"}})
})

var _ = register("ImportUsersBadFiles", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	_, err := e.importCSV(t, a.ID, "first_name,last_name,email,phone,employed\n", false)
	wantErr(t, err, reconi.KindInvalid, "no rows")
	_, err = e.importCSV(t, a.ID, "", false)
	wantErr(t, err, reconi.KindInvalid, "empty")
	_, err = e.importCSV(t, a.ID, "first_name,last_name,phone,employed\nA,B,0612345678,ja\n", false)
	wantErr(t, err, reconi.KindInvalid, "email")
	_, err = e.importCSV(t, 99999, goodCSV, false)
	wantErr(t, err, reconi.KindNotFound, "99999")
	if us := e.users(t, a.ID); len(us) != 0 {
		t.Errorf("bad files added %v", emails(us))
	}
})
