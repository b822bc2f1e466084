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
	id, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(s), "#"), 10, 64)
	if err != nil || id <= 0 {
		return 0, reconi.Invalid("user", "%q is not a user ID: want a positive number like 17 (see reconi status APP_ID or reconi review list)", s)
	}
	return id, nil
}
