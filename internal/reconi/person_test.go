package reconi_test

import (
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

func TestParseEmail(t *testing.T) {
	for in, want := range map[string]string{
		"jan@example.nl":               "jan@example.nl",
		" jan@example.nl ":             "jan@example.nl",
		"Jan.Jansen@Example.NL":        "Jan.Jansen@example.nl", // the local part keeps its case
		"j.de-vries+reconi@mail.co.uk": "j.de-vries+reconi@mail.co.uk",
		"o'brien@example.ie":           "o'brien@example.ie",
	} {
		got, err := reconi.ParseEmail(in)
		if err != nil || got != want {
			t.Errorf("ParseEmail(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, why := range map[string]string{
		"":                                       "is empty",
		"   ":                                    "is empty",
		"jan":                                    "not an email address",
		"jan@":                                   "not an email address",
		"@example.nl":                            "not an email address",
		"jan@@example.nl":                        "not an email address",
		"jan example@example.nl":                 "not an email address",
		"Jan <jan@example.nl>":                   "not an email address", // a display name is not an address
		"jan@example.nl, piet@x.nl":              "not an email address",
		"jan@localhost":                          "no valid domain",
		"jan@example.":                           "not an email address",
		"jan@.example.nl":                        "not an email address",
		strings.Repeat("a", 250) + "@example.nl": "not an email address",
	} {
		_, err := reconi.ParseEmail(in)
		wantInvalid(t, err, "email", why, "jan@example.nl")
	}
}

func TestParseMobile(t *testing.T) {
	for in, want := range map[string]string{
		"+31 6 12345678":    "+31612345678",
		"+31612345678":      "+31612345678",
		"06-12345678":       "+31612345678",
		"06 12 34 56 78":    "+31612345678",
		"0612345678":        "+31612345678",
		"0031 6 12345678":   "+31612345678",
		"0031612345678":     "+31612345678",
		"(06) 12345678":     "+31612345678",
		"+32 470 12 34 56":  "+32470123456", // Belgian mobile: kept Belgian
		"+44 7911 123456":   "+447911123456",
		"  +31 6 87654321 ": "+31687654321",
	} {
		got, err := reconi.ParseMobile(in)
		if err != nil || got != want {
			t.Errorf("ParseMobile(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, why := range map[string]string{
		"020 1234567":     "not a mobile number", // Amsterdam landline
		"+31 20 123 4567": "not a mobile number",
		"030-1234567":     "not a mobile number",
		"0800 0123":       "not a mobile number", // free phone
		"+32 2 555 12 12": "not a mobile number", // Brussels landline
		"":                "is empty",
		" ":               "is empty",
		"12345":           "not a valid phone number",
		"06 1234":         "not a valid phone number",
		"06 123456789":    "not a valid phone number",
		"call me":         "not a valid phone number",
		"+999 6 12345678": "not a valid phone number",
	} {
		_, err := reconi.ParseMobile(in)
		wantInvalid(t, err, "phone", why, "mobile number like 06 12345678")
	}
}

func TestParseName(t *testing.T) {
	for in, want := range map[string]string{
		"Jan":                    "Jan",
		"  Jan  ":                "Jan",
		"van  der\tBerg":         "van der Berg",
		"Zoë":                    "Zoë",
		strings.Repeat("é", 100): strings.Repeat("é", 100), // characters, not bytes
	} {
		got, err := reconi.ParseName("first_name", in)
		if err != nil || got != want {
			t.Errorf("ParseName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	_, err := reconi.ParseName("last_name", " \t ")
	wantInvalid(t, err, "last_name", "is empty")
	_, err = reconi.ParseName("first_name", strings.Repeat("a", 101))
	wantInvalid(t, err, "first_name", "100 characters")
}

// A name that would act on a terminal is refused at input, naming the
// character and never printing it.
func TestParseNameRefusesControlCharacters(t *testing.T) {
	for in, char := range map[string]string{
		"Jan\x1b[2J":                            "U+001B", // clear the screen
		"\x1b]52;c;aGFja2Vk\x07Jan":             "U+001B", // OSC 52: write the clipboard
		"\x1b]8;;https://evil.example\x1b\\Jan": "U+001B", // OSC 8: a fake link
		"Jan\x07":                               "U+0007", // BEL
		"Jan\x08\x08\x08Kees":                   "U+0008", // backspace over it
		"Jan\u009b2J":                           "U+009B", // C1 CSI
		"Jan\x7f":                               "U+007F",
		"\u202enasnaJ":                          "U+202E", // right-to-left override
		"Jan\u2066":                             "U+2066", // isolate
	} {
		got, err := reconi.ParseName("last_name", in)
		if err == nil {
			t.Errorf("ParseName(%q) = %q, want an error", in, got)
			continue
		}
		if msg := reconi.ErrorMessage(err); msg != "last_name: contains the control character "+char+": a name is plain text" {
			t.Errorf("ParseName(%q): %s", in, msg)
		}
	}
	_, err := reconi.ParseName("first_name", "Jan\xff")
	wantInvalid(t, err, "first_name", "not valid UTF-8")
	// Line breaks are whitespace, made one space as before.
	if got, err := reconi.ParseName("first_name", "Jan\r\nPeter"); err != nil || got != "Jan Peter" {
		t.Errorf("ParseName(Jan CRLF Peter) = %q, %v", got, err)
	}
}

func TestParseDate(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	for in, want := range map[string]reconi.Date{
		"1985-04-15":   "1985-04-15",
		"15-04-1985":   "1985-04-15",
		"5-4-1985":     "1985-04-05",
		"15/04/1985":   "1985-04-15",
		"5/4/1985":     "1985-04-05",
		"15.04.1985":   "1985-04-15",
		"1985/04/15":   "1985-04-15",
		" 29-02-2024 ": "2024-02-29", // a leap day
		"2026-03-02":   "2026-03-02", // today
		"1900-01-01":   "1900-01-01",
	} {
		got, err := reconi.ParseDate("date_of_birth", in, now)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for in, why := range map[string]string{
		"31-02-2023":    "not a date",
		"2023-02-30":    "not a date",
		"29-02-2023":    "not a date", // not a leap year
		"2023-13-01":    "not a date",
		"00-01-2000":    "not a date",
		"":              "not a date",
		"04/15/1985":    "not a date", // month first is not accepted
		"15 april 1985": "not a date",
		"1985-4-15x":    "not a date",
		"2026-03-03":    "in the future",
		"03-03-2026":    "in the future",
		"1899-12-31":    "before 1900",
	} {
		_, err := reconi.ParseDate("date_of_birth", in, now)
		wantInvalid(t, err, "date_of_birth", why)
		if why == "not a date" {
			wantInvalid(t, err, "date_of_birth", "YYYY-MM-DD")
		}
	}
}

func TestParseBool(t *testing.T) {
	for _, in := range []string{"true", "TRUE", "yes", "Ja", "waar", "y", "J", "1", " ja "} {
		if got, err := reconi.ParseBool("employed", in); err != nil || !got {
			t.Errorf("ParseBool(%q) = %v, %v; want true", in, got, err)
		}
	}
	for _, in := range []string{"false", "False", "no", "NEE", "onwaar", "n", "N", "0"} {
		if got, err := reconi.ParseBool("employed", in); err != nil || got {
			t.Errorf("ParseBool(%q) = %v, %v; want false", in, got, err)
		}
	}
	for _, in := range []string{"", "maybe", "2", "yes!", "t"} {
		_, err := reconi.ParseBool("employed", in)
		wantInvalid(t, err, "employed", "true/false", "yes/no", "ja/nee", "1/0")
	}
}
