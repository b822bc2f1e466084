package prompt

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
)

// lineReader hands out one line per Read and reads nothing ahead.
func TestLineReader(t *testing.T) {
	src := strings.NewReader("one\ntwo\nrest")
	l := &lineReader{r: src}
	buf := make([]byte, 64)
	for _, want := range []string{"one\n", "two\n", "rest"} {
		n, err := l.Read(buf)
		if string(buf[:n]) != want || (err != nil && !errors.Is(err, io.EOF)) {
			t.Fatalf("Read = %q, %v; want %q", buf[:n], err, want)
		}
	}
	if !l.eof {
		t.Error("the end of the input was not noticed")
	}
	// A short buffer gets the line in pieces.
	l = &lineReader{r: strings.NewReader("abcdef\n")}
	small := make([]byte, 4)
	if n, _ := l.Read(small); string(small[:n]) != "abcd" {
		t.Errorf("first piece %q", small[:n])
	}
	if n, _ := l.Read(small); string(small[:n]) != "ef\n" {
		t.Errorf("second piece %q", small[:n])
	}
}

func TestAccessibleMode(t *testing.T) {
	ios, _, _, _ := output.Test()
	if !New(ios, nil).accessible {
		t.Error("a reader that is not a terminal file is not asked line by line")
	}
	ios.In = os.Stdin
	if New(ios, func(string) string { return "" }).accessible {
		t.Error("the terminal is asked line by line without RECONI_ACCESSIBLE")
	}
	if !New(ios, func(k string) string { return map[string]string{"RECONI_ACCESSIBLE": "1"}[k] }).accessible {
		t.Error("RECONI_ACCESSIBLE=1 is ignored")
	}
}

// Several questions on one input each get their own line; the answers
// left over stay for whoever reads next.
func TestQuestions(t *testing.T) {
	ios, in, _, errOut := output.Test()
	in.WriteString("2\nn\n  Jan  \n3\n1\n0\nleft over\n")
	p := New(ios, nil)
	ctx := context.Background()
	v, err := p.Select(ctx, "Pick", Options("a", "b", "c"), "a")
	if err != nil || v != "b" {
		t.Fatalf("Select = %q, %v", v, err)
	}
	yes, err := p.Confirm(ctx, "Sure?", true)
	if err != nil || yes {
		t.Fatalf("Confirm = %v, %v", yes, err)
	}
	name, err := p.Input(ctx, "Name", "", func(s string) error {
		if s == "" {
			return errors.New("a name, please")
		}
		return nil
	})
	if err != nil || name != "Jan" {
		t.Fatalf("Input = %q, %v", name, err)
	}
	many, err := p.MultiSelect(ctx, "Some", []Option{{Label: "A", Value: "a"}, {Label: "B", Value: "b"}, {Label: "C", Value: "c"}}, nil)
	if err != nil || strings.Join(many, ",") != "a,c" {
		t.Fatalf("MultiSelect = %q, %v", many, err)
	}
	if rest, _ := io.ReadAll(in); string(rest) != "left over\n" {
		t.Errorf("left over %q", rest)
	}
	if !strings.Contains(errOut.String(), "Pick") || !strings.Contains(errOut.String(), "Sure?") {
		t.Errorf("the questions did not go to stderr: %q", errOut.String())
	}
	// Nothing left: every kind of question is cancelled.
	for name, ask := range map[string]func() error{
		"select":  func() error { _, err := p.Select(ctx, "Pick", Options("a", "b"), "a"); return err },
		"confirm": func() error { _, err := p.Confirm(ctx, "Sure?", true); return err },
		"input":   func() error { _, err := p.Input(ctx, "Name", "x", nil); return err },
		"multi":   func() error { _, err := p.MultiSelect(ctx, "Some", Options("a"), nil); return err },
	} {
		if err := ask(); !errors.Is(err, cmdutil.ErrCancel) {
			t.Errorf("%s at the end of the input: %v, want a cancel", name, err)
		}
	}
}

// Ctrl-C read as a character cancels the question, even after part of an
// answer, and reads nothing after it.
func TestInterruptCharacter(t *testing.T) {
	for name, ask := range map[string]func(*Prompter) error{
		"select": func(p *Prompter) error {
			_, err := p.Select(context.Background(), "Pick", Options("a", "b"), "a")
			return err
		},
		"confirm": func(p *Prompter) error { _, err := p.Confirm(context.Background(), "Sure?", true); return err },
		"input":   func(p *Prompter) error { _, err := p.Input(context.Background(), "Name", "x", nil); return err },
		"multi": func(p *Prompter) error {
			_, err := p.MultiSelect(context.Background(), "Some", Options("a"), nil)
			return err
		},
	} {
		ios, in, _, _ := output.Test()
		in.WriteString("1\x03next\n")
		if err := ask(New(ios, nil)); !errors.Is(err, cmdutil.ErrCancel) {
			t.Errorf("%s after Ctrl-C: %v, want a cancel", name, err)
		}
		if in.String() != "next\n" {
			t.Errorf("%s read past Ctrl-C: %q left", name, in.String())
		}
	}
}

// An interrupt (cmd.Main cancels the context on SIGINT) ends a line-by-line
// question at once, while its input is still open.
func TestInterruptWhileWaiting(t *testing.T) {
	ios, _, _, _ := output.Test()
	r, w := io.Pipe()
	defer w.Close()
	ios.In = r
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := New(ios, nil).Input(ctx, "Name", "", nil); errc <- err }()
	cancel()
	if err := <-errc; !errors.Is(err, cmdutil.ErrCancel) || !errors.Is(err, context.Canceled) {
		t.Errorf("Input after an interrupt: %v, want a cancel", err)
	}
}

// Questions to something that is not a terminal carry no escape codes.
func TestPlainQuestions(t *testing.T) {
	ios, in, _, errOut := output.Test()
	in.WriteString("1\n")
	if _, err := New(ios, nil).Select(context.Background(), "Pick", Options("a", "b"), "a"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(errOut.String(), "\x1b") {
		t.Errorf("escape codes in %q", errOut.String())
	}
}
