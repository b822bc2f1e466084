package csvio

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// FuzzReader feeds the reader arbitrary bytes: it must never panic or loop,
// every row and row error must name a line after the header's, and lines
// must increase.
func FuzzReader(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.csv"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add(Template())
	f.Add([]byte("sep=;\nvoornaam;achternaam;email;mobiel;in dienst\n\"a\nb\";c\"d;e;f;g;h\n"))
	f.Add([]byte("first_name,last_name,email,phone,employed\na,\"b,c,d,e\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		rd, err := NewReader(bytes.NewReader(data))
		if err != nil {
			var e *reconi.Error
			if !errors.As(err, &e) || e.Kind != reconi.KindInvalid {
				t.Fatalf("NewReader: %v, want a *reconi.Error of kind invalid", err)
			}
			return
		}
		last := 1
		// Every call consumes at least one line, so more calls than bytes
		// means the reader is stuck.
		for calls := 0; ; calls++ {
			if calls > len(data)+1 {
				t.Fatal("Next does not reach the end")
			}
			row, err := rd.Next()
			if err == io.EOF {
				return
			}
			line := row.Line
			if err != nil {
				var e *reconi.Error
				if !errors.As(err, &e) || e.Kind != reconi.KindInvalid || len(e.Rows) != 1 {
					t.Fatalf("Next: %v, want a *reconi.Error of kind invalid with one row", err)
				}
				line = e.Rows[0].Line
			}
			if line < 2 || line <= last {
				t.Fatalf("row on line %d after line %d", line, last)
			}
			last = line
		}
	})
}
