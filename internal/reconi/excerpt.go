package reconi

import "unicode/utf8"

// excerptBytes is how much of a value an error message repeats.
const excerptBytes = 64

// Excerpt returns the start of s to repeat in an error message: at most 64
// bytes, cut at a rune boundary, with "…" when something was cut. Print it
// with %q, so that control characters and invalid UTF-8 come out escaped.
// A message never echoes a hostile value whole (a 512 MB cell, say).
func Excerpt(s string) string {
	if len(s) <= excerptBytes {
		return s
	}
	cut := excerptBytes
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
