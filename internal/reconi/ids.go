package reconi

import (
	"fmt"
	"strconv"
	"strings"
)

// KVK is a Chamber of Commerce number: exactly 8 digits, leading zeros kept,
// no checksum.
type KVK string

// ParseKVK validates s as a KvK number. Spaces and dots, as people type them
// ("6959 9084"), are ignored.
func ParseKVK(s string) (KVK, error) {
	d := stripSeparators(s)
	if len(d) != 8 || !allDigits(d) {
		return "", Invalid("kvk", "%q is not a KvK number: want exactly 8 digits, like 69599084", Excerpt(s))
	}
	return KVK(d), nil
}

// BranchNumber is a vestigingsnummer: exactly 12 digits.
type BranchNumber string

// ParseBranch validates s as a branch (establishment) number.
func ParseBranch(s string) (BranchNumber, error) {
	d := stripSeparators(s)
	if len(d) != 12 || !allDigits(d) {
		return "", Invalid("branch", "%q is not a branch number (vestigingsnummer): want exactly 12 digits, like 000037178598", Excerpt(s))
	}
	return BranchNumber(d), nil
}

// OIN is the 20-digit identification number of a government organisation.
type OIN string

// ParseOIN validates s as an OIN.
func ParseOIN(s string) (OIN, error) {
	if len(s) != 20 || !allDigits(s) {
		return "", Invalid("oin", "%q is not an OIN: want exactly 20 digits", Excerpt(s))
	}
	return OIN(s), nil
}

// ServiceID identifies a service: urn:etoegang:DV:<OIN>:services:<index ≥ 1>.
type ServiceID string

const serviceIDPrefix = "urn:etoegang:DV:"

// ParseServiceID validates s as a ServiceID URN.
func ParseServiceID(s string) (ServiceID, error) {
	bad := Invalid("service", "%q is not a ServiceID: want urn:etoegang:DV:<OIN, 20 digits>:services:<index ≥ 1>", Excerpt(s))
	rest, ok := strings.CutPrefix(s, serviceIDPrefix)
	if !ok {
		return "", bad
	}
	oin, idx, ok := strings.Cut(rest, ":services:")
	if !ok {
		return "", bad
	}
	if _, err := ParseOIN(oin); err != nil {
		return "", bad
	}
	n, err := strconv.Atoi(idx)
	if err != nil || n < 1 || strconv.Itoa(n) != idx {
		return "", bad
	}
	return ServiceID(s), nil
}

// OIN returns the OIN of the service's provider.
func (id ServiceID) OIN() OIN {
	rest := strings.TrimPrefix(string(id), serviceIDPrefix)
	oin, _, _ := strings.Cut(rest, ":")
	return OIN(oin)
}

// Level is an eHerkenning assurance level.
type Level string

const (
	EH2     Level = "EH2"
	EH2Plus Level = "EH2+"
	EH3     Level = "EH3"
	EH4     Level = "EH4"
)

// Levels lists every level in ascending order.
var Levels = []Level{EH2, EH2Plus, EH3, EH4}

// WizardLevels are the levels the add-users wizard offers.
var WizardLevels = []Level{EH2, EH2Plus, EH3}

// ParseLevel accepts EH2, EH2+, EH3, EH4 in any case, and the SAML forms
// (loa2plus, or the full AuthnContextClassRef). EH1 is refused with its history.
func ParseLevel(s string) (Level, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "URN:ETOEGANG:CORE:ASSURANCE-CLASS:")
	switch t {
	case "EH2", "LOA2":
		return EH2, nil
	case "EH2+", "EH2PLUS", "LOA2PLUS", "LOA2+":
		return EH2Plus, nil
	case "EH3", "LOA3":
		return EH3, nil
	case "EH4", "LOA4":
		return EH4, nil
	case "EH1", "LOA1":
		return "", Invalid("level", "EH1 was retired on 1 July 2021; choose EH2, EH2+ or EH3")
	}
	return "", Invalid("level", "%q is not an assurance level: want EH2, EH2+, EH3 or EH4", Excerpt(s))
}

// Rank orders levels: EH2 < EH2+ < EH3 < EH4. Unknown levels rank 0.
func (l Level) Rank() int {
	for i, x := range Levels {
		if x == l {
			return i + 1
		}
	}
	return 0
}

// Satisfies reports whether a means at level l may be used for a service that
// requires level req.
func (l Level) Satisfies(req Level) bool { return l.Rank() >= req.Rank() }

// AuthnContextClassRef is the SAML assurance class of the level.
func (l Level) AuthnContextClassRef() string {
	suffix := map[Level]string{EH2: "loa2", EH2Plus: "loa2plus", EH3: "loa3", EH4: "loa4"}[l]
	return "urn:etoegang:core:assurance-class:" + suffix
}

// ValidityYears are the validity periods on offer.
var ValidityYears = []int{1, 3, 5}

// ParseValidity accepts 1y, 3y, 5y (and the bare numbers).
func ParseValidity(s string) (int, error) {
	t := strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "y")
	n, err := strconv.Atoi(t)
	if err == nil {
		for _, v := range ValidityYears {
			if v == n {
				return n, nil
			}
		}
	}
	return 0, Invalid("validity", "%q is not offered: want 1y, 3y or 5y (permissions are valid for at most 5 years)", Excerpt(s))
}

func stripSeparators(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '.' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// FormatCents renders integer euro cents as "€1,234.50".
func FormatCents(c int64) string {
	sign, u := "", uint64(c)
	if c < 0 {
		// Negated in uint64: -math.MinInt64 does not fit an int64.
		sign, u = "-", -u
	}
	euros := strconv.FormatUint(u/100, 10)
	var b strings.Builder
	for i, r := range euros {
		if i > 0 && (len(euros)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return fmt.Sprintf("%s€%s.%02d", sign, b.String(), u%100)
}

// Years says a validity in words: "1 year", "3 years".
func Years(n int) string {
	if n == 1 {
		return "1 year"
	}
	return strconv.Itoa(n) + " years"
}
