package service_test

import (
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/service"
)

// A price list cannot hold prices so large that a quote overflows (and a
// negative total slips under --max-price).
func TestPriceListBounds(t *testing.T) {
	ok := string(service.DefaultPriceList())
	huge := strings.Replace(ok, "EH3:  {1: 4500,", "EH3:  {1: 9223372036854775807,", 1)
	if huge == ok {
		t.Fatal("the default price list changed: adjust the test")
	}
	_, err := service.ParsePriceList([]byte(huge))
	if reconi.ErrorKind(err) != reconi.KindInvalid || !strings.Contains(err.Error(), "means.EH3.1") {
		t.Fatalf("a price of 2^63-1 cents: %v; want invalid naming means.EH3.1", err)
	}
	if _, err := service.ParsePriceList([]byte(ok)); err != nil {
		t.Fatalf("the default price list: %v", err)
	}
}

// A validity that is not offered is named, not silently ignored.
func TestPriceListValidityNotOffered(t *testing.T) {
	ok := string(service.DefaultPriceList())
	two := strings.Replace(ok, "EH3:  {1: 4500,", "EH3:  {1: 4500, 2: 6000,", 1)
	if two == ok {
		t.Fatal("the default price list changed: adjust the test")
	}
	_, err := service.ParsePriceList([]byte(two))
	if reconi.ErrorKind(err) != reconi.KindInvalid || !strings.Contains(err.Error(),
		"means.EH3.2: 2 years is not offered: want prices for 1, 3 and 5 years") {
		t.Fatalf("a price for 2 years: %v", err)
	}
}

// TestFileTypeErrors: a value of the wrong type or an unknown field in a
// price list or catalogue file names its line and its field in the file's
// terms, not the decoder's Go types.
func TestFileTypeErrors(t *testing.T) {
	_, err := service.ParsePriceList([]byte("currency: EUR\nvat_percent: abc\nbogus: 1\nmeans:\n  EH3: {1: x, 3: 9000, 5: 13500}\n"))
	want := "the price list cannot be read; nothing was changed\n" +
		"  line 2: vat_percent: want a whole number, not \"abc\"\n" +
		"  line 3: bogus: unknown field \"bogus\"\n" +
		"  line 5: means.EH3: want a whole number, not \"x\""
	if reconi.ErrorKind(err) != reconi.KindInvalid || err.Error() != want {
		t.Errorf("price list: %v\nwant:\n%s", err, want)
	}
	_, err = service.ParseCatalogue([]byte("providers:\n  - name: RVO\n    accepts_branch_users: perhaps\n"))
	if reconi.ErrorKind(err) != reconi.KindInvalid || !strings.Contains(err.Error(), `line 3: providers[0].accepts_branch_users: want true or false, not "perhaps"`) {
		t.Errorf("catalogue: %v", err)
	}
}
