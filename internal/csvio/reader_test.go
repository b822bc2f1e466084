package csvio

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"golang.org/x/text/encoding/unicode"

	"github.com/reconi/reconi/internal/reconi"
)

// readAll reads every row of input, failing the test on any error.
func readAll(t *testing.T, r io.Reader) ([]Row, *Reader) {
	t.Helper()
	rd, err := NewReader(r)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var rows []Row
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return rows, rd
		}
		if err != nil {
			t.Fatalf("Next after %d rows: %v", len(rows), err)
		}
		rows = append(rows, row)
	}
}

func readString(t *testing.T, s string) []Row {
	t.Helper()
	rows, _ := readAll(t, strings.NewReader(s))
	return rows
}

// checkValid runs the domain's own parsers over a row, so that fixtures and
// examples are known to import cleanly.
func checkValid(t *testing.T, row Row) {
	t.Helper()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	u, err := row.NewUser()
	if err != nil {
		t.Errorf("line %d: %v", row.Line, err)
		return
	}
	if u.Employed == nil {
		t.Errorf("line %d: employed is empty", row.Line)
	}
	if _, err := reconi.ParseName("first_name", u.FirstName); err != nil {
		t.Errorf("line %d: %v", row.Line, err)
	}
	if _, err := reconi.ParseName("last_name", u.LastName); err != nil {
		t.Errorf("line %d: %v", row.Line, err)
	}
	if _, err := reconi.ParseEmail(u.Email); err != nil {
		t.Errorf("line %d: %v", row.Line, err)
	}
	if _, err := reconi.ParseMobile(u.Phone); err != nil {
		t.Errorf("line %d: %v", row.Line, err)
	}
	if u.DateOfBirth != "" {
		if _, err := reconi.ParseDate("date_of_birth", u.DateOfBirth, now); err != nil {
			t.Errorf("line %d: %v", row.Line, err)
		}
	}
}

var fixtures = []struct {
	file    string
	want    []Row
	ignored []string
}{
	{
		file: "utf8.csv",
		want: []Row{
			{FirstName: "Jan", LastName: "Jansen", Email: "jan.jansen@example.nl", Phone: "06 12345678", DateOfBirth: "1985-04-12", Employed: "true", Line: 2},
			{FirstName: "Zoë", LastName: "van den Berg", Email: "zoe.vandenberg@example.nl", Phone: "+31 6 23456789", Employed: "false", Line: 3},
			// The phone carries Writer's formula guard, which the reader removes.
			{FirstName: "Pieter", LastName: "Bakker", Email: "pieter.bakker@example.nl", Phone: "+31634567890", DateOfBirth: "1979-01-30", Employed: "yes", Line: 4},
		},
	},
	{
		file: "utf8-bom-semicolon.csv",
		want: []Row{
			{FirstName: "Anna", LastName: "Smit", Email: "anna.smit@example.nl", Phone: "06-45678901", DateOfBirth: "12-04-1985", Employed: "ja", Line: 2},
			{FirstName: "Mohammed", LastName: "El Amrani", Email: "m.elamrani@example.nl", Phone: "0656789012", DateOfBirth: "03-11-1992", Employed: "nee", Line: 3},
		},
	},
	{
		file: "windows1252-semicolon.csv",
		want: []Row{
			{FirstName: "Zoë", LastName: "Müller", Email: "zoe.muller@example.nl", Phone: "06 58901234", DateOfBirth: "15-07-1990", Employed: "Ja", Line: 2},
			// ’ is 0x92, which only Windows-1252 (not Latin-1) has.
			{FirstName: "Françoise", LastName: "d’Hondt", Email: "f.dhondt@example.nl", Phone: "06 13572468", Employed: "Nee", Line: 3},
		},
	},
	{
		file: "utf16le-tab.csv",
		want: []Row{
			{FirstName: "Lotte", LastName: "de Jong", Email: "lotte.dejong@example.nl", Phone: "+31689012345", DateOfBirth: "1988-02-29", Employed: "true", Line: 2},
			{FirstName: "Ömer", LastName: "Yılmaz", Email: "omer.yilmaz@example.nl", Phone: "06-24681357", Employed: "false", Line: 3},
		},
	},
	{
		file: "dutch-headers.csv",
		want: []Row{
			{FirstName: "Kees", LastName: "van der Berg", Email: "kees.vanderberg@example.nl", Phone: "06 11223344", DateOfBirth: "01-02-1975", Employed: "ja", Line: 2},
			{FirstName: "Fatima", LastName: "Bouzid", Email: "fatima.bouzid@example.nl", Phone: "+31 6 22334455", Employed: "nee", Line: 3},
			{FirstName: "Daan", LastName: "de Graaf", Email: "daan.degraaf@example.nl", Phone: "06-33445566", DateOfBirth: "1999-12-31", Employed: "1", Line: 5},
		},
		ignored: []string{"Afdeling"},
	},
}

