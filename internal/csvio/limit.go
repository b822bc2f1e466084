package csvio

import (
	"io"

	"github.com/reconi/reconi/internal/reconi"
)

// MaxRecordBytes bounds a line of the file, and a record whose quoted cells
// run over several lines, in bytes of UTF-8 (after decoding). A real row is
// well under 1 KiB; without a bound encoding/csv buffers a line, or an
// unclosed quote, whole, however large the file.
const MaxRecordBytes = 64 << 10

// recordLimiter fails a read that would take a record past MaxRecordBytes,
// with an error naming the line it starts on, before encoding/csv has
// buffered more of it than that. It tracks quotes the way encoding/csv
// reads them: a line break inside quotes continues the record. Valid CSV
// keeps the two in step; after a stray quote (a row csv reports as bad)
// they may part, and then the message still points at that quote's line.
type recordLimiter struct {
	r io.Reader
	// line is the current line, 1-based; start the line the record began
	// on, size its bytes so far.
	line, start int
	size        int
	quoted      bool
	err         error
}

func newRecordLimiter(r io.Reader) *recordLimiter {
	return &recordLimiter{r: r, line: 1, start: 1}
}

func (l *recordLimiter) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(p)
	for i, c := range p[:n] {
		l.size++
		if l.size > MaxRecordBytes {
			l.err = l.tooLong()
			return i, l.err
		}
		switch c {
		case '"':
			l.quoted = !l.quoted
		case '\n':
			l.line++
			if !l.quoted {
				l.start, l.size = l.line, 0
			}
		}
	}
	return n, err
}

// tooLong explains the refusal. It never repeats the content: the line may
// be hundreds of megabytes.
func (l *recordLimiter) tooLong() error {
	if l.start == l.line {
		return reconi.Errorf(reconi.KindInvalid, "line %d is longer than %d bytes, the limit for a line of CSV: "+
			"is this a CSV file of users, one per line?", l.start, MaxRecordBytes)
	}
	return reconi.Errorf(reconi.KindInvalid, "the quoted value that starts on line %d runs on for more than %d bytes "+
		"(line %d so far): is its closing quote missing?", l.start, MaxRecordBytes, l.line)
}
