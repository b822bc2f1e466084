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
// ready to be read again from the start (sp.f). The upload goes through the
// CSV reader on its way in, which refuses a bad header, or a record without
// end, after a bounded read, as when the rows were checked on arrival; the
// rows themselves are checked on the second reading. Keeping the bytes as
// they came costs a second CSV decoding, where keeping the rows checked cost
// an encoding and a decoding of every row, and lets the checking overlap
// the writing (importRows).
func (s *Service) spoolUpload(r io.Reader) (*spool, error) {
	sp, w, err := s.createSpool("")
	if err != nil {
		return nil, err
	}
	if err := receiveCSV(io.TeeReader(r, w)); err != nil {
		sp.close()
		return nil, wrap(err)
	}
	if _, err := sp.f.Seek(0, io.SeekStart); err != nil {
		sp.close()
		return nil, fmt.Errorf("spooling the import: %w", err)
	}
	return sp, nil
}

// receiveCSV reads r to its end through the CSV reader. A row the reader
// reports (a stray quote, a value past the last column) is reported again
// on the second reading; anything else ends the import.
func receiveCSV(r io.Reader) error {
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
