package csvio

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/gocarina/gocsv"

	"github.com/reconi/reconi/internal/reconi"
)

// record is what gocsv fills from one CSV record. Besides Row it catches the
// cells Row has no field for, so that Next can tell a blank row from one with
// data only in ignored columns, and a row that spills into columns the
// header does not name (a value with an unquoted delimiter in it, most often).
type record struct {
	Row
	Prefix string `csv:"last_name_prefix"`
	// Other collects the cells of ignored columns, Overflow those of columns
	// without a name and past the header; see routeColumns and NewReader.
	Other    presence `csv:"~other"`
	Overflow presence `csv:"~overflow"`
}

// presence notes whether any of the cells gocsv routes to it holds more than
// whitespace. Many columns may share one presence, which is why it is a
// gocsv.TypeUnmarshaller and not a string: a string would keep only the
// last cell.
type presence bool

func (p *presence) UnmarshalCSV(s string) error {
	if strings.TrimSpace(s) != "" {
		*p = true
	}
	return nil
}

// Routing names for columns without a Row field. The '~' keeps them apart
// from anything normalizeHeader can produce from a real header.
const (
	otherColumn    = "~other"
	overflowColumn = "~overflow"
)

// overflowColumns is how many cells past the header a row is checked for.
// gocsv maps cells by header position only, so the check needs a bound, and
// gocsv's setup time grows with it. A row shifted by an unquoted delimiter
// has a cell or two too many; a value after 64 empty extra cells goes
// unnoticed.
const overflowColumns = 64

// Reader reads users from a CSV file, one row at a time.
type Reader struct {
	cr *csv.Reader
	um *gocsv.Unmarshaller
	// lineOffset counts the lines sniff discarded before the header, which
	// the csv.Reader never saw.
	lineOffset int
	comma      rune
	ignored    []string
	// err is io.EOF or a read error, returned by every later call. Row
	// errors are not kept: the next call goes on with the next record.
	err error
}

// NewReader reads the header of r and returns a Reader for its rows. It
// fails with a *reconi.Error of kind invalid when the header lacks a
// required column, names a column twice, or is missing altogether.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(newRecordLimiter(decode(r)), sniffBytes)
	comma, skipped, err := sniff(br)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.FieldsPerRecord = -1 // ragged rows are checked per row, with a better message
	cr.ReuseRecord = true   // gocsv copies the cells out
	// Hand-written files put a space after the comma, sometimes before a
	// quote. Not for tabs: csv would take them as leading space and merge
	// empty cells.
	cr.TrimLeadingSpace = comma != '\t'

	// The Unmarshaller reads gocsv's package settings; routing several
	// columns to one field relies on their defaults (no header normalizer,
	// FailIfDoubleHeaderNames and ShouldAlignDuplicateHeadersWithStructFieldOrder
	// off), so nothing in reconi may call gocsv's setters.
	um, err := gocsv.NewUnmarshaller(cr, &record{})
	if err != nil {
		var pe *csv.ParseError
		switch {
		case errors.Is(err, io.EOF):
			return nil, reconi.Errorf(reconi.KindInvalid, "the file is empty: want a header line like %s", canonicalHeader())
		case errors.As(err, &pe):
			return nil, reconi.Errorf(reconi.KindInvalid, "the header on line %d is not valid CSV: %v", pe.StartLine+skipped, pe.Err)
		}
		return nil, err
	}

	header := um.Headers
	route, ignored, err := routeColumns(header)
	if err != nil {
		return nil, err
	}
	for range overflowColumns {
		route = append(route, overflowColumn)
	}
	if err := um.RenormalizeHeaders(func([]string) []string { return route }); err != nil {
		return nil, err
	}
	return &Reader{cr: cr, um: um, lineOffset: skipped, comma: comma, ignored: ignored}, nil
}

// routeColumns maps the header to the names gocsv is to use: the canonical
// name for a known column, overflowColumn for a cell without a name, and
// otherColumn for the rest. It also returns the names of the ignored
// columns, and an error for missing required and duplicate columns.
func routeColumns(header []string) (route, ignored []string, err error) {
	cols := columnDefs()
	index := aliasIndex(cols)
	route = make([]string, len(header))
	seen := make(map[string][]string) // canonical name -> header cells
	var order []string                // canonical names in header order, for stable messages
	for i, h := range header {
		name, ok := index[normalizeHeader(h)]
		switch {
		case !ok && strings.TrimSpace(h) == "":
			// Excel's trailing ";;;". A value under no name is most
			// likely a row shifted by an unquoted delimiter.
			route[i] = overflowColumn
			continue
		case !ok:
			route[i] = otherColumn
			ignored = append(ignored, strings.TrimSpace(h))
			continue
		}
		route[i] = name
		if seen[name] == nil {
			order = append(order, name)
		}
		seen[name] = append(seen[name], strings.TrimSpace(h))
	}

	var problems []string
	for _, name := range order {
		if cells := seen[name]; len(cells) > 1 {
			verb := "both mean"
			if len(cells) > 2 {
				verb = "all mean"
			}
			problems = append(problems, fmt.Sprintf("columns %s %s %s: keep one of them", quoteList(cells), verb, name))
		}
	}
	var missing []string
	for _, c := range cols {
		if c.Required && seen[c.Name] == nil {
			missing = append(missing, fmt.Sprintf("%s (accepted names: %s)", c.Name, strings.Join(append([]string{c.Name}, c.Aliases...), ", ")))
		}
	}
	switch len(missing) {
	case 0:
	case 1:
		problems = append(problems, "missing required column "+missing[0])
	default:
		problems = append(problems, "missing required columns "+strings.Join(missing, "; "))
	}
	if len(problems) > 0 {
		msg := strings.Join(problems, "; ")
		if len(missing) > 0 {
			// The header as read shows a delimiter that was not recognised.
			if names := nonEmpty(header); len(names) > 0 {
				msg += "; the header has " + quoteList(names)
			} else {
				msg += "; the header has no column names"
			}
		}
		return nil, nil, reconi.Errorf(reconi.KindInvalid, "%s", msg)
	}
	return route, ignored, nil
}

