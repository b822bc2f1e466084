package csvio

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/reconi/reconi/internal/reconi"
)

// Writer writes users as CSV in the canonical columns, comma-separated, which
// NewReader reads back to the same users.
type Writer struct {
	cw          *csv.Writer
	wroteHeader bool
	cells       []string // reused for every row
}

// NewWriter returns a Writer to w. Call Flush when done: nothing may reach w
// before, and an export of no users still needs its header.
func NewWriter(w io.Writer) *Writer {
	return &Writer{cw: csv.NewWriter(w), cells: make([]string, 0, 6)}
}

// Write writes u as one row, after the header if it is the first.
func (w *Writer) Write(u reconi.User) error {
	if err := w.header(); err != nil {
		return err
	}
	w.cells = append(w.cells[:0],
		guard(u.FirstName),
		guard(u.LastName),
		guard(u.Email),
		guard(u.Phone),
		guard(string(u.DateOfBirth)),
		strconv.FormatBool(u.Employed),
	)
	return w.cw.Write(w.cells)
}

// Flush writes the header if no row was written, then everything buffered,
// and returns the first error writing met.
func (w *Writer) Flush() error {
	if err := w.header(); err != nil {
		return err
	}
	w.cw.Flush()
	return w.cw.Error()
}

func (w *Writer) header() error {
	if w.wroteHeader {
		return nil
	}
	w.wroteHeader = true
	return w.cw.Write([]string{colFirstName, colLastName, colEmail, colPhone, colDateOfBirth, colEmployed})
}

// guard neutralises spreadsheet formula injection: a cell that a spreadsheet
// would evaluate gets a leading single quote, which makes it text. A cell
// that starts with quotes followed by such a character gets one more, so
// that the reader, which takes one off, gives back exactly what was written.
func guard(s string) string { return SafeCell(s) }

// SafeCell neutralises spreadsheet formula injection: a cell a spreadsheet
// would take as a formula (starting with =, +, -, @, tab or CR, after any
// quotes) gets a leading single quote. The reader strips it again.
func SafeCell(s string) string {
	if formulaStart(strings.TrimLeft(s, "'")) {
		return "'" + s
	}
	return s
}

// formulaStart reports whether a spreadsheet may take a cell starting like
// s as a formula (or, for tab and CR, hide such a start).
func formulaStart(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}
