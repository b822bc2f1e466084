package reconi

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// parseMobileLibraryOnly is ParseMobile as it was before the fast path: the
// phonenumbers library decides every input.
func parseMobileLibraryOnly(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return ParseMobile(s) // the empty case does not reach either path
	}
	return parseMobileLibrary(s, t)
}

// sameAsLibrary reports a difference between ParseMobile and the library
// alone for in, and whether the fast path took in.
func sameAsLibrary(t testing.TB, in string) (fast bool) {
	t.Helper()
	got, gerr := ParseMobile(in)
	want, werr := parseMobileLibraryOnly(in)
	if got != want || errText(gerr) != errText(werr) {
		t.Errorf("ParseMobile(%q) = %q, %v; the library alone gives %q, %v", in, got, gerr, want, werr)
	}
	_, fast = dutchMobileE164(strings.TrimSpace(in))
	if fast && werr != nil {
		t.Errorf("fast path accepts %q, which the library rejects: %v", in, werr)
	}
	return fast
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return string(ErrorKind(err)) + ": " + err.Error()
}

// mobileForms writes the 9-digit national number n ("612345678") the ways
// people, spreadsheets and phones do, and some ways they do not.
func mobileForms(n string) []string {
	a, b := n[:1], n[1:]                                     // "6", "12345678"
	p := n[1:3] + " " + n[3:5] + " " + n[5:7] + " " + n[7:9] // "12 34 56 78"
	return []string{
		"0" + n, n, "0" + a + "-" + b, "0" + a + " " + b, "0" + a + " " + p,
		"0" + a + "-" + n[1:5] + " " + n[5:], "(0" + a + ") " + b, "(0" + a + ")-" + b,
		"(0" + a + ")" + b, "0" + a + "." + strings.ReplaceAll(p, " ", "."), "0" + a + "/" + b,
		"0" + a + " - " + b, " 0" + n + " ", "\t0" + n + "\n", "-0" + n + "-", "(0" + n + ")",
		"+31" + n, "+31 " + a + " " + b, "+31 " + a + " " + p, "+31-" + a + "-" + b,
		"+31 (0)" + a + " " + b, "+31(0)" + n, "+310" + n, "+31 0" + n, "(+31) " + n,
		"+(31) " + a + " " + b, "+ 31 " + n, "+31.6." + b, "0031 " + a + " " + b,
		"0031" + n, "00 31 " + n, "0031 (0)" + a + " " + b, "00310" + n, "31" + n,
		"31 " + a + " " + b, "310" + n, "31 (0)" + n, "(0031) " + n, "+31/" + n,
		// Not fast-path forms: the library decides.
		"++31" + n, "+0031" + n, "+31 00" + n, "000" + n, "00" + n, "0310" + n,
		"+3131" + n, "3131" + n, "0031 31 " + n, "+31 0 0" + n, "0 0" + n,
		"0" + a + "\u00a0" + b, "0" + a + "\u2013" + b, "0" + a + "\t" + b, "0" + a + "_" + b,
		"0" + a + "," + b, "0" + a + ";" + b, "0" + a + "#" + b, "0" + n + "#", "0" + n + " #",
		"0" + a + "-" + b + " ext 12", "0" + a + "-" + b + " x12", "0" + n + ";ext=1",
		"0" + n + ",,12", "0" + n + "/x2", "0" + n + "/0" + n, "tel:+31" + n,
		"tel:0" + n + ";phone-context=+31", "+31" + n + ";isub=12", "＋31" + n,
		"0" + n + "\x00", "\x000" + n, "0" + a + "\x00" + b, "0" + n[:8], "0" + n + "1",
		"+31" + n[:8], "+31" + n + "1", "0" + n + "a", "a0" + n, "0" + a + "-" + b[:7] + "O",
		"0" + a + " " + strings.Repeat(" ", 60) + b, "0" + a + strings.Repeat("-", 260) + b,
		toDigits("0"+n, '０'), toDigits("0"+n, '٠'), toDigits("0"+n, '۰'), "+31" + toDigits(n, '０'),
		"06 " + b, // 06 and then the 8 digits of n after its 6
	}
}

// toDigits writes the ASCII digits of s with the digits starting at zero.
func toDigits(s string, zero rune) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return zero + r - '0'
		}
		return r
	}, s)
}

