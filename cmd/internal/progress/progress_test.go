package progress

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/output"
)

func TestOnlyOnATerminalForLargeInputs(t *testing.T) {
	ios, _, _, errOut := output.Test()
	if Bytes(ios, MinBytes, "x") != nil || Count(ios, MinRows, "x") != nil {
		t.Error("a bar without a terminal")
	}
	ios.SetStderrTTY(true)
	if Bytes(ios, MinBytes-1, "x") != nil || Bytes(ios, -1, "x") != nil || Count(ios, MinRows-1, "x") != nil {
		t.Error("a bar for a small input, or one of unknown size")
	}
	if errOut.Len() != 0 {
		t.Errorf("wrote %q", errOut.String())
	}

	bar := Bytes(ios, MinBytes, "Reading big.csv")
	data := bytes.Repeat([]byte("x"), MinBytes)
	got, err := io.ReadAll(bar.Reader(bytes.NewReader(data)))
	if err != nil || len(got) != MinBytes {
		t.Fatalf("read %d bytes, %v", len(got), err)
	}
	bar.Done()
	if s := errOut.String(); !strings.Contains(s, "Reading big.csv") || !strings.HasSuffix(s, "\x1b[2K\r") {
		t.Errorf("bar: %q", s)
	}

	// A nil bar does nothing.
	var none *Bar
	none.Add(1)
	none.Done()
	if r := strings.NewReader("x"); none.Reader(r) != io.Reader(r) {
		t.Error("a nil bar wraps the reader")
	}
}

func TestSize(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, []byte("12345"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if Size(f) != 5 || Size(strings.NewReader("12345")) != -1 {
		t.Errorf("Size = %d, %d", Size(f), Size(strings.NewReader("12345")))
	}
}