func TestFixtures(t *testing.T) {
	for _, fx := range fixtures {
		data, err := os.ReadFile(filepath.Join("testdata", fx.file))
		if err != nil {
			t.Fatal(err)
		}
		// Small reads split runes and lines at every possible place, which
		// the decoders must carry across.
		readers := map[string]func() io.Reader{
			"whole":    func() io.Reader { return bytes.NewReader(data) },
			"one-byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data)) },
			"half":     func() io.Reader { return iotest.HalfReader(bytes.NewReader(data)) },
		}
		for name, open := range readers {
			t.Run(fx.file+"/"+name, func(t *testing.T) {
				rows, rd := readAll(t, open())
				if !reflect.DeepEqual(rows, fx.want) {
					t.Errorf("rows:\n got %+v\nwant %+v", rows, fx.want)
				}
				if got := rd.Ignored(); !slices.Equal(got, fx.ignored) {
					t.Errorf("Ignored() = %q, want %q", got, fx.ignored)
				}
				for _, row := range rows {
					checkValid(t, row)
				}
			})
		}
	}
}

func TestExampleFileIsValid(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "docs", "examples", "users.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, rd := readAll(t, f)
	if len(rows) != 10 {
		t.Errorf("got %d users, want 10", len(rows))
	}
	if len(rd.Ignored()) != 0 {
		t.Errorf("ignored columns %q", rd.Ignored())
	}
	emails := map[string]bool{}
	var employed, notEmployed int
	for _, row := range rows {
		checkValid(t, row)
		if emails[row.Email] {
			t.Errorf("line %d: email %s used twice", row.Line, row.Email)
		}
		emails[row.Email] = true
		if u, err := row.NewUser(); err == nil && u.Employed != nil && *u.Employed {
			employed++
		} else {
			notEmployed++
		}
	}
	if employed == 0 || notEmployed == 0 {
		t.Errorf("want both employed and not employed users, got %d and %d", employed, notEmployed)
	}
}

func TestTemplate(t *testing.T) {
	rows := readString(t, string(Template()))
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want 2", len(rows))
	}
	var employed []bool
	for _, row := range rows {
		checkValid(t, row)
		if !strings.HasSuffix(row.Email, "@example.nl") {
			t.Errorf("line %d: email %s is not at example.nl", row.Line, row.Email)
		}
		u, _ := row.NewUser()
		employed = append(employed, *u.Employed)
	}
	if !slices.Equal(employed, []bool{true, false}) {
		t.Errorf("employed = %v, want one true and one false", employed)
	}
	header, _, _ := strings.Cut(string(Template()), "\n")
	if want := canonicalHeader(); header != want {
		t.Errorf("template header %q, want %q", header, want)
	}
}

