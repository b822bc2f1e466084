package cmdutil

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// Confirm asks a yes/no question on the terminal; anything but yes (or ja)
// is no. An interrupt while it waits (ctx ends: SIGINT in cmd.Main) is a
// cancel, at once. Callers check IOStreams.CanPrompt first.
func Confirm(ctx context.Context, ios *output.IOStreams, question string) (bool, error) {
	fmt.Fprintf(ios.ErrOut, "%s [y/N] ", question)
	type answer struct {
		line string
		err  error
	}
	// The read cannot be interrupted; when ctx ends first it is abandoned,
	// as the process is on its way out.
	got := make(chan answer, 1)
	go func() {
		line, err := bufio.NewReader(ios.In).ReadString('\n')
		got <- answer{line, err}
	}()
	var a answer
	select {
	case a = <-got:
	case <-ctx.Done():
		fmt.Fprintln(ios.ErrOut)
		return false, fmt.Errorf("%w (%w)", ErrCancel, ctx.Err())
	}
	if a.err != nil && a.line == "" {
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(a.line)) {
	case "y", "yes", "j", "ja":
		return true, nil
	}
	return false, nil
}

// ParseUserID parses a user's ID as printed by status and review list.
func ParseUserID(s string) (int64, error) {
	return parseID(s, "user", "a user ID", "17", " (see reconi status APP_ID or reconi review list)")
}

// ParseMessageID reads a message ID as typed: "12" or "#12".
func ParseMessageID(s string) (int64, error) {
	return parseID(s, "id", "a message ID", "3", " (see reconi outbox list)")
}

// parseID reads a positive ID, with or without a leading "#"; the error
// names field and says what was expected and where to find one.
func parseID(s, field, what, example, hint string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, reconi.Invalid(field, "%q is not %s: want a positive number like %s%s", s, what, example, hint)
	}
	return id, nil
}
