package reconi

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// DefaultPhoneRegion is the region assumed for phone numbers written without a
// country code.
const DefaultPhoneRegion = "NL"

// ParseNotifyEmail validates the address that receives a manager's receipt
// and confirmations (Submission.NotifyEmail), as ParseEmail does, naming the
// field notify_email.
func ParseNotifyEmail(s string) (string, error) {
	e, err := ParseEmail(s)
	if err != nil {
		return "", Invalid("notify_email", "%s", strings.TrimPrefix(ErrorMessage(err), "email: "))
	}
	return e, nil
}

// ParseEmail validates a bare email address (no display name) whose domain has
// a dot, and returns it with the domain in lower case.
func ParseEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", Invalid("email", "is empty: want an address like jan@example.nl")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 {
		return "", Invalid("email", "%q is not an email address: want an address like jan@example.nl", Excerpt(s))
	}
	at := strings.LastIndexByte(s, '@')
	domain := strings.ToLower(s[at+1:])
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", Invalid("email", "%q has no valid domain: want an address like jan@example.nl", Excerpt(s))
	}
	return s[:at+1] + domain, nil
}

// ParseMobile parses a phone number (region NL unless it has a country code)
// and returns it in E.164 if it is a mobile number, since a one-time code is
// sent to it by SMS.
func ParseMobile(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", Invalid("phone", "is empty: want a mobile number like 06 12345678 or +31 6 12345678")
	}
	// Most numbers in an import are Dutch mobiles; recognising them here
	// skips the library's regular expressions (see dutchMobileE164).
	if e, ok := dutchMobileE164(t); ok {
		return e, nil
	}
	return parseMobileLibrary(s, t)
}

// parseMobileLibrary is ParseMobile without the fast path: s as given, t
// trimmed and not empty.
func parseMobileLibrary(s, t string) (string, error) {
	n, err := phonenumbers.Parse(t, DefaultPhoneRegion)
	// GetNumberType is what IsValidNumber checks inside (UNKNOWN for an
	// invalid number); asking once halves the regex work on the import's
	// hottest path.
	typ := phonenumbers.UNKNOWN
	if err == nil {
		typ = phonenumbers.GetNumberType(n)
	}
	switch typ {
	case phonenumbers.UNKNOWN:
		return "", Invalid("phone", "%q is not a valid phone number: want a mobile number like 06 12345678 or +31 6 12345678", Excerpt(s))
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
	default:
		return "", Invalid("phone", "%q is not a mobile number: the SMS code goes there, want a mobile number like 06 12345678", Excerpt(s))
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// ParseName validates a first or last name: not empty, at most 100
// characters, plain text. Runs of whitespace (tabs and line breaks
// included) become one space; any other control character, and the
// bidirectional overrides that make text read in another order than it is
// stored, are refused: printed on a terminal they could clear the screen,
// write the clipboard, fake a link or disguise the name.
func ParseName(field, s string) (string, error) {
	t := strings.Join(strings.Fields(s), " ")
	if t == "" {
		return "", Invalid(field, "is empty: a name is required")
	}
	if !utf8.ValidString(t) {
		return "", Invalid(field, "is not valid UTF-8 text")
	}
	for _, r := range t {
		if unicode.IsControl(r) || isBidiControl(r) {
			return "", Invalid(field, "contains the control character %U: a name is plain text", r)
		}
	}
	if utf8.RuneCountInString(t) > 100 {
		return "", Invalid(field, "is longer than 100 characters")
	}
	return t, nil
}

// isBidiControl reports whether r is a bidirectional formatting character
// (marks, embeddings, overrides, isolates).
func isBidiControl(r rune) bool {
	return r == 0x061c || r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// Date is a calendar date without time or zone, written YYYY-MM-DD.
type Date string

// dateLayouts are the forms spreadsheets in the Netherlands and elsewhere save
// dates in. Month-first (US) forms are left out on purpose: 03/04/1990 would be
// ambiguous.
var dateLayouts = []string{"2006-01-02", "02-01-2006", "2-1-2006", "02/01/2006", "2/1/2006", "02.01.2006", "2006/01/02"}

// ParseDate accepts YYYY-MM-DD and the day-first forms DD-MM-YYYY, DD/MM/YYYY and
// DD.MM.YYYY, and rejects impossible dates (31-02) and dates in the future.
func ParseDate(field, s string, now time.Time) (Date, error) {
	t := strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		d, err := time.Parse(layout, t)
		if err != nil {
			continue
		}
		if d.After(now) {
			return "", Invalid(field, "%q is in the future", Excerpt(s))
		}
		if d.Year() < 1900 {
			return "", Invalid(field, "%q is before 1900", Excerpt(s))
		}
		return Date(d.Format("2006-01-02")), nil
	}
	return "", Invalid(field, "%q is not a date: want YYYY-MM-DD (or DD-MM-YYYY), a day that exists", Excerpt(s))
}

// ParseBool accepts the spellings spreadsheets and people use, in English and
// Dutch: true/false, yes/no, ja/nee, waar/onwaar, y/n, j/n, 1/0.
func ParseBool(field, s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "ja", "waar", "y", "j", "1":
		return true, nil
	case "false", "no", "nee", "onwaar", "n", "0":
		return false, nil
	}
	return false, Invalid(field, "%q is not a yes/no value: want true/false, yes/no, ja/nee or 1/0", Excerpt(s))
}

// UserFields are one user's fields as entered: a form, a CSV row, a
// manifest entry.
type UserFields struct {
	FirstName, LastName, Email, Phone, DateOfBirth string
	// Employed is a yes/no text (see ParseBool); it is required.
	Employed string
}

// ParseUser checks every field of one user and returns all problems at
// once, each naming its field by the CSV column name and what is allowed.
func ParseUser(f UserFields, now time.Time) (User, []RowError) {
	var u User
	var errs []RowError
	check := func(field, value string, err error) {
		if err != nil {
			// The domain message starts with the field; the row error
			// names the field on its own.
			msg := strings.TrimPrefix(ErrorMessage(err), field+": ")
			errs = append(errs, RowError{Field: field, Value: Excerpt(value), Message: msg})
		}
	}
	for _, t := range [][2]string{{"first_name", f.FirstName}, {"last_name", f.LastName}, {"email", f.Email},
		{"phone", f.Phone}, {"date_of_birth", f.DateOfBirth}, {"employed", f.Employed}} {
		if err := CheckText(t[0], t[1]); err != nil {
			check(t[0], t[1], err)
			return u, errs
		}
	}
	var err error
	u.FirstName, err = ParseName("first_name", f.FirstName)
	check("first_name", f.FirstName, err)
	u.LastName, err = ParseName("last_name", f.LastName)
	check("last_name", f.LastName, err)
	u.Email, err = ParseEmail(f.Email)
	check("email", f.Email, err)
	u.Phone, err = ParseMobile(f.Phone)
	check("phone", f.Phone, err)
	if f.DateOfBirth != "" {
		u.DateOfBirth, err = ParseDate("date_of_birth", f.DateOfBirth, now)
		check("date_of_birth", f.DateOfBirth, err)
	}
	if f.Employed == "" {
		check("employed", "", Invalid("employed", "is empty: say whether the user is employed by the organisation (true/false, yes/no, ja/nee, 1/0)"))
	} else {
		u.Employed, err = ParseBool("employed", f.Employed)
		check("employed", f.Employed, err)
	}
	return u, errs
}
