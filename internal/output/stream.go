package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"

	"github.com/reconi/reconi/internal/csvio"
)

// ListWriter prints a list that arrives a page at a time, so that a command
// reading a long list from the backend starts printing at once and holds
// one page in memory, not the list:
//
//   - json: the same document Print writes, an element at a time;
//   - csv: the header from the element type (fixed columns, whatever the
//     rows hold), then a row per element;
//   - table on a pipe: one tab-separated line per element, as Print writes;
//   - table on a terminal, yaml and --jq need the whole list (column
//     widths, one document, one jq input) and collect it first.
type ListWriter[T any] struct {
	ios  *IOStreams
	f    Format
	jq   string
	row  func(T) []string
	head []string

	started bool
	n       int
	cols    []string
	cw      *csv.Writer
	all     []T
}

// NewListWriter returns a writer of a list of T in format f, filtered by the
// jq expression jq when it is not empty. header and row make the table.
func NewListWriter[T any](ios *IOStreams, f Format, jq string, header []string, row func(T) []string) *ListWriter[T] {
	return &ListWriter[T]{ios: ios, f: f, jq: jq, head: header, row: row}
}

// Write prints (or, where the format needs the whole list, keeps) items.
func (w *ListWriter[T]) Write(items []T) error {
	switch {
	case w.jq != "" || w.f == FormatYAML || (w.isTable() && w.ios.IsStdoutTTY()):
		w.all = append(w.all, items...)
		return nil
	case w.f == FormatJSON:
		return w.writeJSON(items)
	case w.f == FormatCSV:
		return w.writeCSV(items)
	case w.isTable():
		var buf bytes.Buffer
		for _, it := range items {
			for i, f := range w.row(it) {
				if i > 0 {
					buf.WriteByte('\t')
				}
				buf.WriteString(oneLine(f))
			}
			buf.WriteByte('\n')
		}
		w.n += len(items)
		_, err := w.ios.Out.Write(buf.Bytes())
		return err
	}
	return errors.New("unknown output format " + string(w.f))
}

func (w *ListWriter[T]) isTable() bool { return w.f == FormatTable || w.f == "" }

func (w *ListWriter[T]) writeJSON(items []T) error {
	var buf bytes.Buffer
	for _, it := range items {
		if err := appendItem(&buf, it, w.n == 0, "  "); err != nil {
			return err
		}
		w.n++
	}
	_, err := w.ios.Out.Write(buf.Bytes())
	return err
}

// appendItem appends item's JSON to a list being written a page at a time,
// indented by prefix: after the list's "[" when first, after a comma
// otherwise.
func appendItem(buf *bytes.Buffer, item any, first bool, prefix string) error {
	b, err := marshalJSON(item)
	if err != nil {
		return err
	}
	if first {
		buf.WriteString("[\n" + prefix)
	} else {
		buf.WriteString(",\n" + prefix)
	}
	return indentJSON(buf, b, prefix)
}

func indentJSON(dst *bytes.Buffer, b []byte, prefix string) error {
	return json.Indent(dst, b, prefix, "  ")
}

func (w *ListWriter[T]) writeCSV(items []T) error {
	if !w.started {
		w.started = true
		w.cols = dropParents(zeroColumns([]T(nil)))
		w.cw = csv.NewWriter(w.ios.Out)
		if err := w.cw.Write(w.cols); err != nil {
			return err
		}
	}
	record := make([]string, len(w.cols))
	for _, it := range items {
		doc, err := decodeOrdered(it)
		if err != nil {
			return err
		}
		row := map[string]string{}
		flatten("", doc, func(k, v string) { row[k] = v })
		for i, c := range w.cols {
			record[i] = csvio.SafeCell(row[c])
		}
		if err := w.cw.Write(record); err != nil {
			return err
		}
		w.n++
	}
	w.cw.Flush()
	return w.cw.Error()
}

// Close ends the list: the closing bracket, or the whole of what had to be
// collected. It reports how many items were written.
func (w *ListWriter[T]) Close() (int, error) {
	switch {
	case w.jq != "":
		return len(w.all), PrintJQ(w.ios, nonNil(w.all), w.jq)
	case w.f == FormatYAML:
		return len(w.all), writeYAML(w.ios.Out, nonNil(w.all))
	case w.isTable() && w.ios.IsStdoutTTY():
		if len(w.all) == 0 {
			return 0, nil
		}
		t := NewTable(w.ios)
		t.AddHeader(w.head...)
		for _, it := range w.all {
			t.AddRow(w.row(it)...)
		}
		return len(w.all), t.Render()
	case w.f == FormatJSON:
		end := "\n]\n"
		if w.n == 0 {
			end = "[]\n"
		}
		_, err := io.WriteString(w.ios.Out, end)
		return w.n, err
	case w.f == FormatCSV:
		if !w.started {
			return 0, w.writeCSV(nil)
		}
	}
	return w.n, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
