package backendtest

import (
	"reflect"
	"slices"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// Wizard step 7 for users already split into fields (a manifest's):
// ImportUserRows checks them as a CSV row is checked, all or nothing, and a
// row's errors say where it was written.

// rowsOf yields rows, again from the start each time it is ranged over.
func rowsOf(rows ...reconi.UserRow) reconi.UserRows {
	return func(yield func(reconi.UserRow, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}

func (e *env) importRows(appID int64, dry bool, rows ...reconi.UserRow) (*reconi.ImportResult, error) {
	return e.b.ImportUserRows(e.ctx, appID, rowsOf(rows...), reconi.ImportOptions{DryRun: dry})
}

func userRow(source string, u reconi.NewUser) reconi.UserRow {
	return reconi.UserRow{NewUser: u, Source: source}
}

var _ = register("ImportUserRows", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	no := false
	anna := reconi.NewUser{FirstName: "Anna", LastName: "Bakker", Email: "anna@example.nl", Phone: "06 12345678", DateOfBirth: "1990-01-31", Employed: yes}
	bram := reconi.NewUser{FirstName: "Bram", LastName: "Visser", Email: "Bram@Example.NL", Phone: "+31623456789", Employed: &no}
	res, err := e.importRows(a.ID, true, userRow("m.yaml:7", anna), userRow("users.csv:2", bram))
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || res.Added != 2 || !res.DryRun {
		t.Errorf("dry run = %+v, want 2 rows that would be added", res)
	}
	if us := e.users(t, a.ID); len(us) != 0 {
		t.Fatalf("a dry run added %v", emails(us))
	}
	res, err = e.importRows(a.ID, false, userRow("m.yaml:7", anna), userRow("users.csv:2", bram))
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 2 || res.Added != 2 || res.DryRun {
		t.Errorf("result = %+v, want 2 rows, 2 added", res)
	}
	us := e.users(t, a.ID)
	eqSlice(t, "users", emails(us), []string{"anna@example.nl", "Bram@example.nl"})
	if len(us) == 2 {
		eq(t, "anna's phone", us[0].Phone, "+31612345678")
		eq(t, "anna's date of birth", us[0].DateOfBirth, "1990-01-31")
		eq(t, "anna employed", us[0].Employed, true)
		eq(t, "bram employed", us[1].Employed, false)
		sameTime(t, "bram's updated_at", us[1].UpdatedAt, Start)
	}
	h, err := reconi.AllEvents(e.ctx, e.b, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(h, func(ev reconi.Event) bool { return ev.Reason == "2 users imported" }) {
		t.Errorf("history %+v has no import", h)
	}
})

var _ = register("ImportUserRowsAllOrNothing", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, a.ID, user(1, true))
	rows := []reconi.UserRow{
		userRow("m.yaml:10", reconi.NewUser{FirstName: "Anna", LastName: "Bakker", Email: "anna@example.nl", Phone: "0612345678", Employed: yes}),
		userRow("m.yaml:16", reconi.NewUser{FirstName: "Bram", LastName: "Visser", Email: "bram@@example", Phone: "0623456789", Employed: yes}),
		userRow("m.yaml:22", reconi.NewUser{FirstName: "Carla", LastName: "Smit", Email: "carla@example.nl", Phone: "0634567890"}),
		userRow("", reconi.NewUser{FirstName: "Anna", LastName: "Bakker", Email: "ANNA@example.nl", Phone: "0656789012", Employed: yes}),
		userRow("users.csv:3", user(1, false)),
	}
	check := func(dry bool) *reconi.Error {
		res, err := e.importRows(a.ID, dry, rows...)
		if res != nil {
			t.Errorf("dry run %v: a result %+v with an error", dry, res)
		}
		re := wantErr(t, err, reconi.KindInvalid, "4 of 5 rows", "no user was added")
		wantRows(t, re,
			row{2, "email", []string{"not an email address"}},
			row{3, "employed", []string{"empty"}},
			row{4, "email", []string{"duplicate", "row 1"}},
			row{5, "email", []string{"user1@example.nl", "already a user"}},
		)
		var sources []string
		for _, r := range re.Rows {
			sources = append(sources, r.Source)
		}
		eqSlice(t, "sources of the errors", sources, []string{"m.yaml:16", "m.yaml:22", "", "users.csv:3"})
		eqSlice(t, "users after a refused import", emails(e.users(t, a.ID)), []string{"user1@example.nl"})
		return re
	}
	real := check(false)
	dry := check(true)
	if !reflect.DeepEqual(real.Rows, dry.Rows) || real.Message != dry.Message {
		t.Errorf("a dry run reports\n%v\nand the import\n%v", dry, real)
	}
	if got := real.Rows[0].String(); got != "m.yaml:16: email: "+real.Rows[0].Message {
		t.Errorf("a row error with a source reads %q", got)
	}

	_, err := e.importRows(a.ID, false)
	wantErr(t, err, reconi.KindInvalid, "nothing to import")
	_, err = e.b.ImportUserRows(e.ctx, 99999, rowsOf(rows[0]), reconi.ImportOptions{})
	wantErr(t, err, reconi.KindNotFound)
})
