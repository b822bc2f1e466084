package output

import (
	"strings"
	"testing"

	"github.com/olekukonko/tablewriter/pkg/twwidth"
)

func TestTable(t *testing.T) {
	long := strings.Repeat("a long cell that must not wrap ", 6)
	fill := func(tbl *Table) {
		tbl.AddHeader("id", "Name", "organization")
		tbl.AddRow("1", "Zoë", "Acme € BV")
		tbl.AddRow("22", "René\tvan\nDijk", "")
		tbl.AddRow("3", "Bob", long)
	}
	tests := []struct {
		name  string
		tty   bool
		color bool
		want  string
	}{
		{
			name: "terminal",
			tty:  true,
			want: "" +
				"ID  NAME           ORGANIZATION\n" +
				"1   Zoë            Acme € BV\n" +
				"22  René van Dijk\n" +
				"3   Bob            " + strings.TrimSpace(long) + "\n",
		},
		{
			name:  "terminal with colour",
			tty:   true,
			color: true,
			want: "" +
				"\x1b[1mID\x1b[0m  \x1b[0m\x1b[1mNAME\x1b[0m           \x1b[0m\x1b[1mORGANIZATION\x1b[0m\n" +
				"1   Zoë            Acme € BV\n" +
				"22  René van Dijk\n" +
				"3   Bob            " + strings.TrimSpace(long) + "\n",
		},
		{
			name: "pipe",
			want: "" +
				"1\tZoë\tAcme € BV\n" +
				"22\tRené van Dijk\t\n" +
				"3\tBob\t" + long + "\n",
		},
		{
			// Colour is only ever on with a terminal, but a pipe must stay plain regardless.
			name:  "pipe with colour",
			color: true,
			want: "" +
				"1\tZoë\tAcme € BV\n" +
				"22\tRené van Dijk\t\n" +
				"3\tBob\t" + long + "\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, _ := Test()
			ios.SetStdoutTTY(tt.tty)
			ios.SetColorEnabled(tt.color)
			tbl := NewTable(ios)
			fill(tbl)
			if err := tbl.Render(); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("stdout:\n%q\nwant:\n%q", got, tt.want)
			}
		})
	}
}

// TestTableAlignsWideRunes checks by display width, not bytes, that the third column starts at the
// same place on every line.
func TestTableAlignsWideRunes(t *testing.T) {
	ios, _, out, _ := Test()
	ios.SetStdoutTTY(true)
	tbl := NewTable(ios)
	tbl.AddHeader("a", "b", "c")
	tbl.AddRow("é€é", "x", "end")
	tbl.AddRow("e", "日本", "end")
	tbl.AddRow("€€€€€€", "y", "end")
	if err := tbl.Render(); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	var cols []int
	for _, l := range lines {
		i := strings.LastIndex(l, "  ") + 2
		cols = append(cols, twwidth.Width(l[:i]))
	}
	for i := range cols {
		if cols[i] != cols[0] {
			t.Fatalf("third column starts at display widths %v:\n%s", cols, out)
		}
	}
}

func TestTableEmpty(t *testing.T) {
	for _, tty := range []bool{true, false} {
		ios, _, out, _ := Test()
		ios.SetStdoutTTY(tty)
		if err := NewTable(ios).Render(); err != nil {
			t.Fatal(err)
		}
		if out.Len() != 0 {
			t.Errorf("tty=%v: stdout = %q, want nothing", tty, out)
		}
	}
}

func TestPrintKV(t *testing.T) {
	pairs := [][2]string{
		{"ID", "42"},
		{"Organization", "Acme € BV"},
		{"Note", "first line\nsecond line"},
		{"Empty", ""},
	}
	tests := []struct {
		name  string
		tty   bool
		color bool
		want  string
	}{
		{
			name: "terminal",
			tty:  true,
			want: "" +
				"ID:           42\n" +
				"Organization: Acme € BV\n" +
				"Note:         first line\n" +
				"              second line\n" +
				"Empty:\n",
		},
		{
			name:  "terminal with colour",
			tty:   true,
			color: true,
			want: "" +
				"\x1b[1mID\x1b[0m:           42\n" +
				"\x1b[1mOrganization\x1b[0m: Acme € BV\n" +
				"\x1b[1mNote\x1b[0m:         first line\n" +
				"              second line\n" +
				"\x1b[1mEmpty\x1b[0m:\n",
		},
		{
			name: "pipe",
			want: "" +
				"ID:\t42\n" +
				"Organization:\tAcme € BV\n" +
				"Note:\tfirst line second line\n" +
				"Empty:\t\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ios, _, out, _ := Test()
			ios.SetStdoutTTY(tt.tty)
			ios.SetColorEnabled(tt.color)
			if err := PrintKV(ios, pairs); err != nil {
				t.Fatal(err)
			}
			if got := out.String(); got != tt.want {
				t.Errorf("stdout:\n%q\nwant:\n%q", got, tt.want)
			}
		})
	}
}
