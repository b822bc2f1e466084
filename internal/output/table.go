package output

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/pkg/twwidth"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Table collects rows and renders them for whoever reads stdout. On a terminal: upper-case
// (bold when colour is on) headers and columns aligned two spaces apart, no borders. Otherwise:
// no header and one tab-separated line per row, so `reconi users list | cut -f2` works; scripts
// that want the names use -o csv.
type Table struct {
	ios    *IOStreams
	header []string
	rows   [][]string
}

func NewTable(ios *IOStreams) *Table {
	return &Table{ios: ios}
}

func (t *Table) AddHeader(cols ...string) {
	t.header = cols
}

// AddRow adds one row. Tabs and line breaks in fields become spaces: a row is one line; other
// control characters are escaped (see Safe).
func (t *Table) AddRow(fields ...string) {
	row := make([]string, len(fields))
	for i, f := range fields {
		row[i] = oneLine(f)
	}
	t.rows = append(t.rows, row)
}

func (t *Table) Render() error {
	if !t.ios.IsStdoutTTY() {
		var buf bytes.Buffer
		for _, row := range t.rows {
			buf.WriteString(strings.Join(row, "\t"))
			buf.WriteByte('\n')
		}
		_, err := t.ios.Out.Write(buf.Bytes())
		return err
	}

	var buf bytes.Buffer
	tbl := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{
			Borders: tw.BorderNone,
			Settings: tw.Settings{
				Lines:      tw.LinesNone,
				Separators: tw.SeparatorsNone,
			},
		})),
		// The gap between columns is the right padding of each cell.
		tablewriter.WithPadding(tw.Padding{Right: "  ", Overwrite: true}),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		// By default tablewriter title-cases headers and wraps or truncates long cells.
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
	)
	if len(t.header) > 0 {
		cs := t.ios.ColorScheme()
		header := make([]any, len(t.header))
		for i, h := range t.header {
			header[i] = cs.Bold(strings.ToUpper(oneLine(h)))
		}
		tbl.Header(header...)
	}
	for _, row := range t.rows {
		if err := tbl.Append(row); err != nil {
			return err
		}
	}
	if err := tbl.Render(); err != nil {
		return err
	}
	return writeTrimmed(t.ios.Out, buf.String())
}

// PrintKV prints a detail block of "Key: value" lines: on a terminal the values line up (and the
// keys are bold when colour is on); otherwise "Key:<TAB>value", one pair per line.
func PrintKV(ios *IOStreams, pairs [][2]string) error {
	var buf bytes.Buffer
	if !ios.IsStdoutTTY() {
		for _, p := range pairs {
			fmt.Fprintf(&buf, "%s:\t%s\n", oneLine(p[0]), oneLine(p[1]))
		}
		_, err := ios.Out.Write(buf.Bytes())
		return err
	}

	width := 0
	for _, p := range pairs {
		width = max(width, twwidth.Width(oneLine(p[0])))
	}
	cs := ios.ColorScheme()
	for _, p := range pairs {
		key := oneLine(p[0])
		pad := strings.Repeat(" ", width-twwidth.Width(key))
		// Continuation lines of a multi-line value start under the value, not under the key.
		value := strings.ReplaceAll(Safe(strings.ReplaceAll(strings.ReplaceAll(p[1], "\r\n", "\n"), "\t", " ")), "\n", "\n"+strings.Repeat(" ", width+2))
		fmt.Fprintf(&buf, "%s:%s %s\n", cs.Bold(key), pad, value)
	}
	return writeTrimmed(ios.Out, buf.String())
}

// writeTrimmed drops the spaces that padding leaves at the end of lines.
func writeTrimmed(w io.Writer, s string) error {
	if s == "" {
		return nil
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	var buf bytes.Buffer
	for _, l := range lines {
		buf.WriteString(trimLine(l))
		buf.WriteByte('\n')
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// trimLine removes trailing spaces, looking through the colour resets tablewriter puts after the
// padding of a coloured cell; one reset is kept if any was there.
func trimLine(l string) string {
	const reset = "\x1b[0m"
	hadReset := false
	for {
		switch {
		case strings.HasSuffix(l, " "):
			l = l[:len(l)-1]
		case strings.HasSuffix(l, reset):
			l = l[:len(l)-len(reset)]
			hadReset = true
		default:
			if hadReset {
				l += reset
			}
			return l
		}
	}
}

// oneLine makes s one line of text safe for a terminal: line breaks and tabs become spaces, other
// control characters are escaped.
func oneLine(s string) string {
	return Safe(strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s))
}
