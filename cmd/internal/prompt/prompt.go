// Package prompt asks the person at the terminal for what a command is
// missing, with charm.land/huh/v2. Commands ask only when
// IOStreams.CanPrompt says someone can answer (stdin and stdout are
// terminals, no --no-input, no CI); otherwise the missing flag is a usage
// error that names it, and nothing here runs.
//
// Questions go to stderr, so stdout stays data. On a terminal huh draws
// its interactive fields; with RECONI_ACCESSIBLE set, or when stdin is not
// a real terminal file, it asks line by line instead (huh's accessible
// mode: a numbered list, y/N, plain text), which screen readers can follow
// and tests can answer through stdin.
package prompt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"charm.land/huh/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
)

// Prompter asks questions on the terminal. One Prompter serves one run;
// make it when the first question is due.
type Prompter struct {
	in         io.Reader
	out        io.Writer
	accessible bool
	lines      *lineReader // the input in accessible mode
}

// New returns a Prompter on ios. getenv is the run's environment
// (RECONI_ACCESSIBLE chooses line-by-line questions).
func New(ios *output.IOStreams, getenv func(string) string) *Prompter {
	p := &Prompter{in: ios.In, out: ios.ErrOut}
	_, file := ios.In.(*os.File)
	// huh's interactive fields need stdin to be the terminal itself; any
	// other reader is asked line by line. So is a dumb terminal, as huh
	// itself decides from the process's TERM.
	p.accessible = !file || (getenv != nil && getenv("RECONI_ACCESSIBLE") != "") ||
		os.Getenv("TERM") == "dumb" || (getenv != nil && getenv("TERM") == "dumb")
	if p.accessible {
		p.lines = &lineReader{r: ios.In}
		p.in = p.lines
		// huh v2 styles its titles in full colour whatever the output;
		// questions to a file, a pipe or with colour off get plain text.
		profile := colorprofile.NoTTY
		if ios.ColorEnabled() && ios.IsStderrTTY() {
			profile = colorprofile.Detect(ios.ErrOut, os.Environ())
		}
		p.out = &colorprofile.Writer{Forward: ios.ErrOut, Profile: profile}
	}
	return p
}

// Option is one choice of Select and MultiSelect: Label is shown, Value
// returned.
type Option struct {
	Label string
	Value string
}

// Options makes options whose labels are their values.
func Options(values ...string) []Option {
	out := make([]Option, len(values))
	for i, v := range values {
		out[i] = Option{Label: v, Value: v}
	}
	return out
}

// Select asks for one of options; def is chosen when the answer is empty.
func (p *Prompter) Select(ctx context.Context, title string, options []Option, def string) (string, error) {
	v := def
	// A value pointer gives huh's line-by-line select a default, which it
	// needs at the end of the input.
	f := huh.NewSelect[string]().Title(title).Options(huhOptions(options)...).Value(&v)
	if err := p.run(ctx, f); err != nil {
		return "", err
	}
	return v, nil
}

// MultiSelect asks for any number of options; validate, when given, is
// checked after the choice and the question asked again while it fails.
func (p *Prompter) MultiSelect(ctx context.Context, title string, options []Option, validate func([]string) error) ([]string, error) {
	for {
		var v []string
		// No Validate on the field: huh's line-by-line multi-select asks
		// again forever at the end of the input when it fails.
		f := huh.NewMultiSelect[string]().Title(title).Options(huhOptions(options)...).Value(&v)
		if err := p.run(ctx, f); err != nil {
			return nil, err
		}
		if validate == nil {
			return v, nil
		}
		if err := validate(v); err != nil {
			if _, werr := io.WriteString(p.out, err.Error()+"\n"); werr != nil {
				return nil, werr
			}
			continue
		}
		return v, nil
	}
}

// Input asks for a line of text; validate, when given, is shown and the
// question asked again while it fails.
func (p *Prompter) Input(ctx context.Context, title, def string, validate func(string) error) (string, error) {
	v := def
	f := huh.NewInput().Title(title).Value(&v)
	if validate != nil {
		f = f.Validate(func(s string) error { return validate(strings.TrimSpace(s)) })
	}
	if err := p.run(ctx, f); err != nil {
		return "", err
	}
	v = strings.TrimSpace(v)
	// huh's line-by-line input hands back the last answer at the end of
	// the input even when it failed; the end of input is a cancel anyway,
	// but check again so that no path passes a bad value on.
	if validate != nil {
		if err := validate(v); err != nil {
			return "", err
		}
	}
	return v, nil
}

