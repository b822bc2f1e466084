package csvio

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"testing"
)

// rowGenerator is an io.Reader that makes up a CSV file of n users as it is
// read, so that a million rows never sit in memory on the test's side.
type rowGenerator struct {
	n, next int
	buf     []byte
	off     int
}

func newRowGenerator(n int) *rowGenerator {
	return &rowGenerator{n: n, buf: []byte("first_name,last_name,email,phone,date_of_birth,employed\r\n")}
}

func (g *rowGenerator) Read(p []byte) (int, error) {
	for g.off == len(g.buf) {
		if g.next == g.n {
			return 0, io.EOF
		}
		g.next++
		g.buf = genRow(g.buf[:0], g.next)
		g.off = 0
	}
	n := copy(p, g.buf[g.off:])
	g.off += n
	return n, nil
}

// genRow appends user i as a CSV line; every 7th has a quoted name with a
// comma in it, so that the quote path is measured too.
func genRow(b []byte, i int) []byte {
	if i%7 == 0 {
		b = append(b, `"Jansen, Jan"`...)
	} else {
		b = append(b, "Jan"...)
	}
	b = append(b, ",de Vries-"...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, ",user"...)
	b = strconv.AppendInt(b, int64(i), 10)
	b = append(b, "@example.nl,+3161"...)
	b = fmt.Appendf(b, "%07d", i%10_000_000)
	b = append(b, ",1985-04-12,"...)
	if i%2 == 0 {
		b = append(b, "true\r\n"...)
	} else {
		b = append(b, "false\r\n"...)
	}
	return b
}

// TestStreaming reads a million generated rows and checks that the live heap
// stays small all the way: a reader that kept rows would hold hundreds of
// megabytes by the end. The heap is measured after a forced collection, so
// garbage not yet collected does not count.
func TestStreaming(t *testing.T) {
	if testing.Short() {
		t.Skip("reads a million rows")
	}
	const rows = 1_000_000
	const limit = 32 << 20
	liveHeap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	base := liveHeap()
	var peak uint64

	rd, err := NewReader(newRowGenerator(rows))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
		if row.Line != n+1 {
			t.Fatalf("row %d on line %d, want %d", n, row.Line, n+1)
		}
		if n%100_000 == 0 {
			peak = max(peak, liveHeap())
		}
	}
	peak = max(peak, liveHeap())
	runtime.KeepAlive(rd)
	if n != rows {
		t.Errorf("read %d rows, want %d", n, rows)
	}
	if grown := int64(peak) - int64(base); grown > limit {
		t.Errorf("live heap grew by %d MiB reading %d rows, want at most %d MiB", grown>>20, rows, limit>>20)
	}
}

// BenchmarkReader reads 100,000 generated users per iteration, the size the
// import must handle in under a second, and reports rows per second.
func BenchmarkReader(b *testing.B) {
	const rows = 100_000
	var plain bytes.Buffer
	io.Copy(&plain, newRowGenerator(rows))
	// The Dutch Excel dialect takes the Windows-1252 and semicolon paths.
	dutch := bytes.ReplaceAll(plain.Bytes(), []byte(","), []byte(";"))
	dutch = bytes.ReplaceAll(dutch, []byte("Jan"), []byte("Zo\xeb"))

	for _, bc := range []struct {
		name string
		data []byte
	}{{"utf8-comma", plain.Bytes()}, {"cp1252-semicolon", dutch}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			b.ReportAllocs()
			iterations := 0
			for b.Loop() {
				iterations++
				rd, err := NewReader(bytes.NewReader(bc.data))
				if err != nil {
					b.Fatal(err)
				}
				n := 0
				for {
					_, err := rd.Next()
					if err == io.EOF {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != rows {
					b.Fatalf("read %d rows, want %d", n, rows)
				}
			}
			b.ReportMetric(float64(rows*iterations)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
