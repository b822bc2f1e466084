package csvio_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/csvio"
)

// Records numbers lines as the Reader does: after a sep= line, across a
// quoted line break.
func TestRecords(t *testing.T) {
	in := "sep=;\nVoornaam;Achternaam;E-mail;Mobiel;In dienst\nJan;Jansen;jan@example.nl;0612345678;ja\n\"Piet\nJr\";de Boer;piet@example;0612345678;ja\nSanne;de Vries;sanne@example.nl;0612345678;nee\n"
	var lines []int
	var rows [][]string
	header, comma, err := csvio.Records(strings.NewReader(in), func(line int, cells []string) error {
		lines = append(lines, line)
		rows = append(rows, append([]string(nil), cells...))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if comma != ';' || !reflect.DeepEqual(header, []string{"Voornaam", "Achternaam", "E-mail", "Mobiel", "In dienst"}) {
		t.Errorf("header %q, comma %q", header, comma)
	}
	if !reflect.DeepEqual(lines, []int{3, 4, 6}) || rows[1][0] != "Piet\nJr" || rows[2][2] != "sanne@example.nl" {
		t.Errorf("lines %v, rows %q", lines, rows)
	}
	// The Reader agrees on the lines.
	r, err := csvio.NewReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range lines {
		row, err := r.Next()
		if err != nil || row.Line != want {
			t.Errorf("Reader: line %d, %v; want line %d", row.Line, err, want)
		}
	}
}
