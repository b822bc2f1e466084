package output_test

import (
	"testing"

	"github.com/reconi/reconi/internal/output"
)

// -o csv is opened in spreadsheets: a cell that would run as a formula is
// neutralised with a leading quote.
func TestCSVNeutralisesFormulas(t *testing.T) {
	ios, _, out, _ := output.Test()
	rows := []struct {
		Name  string `json:"name"`
		Phone string `json:"phone"`
		N     int    `json:"n"`
	}{{"=HYPERLINK(\"http://x\")", "+31612345678", -5}, {"@SUM(A1)", "plain", 3}}
	if err := output.Print(ios, output.FormatCSV, rows, nil); err != nil {
		t.Fatal(err)
	}
	want := "name,phone,n\n\"'=HYPERLINK(\"\"http://x\"\")\",'+31612345678,'-5\n'@SUM(A1),plain,3\n"
	if got := out.String(); got != want {
		t.Errorf("csv:\n%s\nwant:\n%s", got, want)
	}
}
