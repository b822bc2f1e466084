package output

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Safe returns s with what a terminal would act on instead of show
// written out as escapes: control characters but tab and newline (ESC, so
// also OSC 8 links and OSC 52 clipboard writes, BEL, CR, backspace, DEL,
// the C1 range and its CSI), bidirectional overrides and isolates, which
// make text read in another order than it is stored, and bytes that are not
// UTF-8. Text from users (names, notes, file names, messages) goes through
// it before it reaches a terminal; Table, PrintKV, Warnf and Successf do it
// themselves. Machine formats (-o json|yaml|csv) are not touched: their
// encoders quote what they must, and scripts get the data as stored.
func Safe(s string) string {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unsafeRune(r, size) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x80 && unsafeRune(r, size):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r, size):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unsafeRune reports whether r (decoded from size bytes) must not reach a
// terminal as it is.
func unsafeRune(r rune, size int) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r == utf8.RuneError && size == 1:
		return true
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
		return true
	}
	return IsBidiControl(r)
}

// IsBidiControl reports whether r is a bidirectional formatting character:
// the marks, embeddings, overrides and isolates that reorder the text
// around them (the "Trojan Source" characters).
func IsBidiControl(r rune) bool {
	switch {
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
