package csvio

import (
	"bytes"
	"errors"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

func TestWriterRoundTrip(t *testing.T) {
	users := []reconi.User{
		{FirstName: "Jan", LastName: "Jansen", Email: "jan.jansen@example.nl", Phone: "+31612345678", DateOfBirth: "1985-04-12", Employed: true},
		{FirstName: "Zoë", LastName: "van der Berg", Email: "zoe@example.nl", Phone: "+31623456789", Employed: false},
		// Quotes, delimiters, newlines and formula starts must all survive.
		{FirstName: `Anne "An"`, LastName: "Smit, de;\nJong", Email: "=cmd|' /C calc'!A0@example.nl", Phone: "'+31634567890", DateOfBirth: "-1", Employed: true},
		{FirstName: "@SUM(1+1)", LastName: "''=x", Email: "a@example.nl", Phone: "\t+31645678901", Employed: false},
	}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, u := range users {
		if err := w.Write(u); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}

	rows, rd := readAll(t, &buf)
	if len(rd.Ignored()) != 0 {
		t.Errorf("ignored columns %q", rd.Ignored())
	}
	if len(rows) != len(users) {
		t.Fatalf("read %d rows, want %d", len(rows), len(users))
	}
	for i, row := range rows {
		u := users[i]
		nu, err := row.NewUser()
		if err != nil {
			t.Fatal(err)
		}
		got := reconi.User{FirstName: nu.FirstName, LastName: nu.LastName, Email: nu.Email, Phone: nu.Phone,
			DateOfBirth: reconi.Date(nu.DateOfBirth), Employed: *nu.Employed}
		want := reconi.User{FirstName: u.FirstName, LastName: u.LastName, Email: u.Email, Phone: u.Phone,
			DateOfBirth: u.DateOfBirth, Employed: u.Employed}
		if got != want {
			t.Errorf("user %d:\n got %+v\nwant %+v", i, got, want)
		}
	}
}

func TestWriterGuardsFormulas(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	err := w.Write(reconi.User{FirstName: "=HYPERLINK(\"http://x\")", LastName: "-2+3", Email: "@x", Phone: "+31612345678", DateOfBirth: "1985-04-12", Employed: true})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(reconi.User{FirstName: "\tTab", LastName: "\rCR", Email: "'+x", Phone: "O'Neill", Employed: false})
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "first_name,last_name,email,phone,date_of_birth,employed\n" +
		`"'=HYPERLINK(""http://x"")",'-2+3,'@x,'+31612345678,1985-04-12,true` + "\n" +
		"'\tTab,\"'\rCR\",''+x,O'Neill,,false\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

func TestWriterHeaderOnly(t *testing.T) {
	var buf bytes.Buffer
	if err := NewWriter(&buf).Flush(); err != nil {
		t.Fatal(err)
	}
	if want := "first_name,last_name,email,phone,date_of_birth,employed\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
	rows, _ := readAll(t, &buf)
	if len(rows) != 0 {
		t.Errorf("got %d rows, want none", len(rows))
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterReportsErrors(t *testing.T) {
	w := NewWriter(failingWriter{})
	w.Write(reconi.User{FirstName: "a"})
	if err := w.Flush(); err == nil || err.Error() != "disk full" {
		t.Errorf("Flush = %v, want disk full", err)
	}
}