func TestColumns(t *testing.T) {
	// Row's tags are the canonical names, else gocsv maps nothing.
	names := map[string]bool{}
	for _, c := range Columns() {
		names[c.Name] = true
	}
	rt := reflect.TypeFor[Row]()
	for i := range rt.NumField() {
		tag := rt.Field(i).Tag.Get("csv")
		if tag != "-" && !names[tag] {
			t.Errorf("Row.%s has tag %q, which is not a column", rt.Field(i).Name, tag)
		}
	}

	// An alias must not mean two columns.
	owner := map[string]string{}
	for _, c := range Columns() {
		for _, a := range append([]string{c.Name}, c.Aliases...) {
			n := normalizeHeader(a)
			if o, ok := owner[n]; ok && o != c.Name {
				t.Errorf("alias %q means both %s and %s", a, o, c.Name)
			}
			owner[n] = c.Name
		}
	}

	// Columns hands out copies.
	Columns()[0].Aliases[0] = "changed"
	if Columns()[0].Aliases[0] == "changed" {
		t.Error("Columns shares its aliases with callers")
	}
}

// TestHeaderAliases puts every alias of every column, in a few spellings, in
// an otherwise canonical header and checks that its cell lands in the right
// field.
func TestHeaderAliases(t *testing.T) {
	field := map[string]func(Row) string{
		"first_name":    func(r Row) string { return r.FirstName },
		"last_name":     func(r Row) string { return r.LastName },
		"email":         func(r Row) string { return r.Email },
		"phone":         func(r Row) string { return r.Phone },
		"date_of_birth": func(r Row) string { return r.DateOfBirth },
		"employed":      func(r Row) string { return r.Employed },
	}
	canonical := []string{"first_name", "last_name", "email", "phone", "date_of_birth", "employed"}
	for _, c := range Columns() {
		if c.Name == "last_name_prefix" {
			continue // tested with the prefix join
		}
		for _, alias := range append([]string{c.Name}, c.Aliases...) {
			spellings := []string{alias, strings.ToUpper(alias), " " + strings.Title(alias) + " ", strings.ReplaceAll(alias, " ", "_"),
				strings.ReplaceAll(alias, " ", ""), strings.ReplaceAll(alias, " ", "-"), "\uFEFF" + alias}
			for _, spelling := range spellings {
				header := slices.Clone(canonical)
				header[slices.Index(header, c.Name)] = spelling
				in := strings.Join(header, ";") + "\n" + "a;b;c;d;e;f\n"
				rows := readString(t, in)
				want := map[string]string{"first_name": "a", "last_name": "b", "email": "c", "phone": "d", "date_of_birth": "e", "employed": "f"}[c.Name]
				if len(rows) != 1 || field[c.Name](rows[0]) != want {
					t.Errorf("header %q: got %+v, want %s = %q", spelling, rows, c.Name, want)
				}
			}
		}
	}
}

func TestPrefixJoin(t *testing.T) {
	in := "voornaam,tussenvoegsel,achternaam,email,mobiel,in dienst\n" +
		"Kees,van der,Berg,k@example.nl,0612345678,ja\n" +
		"Anna,,Smit,a@example.nl,0612345678,ja\n" +
		"Piet, de ,  Boer ,p@example.nl,0612345678,ja\n" +
		// A prefix without a last name must not pass for one.
		"Joost,van,,j@example.nl,0612345678,ja\n"
	var got []string
	for _, r := range readString(t, in) {
		got = append(got, r.LastName)
	}
	want := []string{"van der Berg", "Smit", "de Boer", ""}
	if !slices.Equal(got, want) {
		t.Errorf("last names %q, want %q", got, want)
	}
}

// headerError returns the *reconi.Error NewReader gives for input.
func headerError(t *testing.T, input string) *reconi.Error {
	t.Helper()
	_, err := NewReader(strings.NewReader(input))
	var e *reconi.Error
	if !errors.As(err, &e) {
		t.Fatalf("NewReader(%q) = %v, want a *reconi.Error", input, err)
	}
	if e.Kind != reconi.KindInvalid {
		t.Errorf("kind %s, want invalid", e.Kind)
	}
	return e
}

