package reconi_test

import (
	"math"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// wantInvalid checks that err is an invalid-input error whose message names
// field and contains every one of want.
func wantInvalid(t *testing.T, err error, field string, want ...string) {
	t.Helper()
	if k := reconi.ErrorKind(err); k != reconi.KindInvalid {
		t.Fatalf("kind = %q, want invalid (error: %v)", k, err)
	}
	msg := reconi.ErrorMessage(err)
	if !strings.HasPrefix(msg, field+": ") {
		t.Errorf("message %q does not start with the field %q", msg, field)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("message %q does not contain %q", msg, w)
		}
	}
}

func TestParseKVK(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"69599084", "69599084"},
		{"01234567", "01234567"}, // leading zero kept
		{"00000000", "00000000"},
		{" 6959 9084 ", "69599084"},
		{"6959.9084", "69599084"},
	} {
		got, err := reconi.ParseKVK(tc.in)
		if err != nil || string(got) != tc.want {
			t.Errorf("ParseKVK(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "1234567", "123456789", "1234567a", "6959-9084", "１２３４５６７８", "-1234567", "+1234567"} {
		_, err := reconi.ParseKVK(in)
		wantInvalid(t, err, "kvk", "8 digits")
	}
}

func TestParseBranch(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"000037178598", "000037178598"},
		{"0000 3717 8598", "000037178598"},
		{"123456789012", "123456789012"},
	} {
		got, err := reconi.ParseBranch(tc.in)
		if err != nil || string(got) != tc.want {
			t.Errorf("ParseBranch(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", "37178598", "00003717859", "0000371785980", "00003717859x", "69599084"} {
		_, err := reconi.ParseBranch(in)
		wantInvalid(t, err, "branch", "12 digits")
	}
}

func TestParseOIN(t *testing.T) {
	if got, err := reconi.ParseOIN("00000001000000000001"); err != nil || got != "00000001000000000001" {
		t.Errorf("ParseOIN = %q, %v", got, err)
	}
	for _, in := range []string{"", "0000000100000000001", "000000010000000000011", "0000000100000000000a", " 00000001000000000001"} {
		_, err := reconi.ParseOIN(in)
		wantInvalid(t, err, "oin", "20 digits")
	}
}

func TestParseServiceID(t *testing.T) {
	const oin = "00000001000000000005"
	for _, in := range []string{
		"urn:etoegang:DV:" + oin + ":services:1",
		"urn:etoegang:DV:" + oin + ":services:42",
	} {
		got, err := reconi.ParseServiceID(in)
		if err != nil || string(got) != in {
			t.Errorf("ParseServiceID(%q) = %q, %v", in, got, err)
		}
		if got.OIN() != oin {
			t.Errorf("%s.OIN() = %q, want %s", got, got.OIN(), oin)
		}
	}
	for _, in := range []string{
		"",
		"urn:etoegang:DV:" + oin + ":services:0", // index starts at 1
		"urn:etoegang:DV:" + oin + ":services:01", // no leading zeros
		"urn:etoegang:DV:" + oin + ":services:+1",
		"urn:etoegang:DV:" + oin + ":services:-1",
		"urn:etoegang:DV:" + oin + ":services:",
		"urn:etoegang:DV:" + oin + ":services:1x",
		"urn:etoegang:DV:" + oin + ":service:1",
		"urn:etoegang:DV:0000000100000000005:services:1", // OIN of 19 digits
		"urn:etoegang:dv:" + oin + ":services:1",
		"urn:etoegang:DV:" + oin,
		"RVO",
	} {
		_, err := reconi.ParseServiceID(in)
		wantInvalid(t, err, "service", "urn:etoegang:DV:", "20 digits", "index ≥ 1")
	}
}

func TestParseLevel(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want reconi.Level
	}{
		{"EH2", reconi.EH2}, {"eh2", reconi.EH2}, {"loa2", reconi.EH2},
		{"EH2+", reconi.EH2Plus}, {"eh2+", reconi.EH2Plus}, {"loa2plus", reconi.EH2Plus}, {"EH2PLUS", reconi.EH2Plus},
		{"urn:etoegang:core:assurance-class:loa2plus", reconi.EH2Plus},
		{"EH3", reconi.EH3}, {" eh3 ", reconi.EH3}, {"LOA3", reconi.EH3},
		{"EH4", reconi.EH4}, {"loa4", reconi.EH4},
	} {
		got, err := reconi.ParseLevel(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseLevel(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"EH1", "eh1", "loa1"} {
		_, err := reconi.ParseLevel(in)
		wantInvalid(t, err, "level", "EH1", "retired", "1 July 2021", "EH2, EH2+ or EH3")
	}
	for _, in := range []string{"", "EH5", "EH", "2", "EH2++", "substantial"} {
		_, err := reconi.ParseLevel(in)
		wantInvalid(t, err, "level", "EH2, EH2+, EH3 or EH4")
	}
}

func TestLevelOrder(t *testing.T) {
	for i, l := range reconi.Levels {
		if l.Rank() != i+1 {
			t.Errorf("%s.Rank() = %d, want %d", l, l.Rank(), i+1)
		}
		for j, req := range reconi.Levels {
			if got := l.Satisfies(req); got != (i >= j) {
				t.Errorf("%s.Satisfies(%s) = %v", l, req, got)
			}
		}
	}
	if reconi.Level("EH1").Rank() != 0 {
		t.Error("an unknown level must rank 0")
	}
	for l, want := range map[reconi.Level]string{reconi.EH2: "loa2", reconi.EH2Plus: "loa2plus", reconi.EH3: "loa3", reconi.EH4: "loa4"} {
		if got := l.AuthnContextClassRef(); got != "urn:etoegang:core:assurance-class:"+want {
			t.Errorf("%s.AuthnContextClassRef() = %q", l, got)
		}
		if back, err := reconi.ParseLevel(l.AuthnContextClassRef()); err != nil || back != l {
			t.Errorf("ParseLevel(%q) = %q, %v", l.AuthnContextClassRef(), back, err)
		}
	}
}

func TestParseValidity(t *testing.T) {
	for in, want := range map[string]int{"1y": 1, "3y": 3, "5y": 5, "1": 1, "5": 5, " 3Y ": 3} {
		got, err := reconi.ParseValidity(in)
		if err != nil || got != want {
			t.Errorf("ParseValidity(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0y", "2y", "4", "6y", "10y", "y", "1m", "-1y"} {
		_, err := reconi.ParseValidity(in)
		wantInvalid(t, err, "validity", "1y, 3y or 5y", "at most 5 years")
	}
}

func TestFormatCents(t *testing.T) {
	for c, want := range map[int64]string{
		0:                 "€0.00",
		5:                 "€0.05",
		99:                "€0.99",
		100:               "€1.00",
		29040:             "€290.40",
		123456:            "€1,234.56",
		100000000:         "€1,000,000.00",
		-1:                "-€0.01",
		-123456:           "-€1,234.56",
		-100000:           "-€1,000.00",
		math.MaxInt64:     "€92,233,720,368,547,758.07",
		math.MinInt64:     "-€92,233,720,368,547,758.08",
		math.MinInt64 + 1: "-€92,233,720,368,547,758.07",
		99999:             "€999.99",
		1234567:           "€12,345.67",
		-99:               "-€0.99",
		100000:            "€1,000.00",
		10000000:          "€100,000.00",
		123456789012:      "€1,234,567,890.12",
		-123456789012:     "-€1,234,567,890.12",
	} {
		if got := reconi.FormatCents(c); got != want {
			t.Errorf("FormatCents(%d) = %q, want %q", c, got, want)
		}
	}
}