// Confirm asks a yes/no question.
func (p *Prompter) Confirm(ctx context.Context, title string, def bool) (bool, error) {
	v := def
	f := huh.NewConfirm().Title(title).Affirmative("Yes").Negative("No").Value(&v)
	if err := p.run(ctx, f); err != nil {
		return false, err
	}
	return v, nil
}

func (p *Prompter) run(ctx context.Context, field huh.Field) error {
	if ctx.Err() != nil {
		return interrupted(ctx)
	}
	form := huh.NewForm(huh.NewGroup(field)).
		WithInput(p.in).
		WithOutput(p.out).
		WithAccessible(p.accessible).
		WithShowHelp(!p.accessible)
	if p.lines == nil {
		err := form.RunWithContext(ctx)
		switch {
		case ctx.Err() != nil:
			// Interrupted or terminated: huh reports the end of its context
			// as a timeout.
			return interrupted(ctx)
		case errors.Is(err, huh.ErrUserAborted):
			// Ctrl-C or Esc in the interactive fields.
			return cmdutil.ErrCancel
		}
		return err
	}

	// huh's accessible mode reads its input until it has an answer and
	// does not watch ctx. It runs on its own so that an interrupt
	// (SIGINT, which cancels ctx in cmd.Main) cancels the question at once
	// rather than at the next line; the process is on its way out then,
	// and the abandoned read with it.
	p.lines.eof, p.lines.interrupted = false, false
	done := make(chan error, 1)
	go func() { done <- p.runAccessible(form) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		_, _ = io.WriteString(p.out, "\n")
		return interrupted(ctx)
	}
}

// interrupted is the error of a question whose context ended (SIGINT or
// SIGTERM in cmd.Main): a cancel, as Ctrl-C in huh's own fields is, which
// exits 130 without an error message.
func interrupted(ctx context.Context) error {
	return fmt.Errorf("%w (%w)", cmdutil.ErrCancel, ctx.Err())
}

// runAccessible runs form line by line.
func (p *Prompter) runAccessible(form *huh.Form) (err error) {
	// huh's line-by-line select and multi-select, at the end of the input,
	// take the last answer given even when it was out of range, and index
	// past their options with it. The end of the input is a cancel,
	// whichever way huh reaches it.
	defer func() {
		if r := recover(); r != nil {
			if !p.lines.eof && !p.lines.interrupted {
				panic(r)
			}
			_, _ = io.WriteString(p.out, "\n")
			err = cmdutil.ErrCancel
		}
	}()
	if err := form.Run(); err != nil {
		return err
	}
	if p.lines.eof || p.lines.interrupted {
		// The input ended before an answer (Ctrl-D), or Ctrl-C came as a
		// character (a terminal without signals): nobody answered, and
		// huh's accessible mode has just taken the default.
		_, _ = io.WriteString(p.out, "\n")
		return cmdutil.ErrCancel
	}
	return nil
}

func huhOptions(options []Option) []huh.Option[string] {
	out := make([]huh.Option[string], len(options))
	for i, o := range options {
		out[i] = huh.NewOption(o.Label, o.Value)
	}
	return out
}

// lineReader hands its reader's input out one line per Read, reading a
// byte at a time. huh's accessible mode starts a new bufio.Scanner for
// every question, which would otherwise swallow the answers to the next
// ones; and nothing is read ahead, so that whatever reads stdin after the
// questions (apply's own "agree?") finds its answer still there.
//
// Ctrl-C read as a character (ETX, from a terminal whose line discipline
// does not turn it into SIGINT) ends the input like Ctrl-D, drops the line
// typed before it, and marks the input interrupted.
type lineReader struct {
	r           io.Reader
	eof         bool
	interrupted bool
}

// errInterrupt is what a lineReader returns when it reads Ctrl-C.
var errInterrupt = errors.New("interrupted")

// etx is the character Ctrl-C types.
const etx = 0x03

func (l *lineReader) Read(p []byte) (int, error) {
	n := 0
	var b [1]byte
	for n < len(p) {
		m, err := l.r.Read(b[:])
		if m == 1 {
			if b[0] == etx {
				// What was typed on the line before it is dropped.
				l.interrupted = true
				return 0, errInterrupt
			}
			p[n] = b[0]
			n++
			if b[0] == '\n' {
				return n, nil
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				l.eof = true
			}
			return n, err
		}
	}
	return n, nil
}