func TestMissingColumns(t *testing.T) {
	tests := []struct{ header, want string }{
		{
			"first_name,last_name,email,employed\n",
			`missing required column phone (accepted names: phone, phone number, mobile, mobile number, mobile phone, telefoon, telefoonnummer, mobiel, mobielnummer, mobiel nummer, mobiele nummer, mobiel telefoonnummer, 06-nummer, gsm, tel.); ` +
				`the header has "first_name", "last_name", "email" and "employed"`,
		},
		{
			"Voornaam;E-mail;Telefoon;Geboortedatum;;;\n",
			`missing required columns last_name (accepted names: last_name, last name, surname, family name, achternaam, familienaam, geslachtsnaam, naam); ` +
				`employed (accepted names: employed, in dienst, dienstverband, medewerker in dienst, in loondienst); ` +
				`the header has "Voornaam", "E-mail", "Telefoon" and "Geboortedatum"`,
		},
		{
			// A delimiter reconi does not sniff shows in the header as read.
			"first_name|last_name|email|phone|employed\n",
			`missing required columns first_name (accepted names: first_name, first name, given name, forename, voornaam); ` +
				`last_name (accepted names: last_name, last name, surname, family name, achternaam, familienaam, geslachtsnaam, naam); ` +
				`email (accepted names: email, e-mail, email address, e-mailadres, emailadres, mail, mailadres); ` +
				`phone (accepted names: phone, phone number, mobile, mobile number, mobile phone, telefoon, telefoonnummer, mobiel, mobielnummer, mobiel nummer, mobiele nummer, mobiel telefoonnummer, 06-nummer, gsm, tel.); ` +
				`employed (accepted names: employed, in dienst, dienstverband, medewerker in dienst, in loondienst); ` +
				`the header has "first_name|last_name|email|phone|employed"`,
		},
	}
	for _, tt := range tests {
		if got := headerError(t, tt.header).Message; got != tt.want {
			t.Errorf("header %q:\n got %s\nwant %s", tt.header, got, tt.want)
		}
	}
}

func TestDuplicateColumns(t *testing.T) {
	tests := []struct{ header, want string }{
		{
			"first_name,last_name,email,E-mailadres,phone,employed\n",
			`columns "email" and "E-mailadres" both mean email: keep one of them`,
		},
		{
			"voornaam;naam;achternaam;familienaam;email;mobiel;gsm;in dienst\n",
			`columns "naam", "achternaam" and "familienaam" all mean last_name: keep one of them; ` +
				`columns "mobiel" and "gsm" both mean phone: keep one of them`,
		},
		{
			"first_name,first_name,email,phone,employed\n",
			`columns "first_name" and "first_name" both mean first_name: keep one of them; ` +
				`missing required column last_name (accepted names: last_name, last name, surname, family name, achternaam, familienaam, geslachtsnaam, naam); ` +
				`the header has "first_name", "first_name", "email", "phone" and "employed"`,
		},
	}
	for _, tt := range tests {
		if got := headerError(t, tt.header).Message; got != tt.want {
			t.Errorf("header %q:\n got %s\nwant %s", tt.header, got, tt.want)
		}
	}
}

func TestEmptyInput(t *testing.T) {
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String("\r\n")
	want := "the file is empty: want a header line like first_name,last_name,email,phone,date_of_birth,employed"
	for _, in := range []string{"", "\n", "\r\n\r\n", " \n\t\n", ";;;;\r\n;;;;", ",,,", "\uFEFF", "\xFF\xFE", utf16} {
		if got := headerError(t, in).Message; got != want {
			t.Errorf("input %q: got %q, want %q", in, got, want)
		}
	}
}

func TestIgnoredColumns(t *testing.T) {
	in := "Personeelsnummer,first_name,last_name,,email,phone,employed,Afdeling, \n1,a,b,,c,d,e,f,\n"
	rows, rd := readAll(t, strings.NewReader(in))
	if want := []string{"Personeelsnummer", "Afdeling"}; !slices.Equal(rd.Ignored(), want) {
		t.Errorf("Ignored() = %q, want %q", rd.Ignored(), want)
	}
	want := []Row{{FirstName: "a", LastName: "b", Email: "c", Phone: "d", Employed: "e", Line: 2}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got %+v, want %+v", rows, want)
	}
}

