package cmdutil

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"

	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
)

// Confirm asks a yes/no question on the terminal; anything but yes (or ja)
// is no. Callers check IOStreams.CanPrompt first.
func Confirm(ios *output.IOStreams, question string) (bool, error) {
	fmt.Fprintf(ios.ErrOut, "%s [y/N] ", question)
	line, err := bufio.NewReader(ios.In).ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
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
