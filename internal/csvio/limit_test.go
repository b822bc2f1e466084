package csvio_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/csvio"
	"github.com/reconi/reconi/internal/reconi"
)

// endless reads prefix, then fill without end (up to limit bytes, so that a
// failing test ends), counting what was read.
type endless struct {
	prefix string
	fill   byte
	limit  int64
	read   int64
}

func (e *endless) Read(p []byte) (int, error) {
	if e.read >= e.limit {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && e.read < e.limit {
		if e.read < int64(len(e.prefix)) {
			p[n] = e.prefix[e.read]
		} else {
			p[n] = e.fill
		}
		n++
		e.read++
	}
	return n, nil
}

const header = "first_name,last_name,email,phone,date_of_birth,employed\n"

// TestRecordLimit: a line, or a quoted value running over lines, longer
// than MaxRecordBytes is refused with a message naming its line, after
// reading little more than the limit, and without repeating the value.
// Issue 10, item 2.
func TestRecordLimit(t *testing.T) {
	const budget = 1 << 20 // what the reader may read past the limit: its buffers
	row := "Jan,Jansen,jan@example.nl,0612345678,1985-04-12,true\n"
	for _, c := range []struct {
		name    string
		in      *endless
		rows    int // read fine before the error
		want    string
		atStart bool // NewReader fails
	}{
		{"a header line without end", &endless{fill: 'a'}, 0, "line 1 is longer than 65536 bytes", true},
		{"a header line of delimiters", &endless{prefix: "first_name", fill: ','}, 0, "line 1 is longer", true},
		{"a cell without end on line 3", &endless{prefix: header + row + "Piet,", fill: 'x'}, 1, "line 3 is longer than 65536 bytes", false},
		{"a quote never closed", &endless{prefix: header + row + row + `Kees,"de`, fill: '\n'}, 2, "the quoted value that starts on line 4 runs on", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.in.limit = 256 << 20
			r, err := csvio.NewReader(c.in)
			rows := 0
			if err == nil {
				for {
					_, err = r.Next()
					if err != nil {
						break
					}
					rows++
				}
			}
			if c.atStart != (r == nil) {
				t.Errorf("NewReader failed: %v, want %v", r == nil, c.atStart)
			}
			var e *reconi.Error
			if !errors.As(err, &e) || e.Kind != reconi.KindInvalid || len(e.Rows) != 0 || !strings.Contains(e.Message, c.want) {
				t.Fatalf("error %.300v, want an invalid error with %q", err, c.want)
			}
			if len(e.Message) > 200 {
				t.Errorf("the message is %d bytes long", len(e.Message))
			}
			if rows != c.rows {
				t.Errorf("%d rows before the error, want %d", rows, c.rows)
			}
			if c.in.read > csvio.MaxRecordBytes+budget {
				t.Errorf("read %d bytes to refuse a record over %d", c.in.read, csvio.MaxRecordBytes)
			}
		})
	}

	// Under the limit all is well, quoted line breaks included.
	long := strings.Repeat("x", csvio.MaxRecordBytes-200)
	in := header + "Jan,\"Jan\nsen\",jan@example.nl,0612345678,1985-04-12,true\n" + "Piet,Jansen,piet@example.nl,0612345678,1985-04-12,true," + long + "\n"
	r, err := csvio.NewReader(strings.NewReader(strings.Replace(in, "employed\n", "employed,notes\n", 1)))
	if err != nil {
		t.Fatal(err)
	}
	for n := 0; ; n++ {
		row, err := r.Next()
		if err == io.EOF {
			if n != 2 {
				t.Errorf("%d rows, want 2", n)
			}
			break
		}
		if err != nil {
			t.Fatalf("row %d: %.300v", n+1, err)
		}
		if n == 0 && row.LastName != "Jan\nsen" {
			t.Errorf("last name %q", row.LastName)
		}
	}
}