// Ignored returns the names of the header's columns that the reader does not
// know and so ignores, so that the CLI can warn about them. Empty header
// cells are not included.
func (r *Reader) Ignored() []string {
	return append([]string(nil), r.ignored...)
}

// Next returns the next row, skipping blank ones, and io.EOF after the last.
//
// A record that is not valid CSV, or that has values in columns the header
// does not name (after its last, or under an empty header cell), comes back as a *reconi.Error of kind invalid with one
// RowError for its line; calling Next again goes on with the next record, so
// that a caller can report every bad row at once. A missing trailing cell is
// read as empty. Other errors are those of the underlying reader, and end
// the reading.
func (r *Reader) Next() (Row, error) {
	for r.err == nil {
		v, err := r.um.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return Row{}, r.parseError(pe)
			}
			r.err = err
			break
		}
		rec := v.(*record)
		line, _ := r.cr.FieldPos(0)
		line += r.lineOffset
		row := Row{
			FirstName:   clean(rec.FirstName),
			LastName:    clean(rec.LastName),
			Email:       clean(rec.Email),
			Phone:       clean(rec.Phone),
			DateOfBirth: clean(rec.DateOfBirth),
			Employed:    clean(rec.Employed),
			Line:        line,
		}
		prefix := clean(rec.Prefix)
		if row == (Row{Line: line}) && prefix == "" && !rec.Other && !rec.Overflow {
			continue
		}
		if rec.Overflow {
			return Row{}, &reconi.Error{
				Kind:    reconi.KindInvalid,
				Message: "a row has values in columns the header does not name",
				Rows: []reconi.RowError{{Line: line, Field: "row", Message: fmt.Sprintf(
					"has values in columns the header does not name: does a value contain %s without quotes around it?",
					delimiterName(r.comma))}},
			}
		}
		// Without a last name the prefix alone would pass for one; leave
		// last_name empty so that the backend says it is missing.
		if prefix != "" && row.LastName != "" {
			row.LastName = prefix + " " + row.LastName
		}
		return row, nil
	}
	return Row{}, r.err
}

func (r *Reader) parseError(pe *csv.ParseError) error {
	start, line := pe.StartLine+r.lineOffset, pe.Line+r.lineOffset
	var hint string
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		hint = `: a value with a " in it must be put in quotes, with the " doubled`
	case errors.Is(pe.Err, csv.ErrQuote):
		hint = `: a quoted value must end with " before the next delimiter or the end of the line`
	}
	msg := fmt.Sprintf("%v at position %d%s", pe.Err, pe.Column, hint)
	if line != start {
		msg = fmt.Sprintf("%v at line %d, position %d%s", pe.Err, line, pe.Column, hint)
	}
	return &reconi.Error{
		Kind:    reconi.KindInvalid,
		Message: "a row is not valid CSV",
		Rows:    []reconi.RowError{{Line: start, Field: "row", Message: msg}},
	}
}

// clean trims the whitespace spreadsheets and people leave around values
// and takes off the formula guard Writer adds (see the package comment).
func clean(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 1 && s[0] == '\'' && formulaStart(strings.TrimLeft(s, "'")) {
		s = s[1:]
	}
	return s
}

func canonicalHeader() string {
	var names []string
	for _, c := range columnDefs() {
		if c.Name != colLastNamePrefix {
			names = append(names, c.Name)
		}
	}
	return strings.Join(names, ",")
}

func delimiterName(comma rune) string {
	switch comma {
	case '\t':
		return "a tab"
	case ',':
		return "a comma"
	case ';':
		return "a semicolon"
	}
	return fmt.Sprintf("%q", comma)
}

// quoteList renders names as "a", "b" and "c": the first ten, each cut
// to an excerpt, so that a hostile header is not echoed whole.
func quoteList(names []string) string {
	const most = 10
	q := make([]string, 0, min(len(names), most+1))
	for _, n := range names[:min(len(names), most)] {
		q = append(q, fmt.Sprintf("%q", reconi.Excerpt(n)))
	}
	if len(names) > most {
		q = append(q, fmt.Sprintf("%d more", len(names)-most))
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// nonEmpty returns the trimmed cells of a header that are not empty.
func nonEmpty(cells []string) []string {
	var out []string
	for _, c := range cells {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}
