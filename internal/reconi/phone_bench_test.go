package reconi_test

import (
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// BenchmarkParseMobile measures ParseMobile on the forms an import sees most
// (a Dutch mobile number written 06… or +31 6…) and on the forms the
// phonenumbers library handles alone (a foreign mobile, a Dutch landline).
func BenchmarkParseMobile(b *testing.B) {
	for _, c := range []struct{ name, in string }{
		{"dutch-06", "06-12345678"},
		{"dutch-06-spaced", "06 12 34 56 78"},
		{"plus31", "+31 6 12345678"},
		{"0031", "0031612345678"},
		{"foreign", "+32 470 12 34 56"},
		{"landline", "020 1234567"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := reconi.ParseMobile(c.in); (err == nil) != (c.name != "landline") {
					b.Fatalf("ParseMobile(%q): %v", c.in, err)
				}
			}
		})
	}
}
