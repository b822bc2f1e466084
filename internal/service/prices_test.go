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
