package reconi

// dutchMobileE164 is a fast path for ParseMobile: it recognises the common
// ways of writing a Dutch mobile number and returns it in E.164, or reports
// ok=false for anything else, which then goes to the phonenumbers library.
// It never rejects: every input it does not accept is the library's to judge.
//
// It accepts (s already trimmed by strings.TrimSpace, at most 64 bytes):
// separators ' ', '-', '.', '/', '(' and ')' anywhere, an optional '+' as
// the first character that is not a separator, and otherwise only ASCII
// digits, which must spell
//
//	0N, N                          (national; N written without its 0, as
//	                                spreadsheets that read it as a number do)
//	+31 N, +31 0N                  (international, "+31 (0)6 …" included)
//	0031 N, 0031 0N, 31 N, 31 0N   (international without the plus)
//
// where N is a 9-digit national number 6[1-58]xxxxxxx: the numbers the
// library's NL metadata classifies as MOBILE (mobile pattern
// (?:6[1-58]|970\d)\d{7}; 066 is the pager range and 067 and 069 are not
// in use). The M2M range 0970… is left to the library. The library does
// the same with each of these inputs: it skips separators (all of them are
// in its VALID_PUNCTUATION, and none starts an extension), takes 00 as the
// international prefix, takes a leading 31 as the country code when the
// rest is a valid NL number, and strips the national prefix 0 after the
// country code. TestParseMobileFastPathMatchesLibrary and
// FuzzParseMobileFastPath check that the results are identical.
func dutchMobileE164(s string) (string, bool) {
	// The library refuses inputs over 250 bytes; real numbers are far
	// shorter.
	if len(s) > 64 {
		return "", false
	}
	var d [16]byte // the digits, without separators
	n := 0
	plus, started := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if n == len(d) {
				return "", false
			}
			d[n] = c
			n++
			started = true
		case c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')':
		case c == '+' && !started:
			started, plus = true, true
		default:
			return "", false
		}
	}
	digits := d[:n]
	// Strip the country code (required after a plus, optional without),
	// then one national prefix 0.
	switch {
	case plus:
		if n < 2 || digits[0] != '3' || digits[1] != '1' {
			return "", false
		}
		digits = digits[2:]
	case n >= 4 && string(digits[:4]) == "0031":
		digits = digits[4:]
	case n >= 2 && digits[0] == '3' && digits[1] == '1':
		digits = digits[2:]
	}
	if len(digits) == 10 && digits[0] == '0' {
		digits = digits[1:]
	}
	if len(digits) != 9 || digits[0] != '6' {
		return "", false
	}
	switch digits[1] {
	case '1', '2', '3', '4', '5', '8':
	default:
		return "", false
	}
	var e [12]byte
	copy(e[:], "+31")
	copy(e[3:], digits)
	return string(e[:]), true
}
