// Package progress shows a progress bar on stderr while a large input is
// read, with github.com/schollz/progressbar. Only on a terminal: when
// stderr is piped or redirected, as in CI logs, nothing is drawn.
package progress

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/reconi/reconi/internal/output"
)

// Below these sizes an input is read in a blink and gets no bar.
const (
	MinBytes = 64 << 10 // about a thousand CSV rows
	MinRows  = 1000
)

// Bar is a progress bar, or nil when none is shown; its methods do nothing
// on nil, so callers need not check.
type Bar struct {
	pb *progressbar.ProgressBar
}

func newBar(ios *output.IOStreams, max int64, desc string, bytes bool) *Bar {
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(ios.ErrOut),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionUseANSICodes(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetRenderBlankState(true),
	}
	if bytes {
		opts = append(opts, progressbar.OptionShowBytes(true))
	} else {
		opts = append(opts, progressbar.OptionShowCount(), progressbar.OptionSetItsString("users"))
	}
	return &Bar{pb: progressbar.NewOptions64(max, opts...)}
}

// Bytes returns a bar over size bytes, or nil when stderr is not a
// terminal or the input is small or of unknown size (size < 0).
func Bytes(ios *output.IOStreams, size int64, desc string) *Bar {
	if !ios.IsStderrTTY() || size < MinBytes {
		return nil
	}
	return newBar(ios, size, desc, true)
}

// Count returns a bar over n items, or nil when stderr is not a terminal
// or n is small.
func Count(ios *output.IOStreams, n int, desc string) *Bar {
	if !ios.IsStderrTTY() || n < MinRows {
		return nil
	}
	return newBar(ios, int64(n), desc, false)
}

// Size returns the size of r when it is a regular file, else -1.
func Size(r io.Reader) int64 {
	f, ok := r.(*os.File)
	if !ok {
		return -1
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return -1
	}
	return st.Size()
}

// Reader counts what is read from r on the bar.
func (b *Bar) Reader(r io.Reader) io.Reader {
	if b == nil {
		return r
	}
	return &reader{r: r, b: b}
}

type reader struct {
	r io.Reader
	b *Bar
}

func (r *reader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.b.Add(n)
	return n, err
}

// Add moves the bar on by n.
func (b *Bar) Add(n int) {
	if b == nil || n <= 0 {
		return
	}
	_ = b.pb.Add(n)
}

// Done takes the bar off the screen, whether the work finished or failed,
// so that what is printed next starts on a clean line.
func (b *Bar) Done() {
	if b == nil {
		return
	}
	if b.pb.IsFinished() {
		return
	}
	_ = b.pb.Clear()
	_ = b.pb.Exit()
}