// TestLineNumbers checks that Line counts physical lines, through quoted
// cells that span lines, CRLF, blank lines and lines skipped before the
// header.
func TestLineNumbers(t *testing.T) {
	tests := []struct {
		name, in string
		want     []int
	}{
		{"multi-line cell", "first_name,last_name,email,phone,employed\r\n" +
			"a,\"two\r\nlines\",c,d,e\r\n" +
			"a,\"three\nlines\n\",c,d,e\r\n" +
			"a,b,c,d,e\r\n", []int{2, 4, 7}},
		{"blank lines", "first_name,last_name,email,phone,employed\n\na,b,c,d,e\n,,,,\n\n  \na,b,c,d,e\n", []int{3, 7}},
		{"lines before the header", "\n;;;;\nfirst_name;last_name;email;phone;employed\na;b;c;d;e\n", []int{4}},
		{"sep line", "sep=;\nfirst_name;last_name;email;phone;employed\na;b;c;d;e\n", []int{3}},
		{"no final newline", "first_name,last_name,email,phone,employed\na,b,c,d,e", []int{2}},
	}
	for _, tt := range tests {
		var got []int
		for _, r := range readString(t, tt.in) {
			got = append(got, r.Line)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: lines %v, want %v", tt.name, got, tt.want)
		}
	}
}

// rowErr returns the single RowError of a row error from Next.
func rowErr(t *testing.T, err error) reconi.RowError {
	t.Helper()
	var e *reconi.Error
	if !errors.As(err, &e) || e.Kind != reconi.KindInvalid || len(e.Rows) != 1 {
		t.Fatalf("got %v, want a *reconi.Error of kind invalid with one row", err)
	}
	return e.Rows[0]
}

func TestRaggedRows(t *testing.T) {
	in := "first_name;last_name;email;phone;employed;;\n" +
		"a;b;c\n" + // short: the rest is empty
		"a;b;c;d;e;;;;;;\n" + // empty cells past the header: Excel's ";;;"
		"Jan;Jansen; jr.;c;d;e\n" + // an unquoted delimiter shifts the row
		"a;b;c;d;e;;;x\n" +
		"f;g;h;i;j\n"
	rd, err := NewReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	next := func() (Row, error) { return rd.Next() }

	if r, err := next(); err != nil || !reflect.DeepEqual(r, Row{FirstName: "a", LastName: "b", Email: "c", Line: 2}) {
		t.Errorf("short row: %+v, %v", r, err)
	}
	if r, err := next(); err != nil || r.Line != 3 || r.Employed != "e" {
		t.Errorf("row with trailing empty cells: %+v, %v", r, err)
	}
	_, err = next()
	want := reconi.RowError{Line: 4, Field: "row", Message: "has values in columns the header does not name: does a value contain a semicolon without quotes around it?"}
	if got := rowErr(t, err); got != want {
		t.Errorf("shifted row: got %+v, want %+v", got, want)
	}
	_, err = next()
	if got := rowErr(t, err); got.Line != 5 {
		t.Errorf("long row: got %+v, want line 5", got)
	}
	// A row error does not stop the reading.
	if r, err := next(); err != nil || r.Line != 6 || r.FirstName != "f" {
		t.Errorf("row after the errors: %+v, %v", r, err)
	}
	if _, err := next(); err != io.EOF {
		t.Errorf("at the end: %v, want io.EOF", err)
	}
	if _, err := next(); err != io.EOF {
		t.Errorf("after the end: %v, want io.EOF", err)
	}
}

