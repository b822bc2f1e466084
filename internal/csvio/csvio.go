// Package csvio reads and writes the CSV files of `reconi users import` and
// `reconi users export`: one user per row, the columns of Columns.
//
// The reader takes CSV as spreadsheet programs save it in the locales
// reconi's users work in, without asking which:
//
//   - UTF-8 with or without a byte order mark; UTF-16 LE or BE with a byte
//     order mark (Excel's "Unicode text"); Windows-1252 when the bytes are not
//     valid UTF-8 (Dutch Excel's "CSV (gescheiden door lijstscheidingsteken)");
//   - ',', ';' (Dutch Excel) or tab as delimiter, sniffed from the header
//     line, or set by an Excel "sep=;" first line;
//   - CRLF or LF line endings; blank lines and rows of only delimiters
//     skipped; trailing empty columns (Excel's ";;;") tolerated;
//   - English or Dutch column names in any case and spacing (see Columns);
//     columns it does not know are ignored and reported by Reader.Ignored.
//
// It streams: memory use does not grow with the number of rows.
//
// Spreadsheet formula injection: Writer puts a single quote before a cell
// that starts with '=', '+', '-', '@', tab or CR, so that a spreadsheet shows
// it as text instead of evaluating it (the OWASP advice). E.164 phone numbers
// start with '+', so this touches every exported phone number. To make an
// export import again unchanged, the reader removes the first of the leading
// quotes of a cell when what follows them is one of those characters
// ("'+31612345678" reads as "+31612345678"), and Writer adds one more to a
// cell that already starts that way. Every other quote is data.
package csvio

import (
	"strings"

	"github.com/reconi/reconi/internal/reconi"
)

// Row is one user as the CSV file has it: strings, trimmed of surrounding
// whitespace and of the formula guard Writer adds, but otherwise unchecked.
// The backend validates every field; NewUser converts a row for it.
type Row struct {
	FirstName string `csv:"first_name"`
	// LastName includes the prefix (tussenvoegsel) when the file has it in a
	// column of its own: "van der" + "Berg" is "van der Berg".
	LastName    string `csv:"last_name"`
	Email       string `csv:"email"`
	Phone       string `csv:"phone"`
	DateOfBirth string `csv:"date_of_birth"`
	Employed    string `csv:"employed"`
	// Line is the physical line the record starts on, 1-based, counting
	// every line of the file (the header is normally line 1), so that a
	// problem can be found in an editor even after multi-line quoted cells.
	Line int `csv:"-"`
}

// NewUser converts the row to the backend's input. Only employed is parsed
// here, because NewUser carries it as a *bool; an empty cell leaves it nil
// for the backend to report as missing. A value that is not a yes/no comes
// back as a *reconi.Error with a RowError for the row's line.
func (r Row) NewUser() (reconi.NewUser, error) {
	u := reconi.NewUser{
		FirstName:   r.FirstName,
		LastName:    r.LastName,
		Email:       r.Email,
		Phone:       r.Phone,
		DateOfBirth: r.DateOfBirth,
	}
	if strings.TrimSpace(r.Employed) == "" {
		return u, nil
	}
	b, err := reconi.ParseBool(colEmployed, r.Employed)
	if err != nil {
		return u, &reconi.Error{
			Kind:    reconi.KindInvalid,
			Message: "a row has an invalid value",
			Rows: []reconi.RowError{{
				Line:  r.Line,
				Field: colEmployed,
				Value: reconi.Excerpt(r.Employed),
				// ParseBool names the field in its message; RowError has it apart.
				Message: strings.TrimPrefix(reconi.ErrorMessage(err), colEmployed+": "),
			}},
		}
	}
	u.Employed = &b
	return u, nil
}

// Template returns a CSV file to start from: the canonical header and two
// example users with fictitious data, one employed by the organisation and
// one not. The phone numbers are written the national way on purpose: a
// spreadsheet opening "+31612345678" turns it into the number 31612345678 (or
// a formula), while "06 12345678" stays text.
func Template() []byte {
	return []byte(`first_name,last_name,email,phone,date_of_birth,employed
Jan,Jansen,jan.jansen@example.nl,06 12345678,1985-04-12,true
Sanne,de Vries,sanne.devries@example.nl,06 87654321,1992-11-03,false
`)
}
