package service

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/reconi/reconi/internal/csvio"
	"github.com/reconi/reconi/internal/reconi"
)

// DefaultSpoolBytes is how large an import may grow in its spool file, once
// checked, unless WithImportSpool says otherwise: twice the HTTP API's
// default limit on an upload, which it holds with room to spare.
const DefaultSpoolBytes = 2 << 30

// WithImportSpool makes imports keep their checked rows in dir (the
// system's temporary folder when empty) and refuse one whose spool would
// grow past maxBytes (DefaultSpoolBytes when 0).
func WithImportSpool(dir string, maxBytes int64) Option {
	return func(s *Service) { s.spoolDir, s.spoolMax = dir, maxBytes }
}

// spool keeps an import between receiving it and writing it, in a
// temporary file, so that the write transaction (SQLite's write lock, a
// PostgreSQL connection) is held only while the writes run: however slowly a
// client sends its rows, nobody else waits for them (issue 10). A CSV upload
// is kept as received (spoolUpload), and checked and written together once
// it is all here; rows given one by one (ImportUserRows) are kept checked,
// batch by batch (newSpool, write, rewind, read). Memory stays that of the
// batches in flight.
type spool struct {
	f    *os.File
	name string
	buf  *bufio.Writer
	enc  *gob.Encoder
	dec  *gob.Decoder
}

// createSpool creates an empty spool file and the writer that keeps it
// within the limit; what says what the limit counts, for its error.
func (s *Service) createSpool(what string) (*spool, *limitWriter, error) {
	f, err := os.CreateTemp(s.spoolDir, "reconi-import-*")
	if err != nil {
		return nil, nil, fmt.Errorf("spooling the import: %w", err)
	}
	sp := &spool{f: f, name: f.Name()}
	// Unlinked at once where the system allows it, the file goes away
	// with the process, however that ends.
	if os.Remove(f.Name()) == nil {
		sp.name = ""
	}
	limit := s.spoolMax
	if limit <= 0 {
		limit = DefaultSpoolBytes
	}
	return sp, &limitWriter{w: f, left: limit, limit: limit, what: what}, nil
}

// newSpool creates an empty spool for checked batches.
func (s *Service) newSpool() (*spool, error) {
	sp, w, err := s.createSpool(" once checked")
	if err != nil {
		return nil, err
	}
	sp.buf = bufio.NewWriterSize(w, 64<<10)
	sp.enc = gob.NewEncoder(sp.buf)
	return sp, nil
}

// spoolUpload receives a CSV upload whole into a new spool and returns it
// ready to be read again from the start (sp.f). On its way in the upload is
// refused for what would make the CSV reader refuse it after a bounded read
// (receiveCSV); its rows are checked when they are read again. Keeping the
// bytes as they came, where the rows used to be kept checked (an encoding
// and a decoding of every row), lets the checking overlap the writing
// (importRows).
func (s *Service) spoolUpload(r io.Reader) (*spool, error) {
	sp, w, err := s.createSpool("")
	if err != nil {
		return nil, err
	}
	if err := receiveCSV(r, w, sp.f); err != nil {
		sp.close()
		return nil, wrap(err)
	}
	if _, err := sp.f.Seek(0, io.SeekStart); err != nil {
		sp.close()
		return nil, fmt.Errorf("spooling the import: %w", err)
	}
	return sp, nil
}

// receiveCSV copies a CSV upload r to w, the spool file f, and fails as
// the CSV reader would, after a bounded read: a bad header at once, and a
// record without end (an unclosed quote, a line of megabytes) after about
// csvio.MaxRecordBytes of it. The header goes through the CSV reader; the
// rest through recordBound, a byte scanner that costs a fraction of reading
// the rows (a second CSV reading took 0.09 s of 100,000 rows' import).
func receiveCSV(r io.Reader, w io.Writer, f *os.File) error {
	if _, err := csvio.NewReader(io.TeeReader(r, w)); err != nil {
		return err
	}
	_, err := io.Copy(&recordBound{w: w, f: f}, r)
	return err
}

// recordBound writes to w, the spool file f, and watches for a record
// longer than csvio.MaxRecordBytes, following quotes and line breaks as the
// CSV reader does, in the bytes as received. When it sees one it reads
// what f holds so far through the CSV reader, and fails with its error.
// The bytes as received may differ from what the reader sees (UTF-16, a
// stray quote before them): if the reader finds nothing wrong, the scanner
// stands down, and the reading of the rows, which has the reader's own
// bound, reports whatever is wrong.
type recordBound struct {
	w       io.Writer
	f       *os.File
	size    int
	quoted  bool
	stopped bool
}

func (b *recordBound) Write(p []byte) (int, error) {
	n, err := b.w.Write(p)
	if err != nil || b.stopped {
		return n, err
	}
	for _, c := range p[:n] {
		switch c {
		case '"':
			b.quoted = !b.quoted
		case '\n':
			if !b.quoted {
				b.size = 0
				continue
			}
		}
		b.size++
		if b.size > csvio.MaxRecordBytes {
			b.stopped = true
			return n, b.check()
		}
	}
	return n, nil
}

// check reads the spool so far through the CSV reader: its error, or nil.
func (b *recordBound) check() error {
	end, err := b.f.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	return readCSV(io.NewSectionReader(b.f, 0, end))
}

// readCSV reads r to its end through the CSV reader. A row the reader
// reports (a stray quote, a value past the last column) is left for the
// reading of the rows to report; anything else is returned.
func readCSV(r io.Reader) error {
	cr, err := csvio.NewReader(r)
	if err != nil {
		return err
	}
	for {
		_, err := cr.Next()
		var rowErr *reconi.Error
		switch {
		case err == io.EOF:
			return nil
		case errors.As(err, &rowErr) && len(rowErr.Rows) > 0:
		case err != nil:
			return err
		}
	}
}

// write appends a checked batch.
func (sp *spool) write(b *checkedBatch) error { return sp.enc.Encode(b) }

// rewind ends the writing and starts the reading, from the first batch.
func (sp *spool) rewind() error {
	if err := sp.buf.Flush(); err != nil {
		return err
	}
	if _, err := sp.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	sp.dec = gob.NewDecoder(bufio.NewReaderSize(sp.f, 64<<10))
	return nil
}

// read returns the next batch, or io.EOF after the last.
func (sp *spool) read() (*checkedBatch, error) {
	var b checkedBatch
	if err := sp.dec.Decode(&b); err != nil {
		return nil, err
	}
	return &b, nil
}

// close closes and removes the file.
func (sp *spool) close() {
	sp.f.Close()
	if sp.name != "" {
		os.Remove(sp.name)
	}
}

// limitWriter refuses to write more than limit bytes in all.
type limitWriter struct {
	w           io.Writer
	left, limit int64
	// what follows the limit in the error: " once checked".
	what string
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		return 0, reconi.Errorf(reconi.KindInvalid, "the import is larger than reconi takes at once (%d MiB%s): split it into smaller files", l.limit>>20, l.what)
	}
	n, err := l.w.Write(p)
	l.left -= int64(n)
	return n, err
}