func TestMalformedQuotes(t *testing.T) {
	in := "first_name,last_name,email,phone,employed\n" +
		"a,b\"c,d,e,f\n" +
		"a,\"b\"c,d,e,f\n" +
		"a,b,c,d,e\n" +
		"a,\"b\nc\"d,e,f,g\n" +
		"a,b,c,d,e\n" +
		"a,\"never closed,c,d,e\nx,y\n"
	rd, err := NewReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	wants := []any{
		reconi.RowError{Line: 2, Field: "row", Message: `bare " in non-quoted-field at position 4: a value with a " in it must be put in quotes, with the " doubled`},
		reconi.RowError{Line: 3, Field: "row", Message: `extraneous or missing " in quoted-field at position 5: a quoted value must end with " before the next delimiter or the end of the line`},
		4,
		reconi.RowError{Line: 5, Field: "row", Message: `extraneous or missing " in quoted-field at line 6, position 2: a quoted value must end with " before the next delimiter or the end of the line`},
		7,
		reconi.RowError{Line: 8, Field: "row", Message: `extraneous or missing " in quoted-field at line 9, position 5: a quoted value must end with " before the next delimiter or the end of the line`},
	}
	for i, want := range wants {
		row, err := rd.Next()
		switch want := want.(type) {
		case int:
			if err != nil || row.Line != want {
				t.Errorf("%d: got %+v, %v, want a row on line %d", i, row, err, want)
			}
		case reconi.RowError:
			if got := rowErr(t, err); got != want {
				t.Errorf("%d:\n got %+v\nwant %+v", i, got, want)
			}
		}
	}
	if _, err := rd.Next(); err != io.EOF {
		t.Errorf("at the end: %v, want io.EOF", err)
	}
}

func TestMalformedHeader(t *testing.T) {
	e := headerError(t, "\nfirst_name,\"last_name\nemail")
	if want := `the header on line 2 is not valid CSV: extraneous or missing " in quoted-field`; e.Message != want {
		t.Errorf("got %q, want %q", e.Message, want)
	}
}

func TestEncodings(t *testing.T) {
	header := "first_name;last_name;email;phone;employed\r\n"
	// More ASCII than one sniff or transform buffer, so that the decision
	// for Windows-1252 is made long after the start.
	var filler strings.Builder
	for filler.Len() < 3*sniffBytes {
		filler.WriteString("a;b;c;d;e\r\n")
	}
	be, _ := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().String(header + "Zoë;Yılmaz;c;d;e\r\n")
	leNoBOM, _ := unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM).NewEncoder().String(header + "Zoë;Yılmaz;c;d;e\r\n")
	tests := []struct {
		name, in            string
		wantFirst, wantLast string
	}{
		{"utf-16 be", be, "Zoë", "Yılmaz"},
		{"utf-16 le without mark", leNoBOM, "Zoë", "Yılmaz"},
		{"windows-1252 late", header + filler.String() + "Zo\xeb;M\xfcller;c;d;e\r\n", "Zoë", "Müller"},
		// After valid UTF-8 the file is UTF-8: a stray byte is decoded alone.
		{"utf-8 with a stray byte", header + "Zoë;M\xfcller;c;d;e\r\n", "Zoë", "Müller"},
		// Once Windows-1252, a pair that looks like UTF-8 is two characters.
		{"windows-1252 then a utf-8 lookalike", header + "Zo\xeb;\xc3\xab;c;d;e\r\n", "Zoë", "Ã«"},
		{"utf-8 mark then a stray byte", "\xef\xbb\xbf" + header + "Zo\xeb;x;c;d;e\r\n", "Zoë", "x"},
	}
	for _, tt := range tests {
		rows := readString(t, tt.in)
		last := rows[len(rows)-1]
		if last.FirstName != tt.wantFirst || last.LastName != tt.wantLast {
			t.Errorf("%s: got %q %q, want %q %q", tt.name, last.FirstName, last.LastName, tt.wantFirst, tt.wantLast)
		}
	}
}

