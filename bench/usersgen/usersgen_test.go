package usersgen

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/csvio"
	"github.com/reconi/reconi/internal/reconi"
)

// TestRowsAreValidAndDistinct reads a generated file the way the importer
// does and checks every field with the domain's parsers: the benchmarks must
// measure imports that succeed.
func TestRowsAreValidAndDistinct(t *testing.T) {
	const n = 5000
	var file bytes.Buffer
	if err := Write(&file, n); err != nil {
		t.Fatal(err)
	}
	r, err := csvio.NewReader(bytes.NewReader(file.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	emails, phones := map[string]int{}, map[string]int{}
	rows := 0
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("row %d: %v", rows, err)
		}
		rows++
		check := func(field string, err error) {
			if err != nil {
				t.Errorf("line %d: %s: %v", row.Line, field, err)
			}
		}
		_, err = reconi.ParseName("first_name", row.FirstName)
		check("first_name", err)
		_, err = reconi.ParseName("last_name", row.LastName)
		check("last_name", err)
		email, err := reconi.ParseEmail(row.Email)
		check("email", err)
		phone, err := reconi.ParseMobile(row.Phone)
		check("phone", err)
		if row.DateOfBirth != "" {
			_, err = reconi.ParseDate("date_of_birth", row.DateOfBirth, time.Now())
			check("date_of_birth", err)
		}
		_, err = reconi.ParseBool("employed", row.Employed)
		check("employed", err)
		if prev, ok := emails[strings.ToLower(email)]; ok {
			t.Errorf("line %d: email %s also on line %d", row.Line, email, prev)
		}
		emails[strings.ToLower(email)] = row.Line
		if prev, ok := phones[phone]; ok {
			t.Errorf("line %d: phone %s also on line %d", row.Line, phone, prev)
		}
		phones[phone] = row.Line
	}
	if rows != n {
		t.Errorf("read %d rows, want %d", rows, n)
	}
}

func TestDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := Write(&a, 1000); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, 1000); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two files of the same size differ")
	}
	if got, want := strings.SplitN(a.String(), "\n", 3)[1], "Jan,Jansen,User0@example.nl,06 11234567,1950-01-01,true"; got != want {
		t.Errorf("first row %q, want %q", got, want)
	}
	if err := Write(io.Discard, MaxRows+1); err == nil {
		t.Error("more than MaxRows rows: no error")
	}
}
