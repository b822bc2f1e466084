package csvio_test

import (
	"bytes"
	"encoding/csv"
	"io"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/reconi/reconi/internal/csvio"
	"github.com/reconi/reconi/internal/reconi"
)

// formulaChars are the first characters a spreadsheet may evaluate (or, for
// tab and CR, use to hide such a start): the OWASP list.
const formulaChars = "=+-@\t\r"

// unsafeCell reports whether a spreadsheet could take the cell as a formula.
func unsafeCell(s string) bool { return s != "" && strings.IndexByte(formulaChars, s[0]) >= 0 }

// FuzzWriter: whatever a user's fields hold, no cell of the export starts
// like a formula, the export is one CSV record per user, and a field
// without surrounding whitespace reads back through csvio.Reader exactly as
// it was.
func FuzzWriter(f *testing.F) {
	for _, s := range []string{
		"Jan", "=HYPERLINK(\"http://evil.example\",\"click\")", "+31612345678", "-2+3", "@SUM(A1:A9)",
		"\t=1+1", "\r=1+1", "'=x", "''+x", "' =x", "'", "=cmd|' /C calc'!A0", "a,b;c\n\"d\"", "",
		"\uff1d1+1", "\x00=1", "=\xff",
	} {
		f.Add(s, "Jansen", "jan@example.nl", s, "1985-04-12", true)
	}
	f.Fuzz(func(t *testing.T, first, last, email, phone, dob string, employed bool) {
		in := []string{first, last, email, phone, dob}
		var buf bytes.Buffer
		w := csvio.NewWriter(&buf)
		if err := w.Write(reconi.User{FirstName: first, LastName: last, Email: email, Phone: phone,
			DateOfBirth: reconi.Date(dob), Employed: employed}); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		out := buf.Bytes()

		// What a spreadsheet sees: the cells as encoding/csv splits them.
		records, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("the export is not CSV: %v\n%q", err, out)
		}
		if len(records) != 2 || len(records[1]) != 6 {
			t.Fatalf("%d records, want the header and one row of 6 cells: %q", len(records), out)
		}
		for i, cell := range records[1] {
			if unsafeCell(cell) {
				t.Fatalf("cell %d %q starts like a formula", i, cell)
			}
		}

		// The way back, for fields the reader keeps as they are.
		for _, s := range in {
			if !utf8.ValidString(s) || s != strings.TrimSpace(s) || strings.ContainsAny(s, "\r\x00\ufeff") {
				return
			}
		}
		rd, err := csvio.NewReader(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("NewReader of an export: %v\n%q", err, out)
		}
		row, err := rd.Next()
		if err == io.EOF {
			// A row of only empty cells is skipped as blank.
			if strings.Join(in, "") == "" {
				return
			}
			t.Fatalf("the row was lost: %q", out)
		}
		if err != nil {
			t.Fatalf("Next: %v\n%q", err, out)
		}
		got := []string{row.FirstName, row.LastName, row.Email, row.Phone, row.DateOfBirth}
		for i := range in {
			if got[i] != in[i] {
				t.Fatalf("field %d: wrote %q, read back %q (export %q)", i, in[i], got[i], out)
			}
		}
	})
}