func TestDelimiterSniffing(t *testing.T) {
	tests := []struct {
		in   string
		want rune
	}{
		{"first_name,last_name,email,phone,employed\n", ','},
		{"first_name;last_name;email;phone;employed\r\n", ';'},
		{"first_name\tlast_name\temail\tphone\temployed\n", '\t'},
		{"Voornaam;Achternaam, of meisjesnaam;E-mail\n", ';'},
		// Delimiters inside a quoted cell, even across lines, do not count.
		{"\"a,b,c\nd,e\";x;y\n", ';'},
		{"first_name\n", ','},
		{"sep=;\na,b,c\n", ';'},
		{"SEP=\t\na,b,c\n", '\t'},
		{"\n\n;;;\nsep=|\na|b\n", '|'},
	}
	for _, tt := range tests {
		comma, _, err := sniff(bufio.NewReaderSize(strings.NewReader(tt.in), sniffBytes))
		if err != nil || comma != tt.want {
			t.Errorf("sniff(%q) = %q, %v; want %q", tt.in, comma, err, tt.want)
		}
	}
	for _, in := range []string{
		"first_name,last_name,email,phone,employed\na,b,c,d,e\n",
		"first_name;last_name;email;phone;employed\na;b;c;d;e\n",
		"first_name\tlast_name\temail\tphone\temployed\na\tb\tc\td\te\n",
		"sep=|\nfirst_name|last_name|email|phone|employed\na|b|c|d|e\n",
	} {
		rows := readString(t, in)
		if len(rows) != 1 || rows[0].Employed != "e" {
			t.Errorf("%q: got %+v", in, rows)
		}
	}
}

// TestTabsKeepEmptyCells guards against csv's TrimLeadingSpace, which would
// take the tab after an empty cell for leading space.
func TestTabsKeepEmptyCells(t *testing.T) {
	rows := readString(t, "first_name\tlast_name\temail\tphone\tdate_of_birth\temployed\na\t\t\td\t\tf\n")
	want := []Row{{FirstName: "a", Phone: "d", Employed: "f", Line: 2}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got %+v, want %+v", rows, want)
	}
}

func TestFormulaGuardIsRemoved(t *testing.T) {
	tests := map[string]string{
		"'+31612345678":  "+31612345678",
		"'=1+1":          "=1+1",
		"'-x":            "-x",
		"'@x":            "@x",
		"''+x":           "'+x",
		"'O'Neill":       "'O'Neill",    // not a guard: data
		"O'Neill":        "O'Neill",     //
		"'":              "'",           //
		"  '+3161234567": "+3161234567", // trimmed first, as cells are
	}
	for in, want := range tests {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRowNewUser(t *testing.T) {
	u, err := Row{FirstName: "a", LastName: "b", Email: "c", Phone: "d", DateOfBirth: "e", Employed: "Ja", Line: 3}.NewUser()
	if err != nil || u.Employed == nil || !*u.Employed || u.FirstName != "a" || u.DateOfBirth != "e" {
		t.Errorf("got %+v, %v", u, err)
	}
	u, err = Row{Employed: " "}.NewUser()
	if err != nil || u.Employed != nil {
		t.Errorf("empty employed: got %+v, %v; want nil, no error", u.Employed, err)
	}
	_, err = Row{Employed: "misschien", Line: 7}.NewUser()
	want := reconi.RowError{Line: 7, Field: "employed", Value: "misschien", Message: `"misschien" is not a yes/no value: want true/false, yes/no, ja/nee or 1/0`}
	if got := rowErr(t, err); got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

// failingReader fails after its data, as a broken disk or connection would.
type failingReader struct{ r io.Reader }

var errBroken = errors.New("broken")

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if err == io.EOF {
		return n, errBroken
	}
	return n, err
}

func TestReadErrorIsSticky(t *testing.T) {
	// More than NewReader looks at, so that the error comes from Next.
	in := "first_name,last_name,email,phone,employed\n" + strings.Repeat("a,b,c,d,e\n", 2*sniffBytes/10)
	rd, err := NewReader(failingReader{strings.NewReader(in)})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 * sniffBytes / 10 {
		if _, err := rd.Next(); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 {
		if _, err := rd.Next(); !errors.Is(err, errBroken) {
			t.Errorf("got %v, want %v", err, errBroken)
		}
	}
	if _, err := NewReader(failingReader{strings.NewReader("")}); !errors.Is(err, errBroken) {
		t.Errorf("NewReader: got %v, want %v", err, errBroken)
	}
}
