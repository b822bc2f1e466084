package service

import (
	"bufio"
	"encoding/gob"
	"fmt"
	"io"
	"os"

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

// spool keeps an import's checked batches in a temporary file between
// reading the rows and writing them, so that the write transaction (SQLite's
// write lock, a PostgreSQL connection) is held only while the writes run:
// however slowly a client sends its rows, nobody else waits for them
// (issue 10). Memory stays that of the batches in flight.
type spool struct {
	f    *os.File
	name string
	buf  *bufio.Writer
	enc  *gob.Encoder
	dec  *gob.Decoder
}

// newSpool creates an empty spool file.
func (s *Service) newSpool() (*spool, error) {
	f, err := os.CreateTemp(s.spoolDir, "reconi-import-*")
	if err != nil {
		return nil, fmt.Errorf("spooling the import: %w", err)
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
	sp.buf = bufio.NewWriterSize(&limitWriter{w: f, left: limit, limit: limit}, 64<<10)
	sp.enc = gob.NewEncoder(sp.buf)
	return sp, nil
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
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		return 0, reconi.Errorf(reconi.KindInvalid, "the import is larger than reconi takes at once (%d MiB once checked): split it into smaller files", l.limit>>20)
	}
	n, err := l.w.Write(p)
	l.left -= int64(n)
	return n, err
}