// mutate makes a near miss of s: a character inserted, deleted, doubled or
// replaced.
func mutate(r *rand.Rand, s string) string {
	const alphabet = "0123456789 +-.()/#,;xX*~a\t\x00\u00a0０٠\u200b"
	runes := []rune(s)
	alpha := []rune(alphabet)
	i := r.IntN(len(runes) + 1)
	c := alpha[r.IntN(len(alpha))]
	switch r.IntN(4) {
	case 0:
		runes = append(runes[:i], append([]rune{c}, runes[i:]...)...)
	case 1:
		if i < len(runes) {
			runes = append(runes[:i], runes[i+1:]...)
		}
	case 2:
		if i < len(runes) {
			runes = append(runes[:i+1], runes[i:]...)
		}
	default:
		if i < len(runes) {
			runes[i] = c
		}
	}
	return string(runes)
}

// TestParseMobileFastPathMatchesLibrary compares ParseMobile with the
// library alone: every 06-xy prefix with random tails in every form of
// mobileForms, every 06-xyz prefix with a random tail in some of them, every
// other two-digit start of a national number in every form, each input also
// with a random near miss.
func TestParseMobileFastPathMatchesLibrary(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 1))
	tails, some := 2, 12
	if testing.Short() {
		tails, some = 1, 4
	}
	var inputs, fast int
	check := func(in string) {
		inputs++
		if sameAsLibrary(t, in) {
			fast++
		}
	}
	digits := func(k int) string {
		b := make([]byte, k)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		return string(b)
	}
	all := func(n string) {
		for _, in := range mobileForms(n) {
			check(in)
			check(mutate(r, in))
		}
	}
	for p := range 100 { // 600xxxxxx … 699xxxxxx
		for range tails {
			all("6" + pad3(p)[1:] + digits(6))
		}
	}
	for p := range 1000 { // 6000xxxxx … 6999xxxxx
		forms := mobileForms("6" + pad3(p) + digits(5))
		for range some {
			in := forms[r.IntN(len(forms))]
			check(in)
			check(mutate(r, in))
		}
	}
	for p := 10; p < 100; p++ { // 1xxxxxxxx … 9xxxxxxxx
		if p/10 != 6 {
			all(pad3(p)[1:] + digits(7))
		}
	}
	for _, n := range []string{"612345678", "600000000", "699999999", "970123456", "97012345678", "661234567"} {
		all(n)
	}
	for _, in := range fastPathSeeds {
		check(in)
	}
	t.Logf("%d inputs compared, %d of them on the fast path", inputs, fast)
	// The fast path must not have been bypassed by accident.
	for _, p := range "123458" {
		if _, ok := dutchMobileE164("06" + string(p) + "1234567"); !ok {
			t.Errorf("fast path refuses 06%c1234567", p)
		}
	}
}

func pad3(p int) string {
	return string([]byte{byte('0' + p/100), byte('0' + p/10%10), byte('0' + p%10)})
}

// fastPathSeeds are inputs near the fast path's edges.
var fastPathSeeds = []string{
	"", " ", "+", "++", "0", "06", "+31", "0031", "31", "()", "(06)", "+31 (0)", "0031 0",
	"0612345678", "06-12345678", "06 12 34 56 78", "+31 6 12345678", "+31 (0)6 12345678",
	"0031 6 12345678", "31612345678", "612345678", "310612345678", "0031061234 5678",
	"0660000000", "0670000000", "0690000000", "0600000000", "0697000000", "0970 12345678",
	"+31 970 12345678", "06 1234567", "06 123456789", "+31 6 1234567", "+31 6 123456789",
	"066 1234567", "+31 66 1234567", "06\x0012345678", "０６１２３４５６７８", "٠٦١٢٣٤٥٦٧٨",
	"06 12345678 ext. 9", "06-12345678#", "06-1234 5678 #", "06 12345678 - 12#", "06/x12345678",
	"+31 6 12345678 / +31 6 87654321", "+316123456780031", "0031+612345678", "6+0612345678",
	"06 12345678" + strings.Repeat(" ", 60) + "x", strings.Repeat("(", 64) + "0612345678",
	strings.Repeat("-", 55) + "0612345678", strings.Repeat("-", 54) + "0612345678",
	"0612345678" + strings.Repeat(")", 240), "0612345678" + strings.Repeat(")", 241),
	"\u00a00612345678\u00a0", "\u200b0612345678", "06\u00ad12345678", "+31612345678\u2028",
}

// FuzzParseMobileFastPath checks that the fast path changes nothing:
// ParseMobile gives the library's answer for any input.
func FuzzParseMobileFastPath(f *testing.F) {
	for _, s := range fastPathSeeds {
		f.Add(s)
	}
	for _, s := range mobileForms("612345678") {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sameAsLibrary(t, in)
	})
}
