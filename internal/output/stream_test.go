package output

import (
	"strings"
	"testing"
)

type streamItem struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	Org  struct {
		KVK string `json:"kvk"`
	} `json:"organization"`
	Tags []string `json:"tags"`
	Note *string  `json:"note,omitempty"`
}

func items(ids ...int64) []streamItem {
	out := make([]streamItem, len(ids))
	for i, id := range ids {
		out[i].ID, out[i].Name, out[i].Org.KVK = id, "n"+string(rune('a'+id)), "69599084"
		out[i].Tags = []string{"x", "y"}
	}
	return out
}

// TestListWriterMatchesPrint: a list written a page at a time reads exactly
// as Print writes the whole list, in every format.
func TestListWriterMatchesPrint(t *testing.T) {
	row := func(it streamItem) []string { return []string{it.Name, it.Org.KVK} }
	tbl := func(all []streamItem) func(*Table) {
		return func(t *Table) {
			t.AddHeader("NAME", "ORG")
			for _, it := range all {
				t.AddRow(row(it)...)
			}
		}
	}
	for _, f := range []Format{FormatJSON, FormatYAML, FormatTable} {
		for _, tty := range []bool{false, true} {
			for _, pages := range [][][]streamItem{nil, {items(1)}, {items(1, 2), items(3), nil, items(4, 5)}} {
				var all []streamItem
				for _, p := range pages {
					all = append(all, p...)
				}
				want, _, wantOut, _ := Test()
				want.SetStdoutTTY(tty)
				if err := Print(want, f, nonNil(all), tbl(all)); err != nil {
					t.Fatal(err)
				}
				got, _, gotOut, _ := Test()
				got.SetStdoutTTY(tty)
				w := NewListWriter(got, f, "", []string{"NAME", "ORG"}, row)
				for _, p := range pages {
					if err := w.Write(p); err != nil {
						t.Fatal(err)
					}
				}
				n, err := w.Close()
				if err != nil {
					t.Fatal(err)
				}
				if n != len(all) {
					t.Errorf("%s: Close counted %d, want %d", f, n, len(all))
				}
				if f == FormatTable && tty && len(all) == 0 {
					continue // Print renders an empty table's header; commands say "none" instead
				}
				if gotOut.String() != wantOut.String() {
					t.Errorf("%s (tty %v, %d items):\n got %q\nwant %q", f, tty, len(all), gotOut, wantOut)
				}
			}
		}
	}
}

func TestListWriterCSVHasFixedColumns(t *testing.T) {
	ios, _, out, _ := Test()
	w := NewListWriter(ios, FormatCSV, "", nil, func(streamItem) []string { return nil })
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if out.String() != "id,name,organization.kvk,tags,note\n" {
		t.Errorf("empty list: %q", out)
	}
	ios, _, out, _ = Test()
	w = NewListWriter(ios, FormatCSV, "", nil, func(streamItem) []string { return nil })
	_ = w.Write(items(1))
	_ = w.Write(items(2))
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want := "id,name,organization.kvk,tags,note\n1,nb,69599084,x;y,\n2,nc,69599084,x;y,\n"
	if out.String() != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func TestListWriterJQ(t *testing.T) {
	ios, _, out, _ := Test()
	w := NewListWriter(ios, FormatJSON, ".[].id", nil, func(streamItem) []string { return nil })
	_ = w.Write(items(1, 2))
	_ = w.Write(items(3))
	if _, err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if strings.Fields(out.String())[2] != "3" {
		t.Errorf("jq: %q", out)
	}
}
