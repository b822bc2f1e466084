package cmdutil

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/reconi/reconi/internal/output"
)

func TestConfirm(t *testing.T) {
	for answer, want := range map[string]bool{"y\n": true, "Ja\n": true, "n\n": false, "\n": false, "": false, "yes": true} {
		ios, in, _, _ := output.Test()
		in.WriteString(answer)
		if got, err := Confirm(context.Background(), ios, "Sure?"); got != want || err != nil {
			t.Errorf("Confirm(%q) = %v, %v; want %v", answer, got, err, want)
		}
	}
}

// An interrupt while Confirm waits for an answer cancels at once.
func TestConfirmInterrupted(t *testing.T) {
	ios, _, _, _ := output.Test()
	r, w := io.Pipe()
	defer w.Close()
	ios.In = r
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { _, err := Confirm(ctx, ios, "Sure?"); errc <- err }()
	cancel()
	if err := <-errc; !errors.Is(err, ErrCancel) || !errors.Is(err, context.Canceled) {
		t.Errorf("Confirm after an interrupt: %v, want a cancel", err)
	}
}
