package csvio

import (
	"bufio"
	"encoding/csv"
	"errors"
	"io"
)

// Records reads a CSV file as NewReader does (any encoding and delimiter,
// lines before the header skipped) and calls fn with the cells of every
// record after the header and the line it starts on, counted as RowError
// lines are. It returns the header and the delimiter, so that the records
// can be written back as they came: `users import --errors-file` copies the
// rows the backend refused. Records that are not valid CSV are skipped.
func Records(r io.Reader, fn func(line int, cells []string) error) (header []string, comma rune, err error) {
	br := bufio.NewReaderSize(newRecordLimiter(decode(r)), sniffBytes)
	comma, skipped, err := sniff(br)
	if err != nil {
		return nil, 0, err
	}
	cr := csv.NewReader(br)
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = comma != '\t'
	for first := true; ; {
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return header, comma, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		if first {
			header, first = cells, false
			continue
		}
		line, _ := cr.FieldPos(0)
		if err := fn(line+skipped, cells); err != nil {
			return nil, 0, err
		}
	}
}
