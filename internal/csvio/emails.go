package csvio

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
	"strings"

	"github.com/reconi/reconi/internal/reconi"
)

// ListedEmail is one email of a list read from a file, with its line.
type ListedEmail struct {
	Email string
	Line  int
}

// ReadEmails reads the email column of a CSV file: the files `reconi users
// export` and `reconi means list -o csv` write, or any other with a column
// named like an email column (email, e-mailadres, ...), in any of the
// dialects NewReader accepts. Other columns are ignored, so one column is
// enough. Empty cells are skipped; checking each address is the backend's.
func ReadEmails(r io.Reader) ([]ListedEmail, error) {
	br := bufio.NewReaderSize(decode(r), sniffBytes)
	comma, skipped, err := sniff(br)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = comma != '\t'
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, reconi.Errorf(reconi.KindInvalid, "the file is empty: want a header line with an email column")
	}
	if err != nil {
		return nil, reconi.Errorf(reconi.KindInvalid, "the header is not valid CSV: %v", err)
	}
	col := -1
	index := aliasIndex(columnDefs())
	for i, h := range header {
		if index[normalizeHeader(h)] == "email" {
			col = i
			break
		}
	}
	if col < 0 {
		return nil, reconi.Errorf(reconi.KindInvalid, "the header has no email column: want a column named email (or e-mailadres), as reconi users export and reconi means list -o csv write")
	}
	var out []ListedEmail
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, &reconi.Error{Kind: reconi.KindInvalid, Message: "the file is not valid CSV",
				Rows: []reconi.RowError{{Line: pe.StartLine + skipped, Field: "row", Message: pe.Err.Error()}}}
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if col < len(rec) {
			if e := strings.TrimSpace(rec[col]); e != "" {
				out = append(out, ListedEmail{Email: e, Line: line + skipped})
			}
		}
	}
}
