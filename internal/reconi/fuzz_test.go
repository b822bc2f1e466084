package reconi_test

import (
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// The fuzz targets check that parsers never panic, that they either accept
// or return an invalid-input error, and that what they accept is a fixed
// point: parsing the result again gives the result.

func fuzzCheckErr(t *testing.T, in string, err error) {
	t.Helper()
	if err != nil && reconi.ErrorKind(err) != reconi.KindInvalid {
		t.Fatalf("%q: error kind %q, want invalid: %v", in, reconi.ErrorKind(err), err)
	}
}

func FuzzParseMobile(f *testing.F) {
	for _, s := range []string{"06-12345678", "+31 6 12345678", "0031612345678", "+32 470 12 34 56", "020 1234567", "", "+", "00", "(06) 1234 5678 ext. 9", "＋31612345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := reconi.ParseMobile(in)
		fuzzCheckErr(t, in, err)
		if err != nil {
			return
		}
		if len(got) < 2 || got[0] != '+' {
			t.Fatalf("ParseMobile(%q) = %q, not E.164", in, got)
		}
		again, err := reconi.ParseMobile(got)
		if err != nil || again != got {
			t.Fatalf("ParseMobile(%q) = %q, but ParseMobile(%q) = %q, %v", in, got, got, again, err)
		}
	})
}

func FuzzParseEmail(f *testing.F) {
	for _, s := range []string{"jan@example.nl", "Jan.Jansen@Example.NL", "a@b", "\"a b\"@example.nl", "Jan <jan@example.nl>", "@", "a@b.c.", "x@ÉXAMPLE.NL", "a@İ.nl"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := reconi.ParseEmail(in)
		fuzzCheckErr(t, in, err)
		if err != nil {
			return
		}
		again, err := reconi.ParseEmail(got)
		if err != nil || again != got {
			t.Fatalf("ParseEmail(%q) = %q, but ParseEmail(%q) = %q, %v", in, got, got, again, err)
		}
	})
}

func FuzzParseKVK(f *testing.F) {
	for _, s := range []string{"69599084", "0123 4567", "6959.9084", "1234567", "", "１２３４５６７８", "\u00a069599084"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := reconi.ParseKVK(in)
		fuzzCheckErr(t, in, err)
		if err != nil {
			return
		}
		if len(got) != 8 {
			t.Fatalf("ParseKVK(%q) = %q, not 8 digits", in, got)
		}
		again, err := reconi.ParseKVK(string(got))
		if err != nil || again != got {
			t.Fatalf("ParseKVK(%q) = %q, but ParseKVK(%q) = %q, %v", in, got, got, again, err)
		}
	})
}

func FuzzParseBranch(f *testing.F) {
	for _, s := range []string{"000037178598", "0000 3717 8598", "00003717859", "", "000037178598000037178598"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := reconi.ParseBranch(in)
		fuzzCheckErr(t, in, err)
		if err != nil {
			return
		}
		if len(got) != 12 {
			t.Fatalf("ParseBranch(%q) = %q, not 12 digits", in, got)
		}
		again, err := reconi.ParseBranch(string(got))
		if err != nil || again != got {
			t.Fatalf("ParseBranch(%q) = %q, but ParseBranch(%q) = %q, %v", in, got, got, again, err)
		}
	})
}
