package reconi

import (
	"strings"
	"testing"
	"time"
)

func TestParseWithin(t *testing.T) {
	for in, want := range map[string]time.Duration{"60d": 60 * 24 * time.Hour, "8w": 56 * 24 * time.Hour,
		"72h": 72 * time.Hour, "3660d": 3660 * 24 * time.Hour} {
		if got, err := ParseWithin("within", in); err != nil || got != want {
			t.Errorf("ParseWithin(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	// A bad value names the field, the value and what is allowed, bounds too.
	for _, in := range []string{"5000d", "-1d", "soon", "600w"} {
		_, err := ParseWithin("within", in)
		if err == nil || !strings.Contains(err.Error(), "within: \""+in+"\"") ||
			!strings.Contains(err.Error(), "days at most 3660, weeks at most 523") {
			t.Errorf("ParseWithin(%q): %v", in, err)
		}
	}
}
