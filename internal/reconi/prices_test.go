package reconi_test

import (
	"reflect"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

func TestQuote(t *testing.T) {
	pl := &reconi.PriceList{Currency: "EUR", VATPercent: 21,
		Means:      map[reconi.Level]map[int]int64{reconi.EH3: {1: 4500, 3: 9000}},
		Permission: map[reconi.Level]map[int]int64{reconi.EH3: {1: 1500}},
		Identify:   reconi.IdentificationPriceTable{RemoteCents: 1000, InPersonSurchargeCents: 1665}}

	q, err := pl.Quote(reconi.QuoteInput{Level: reconi.EH3, ValidityYears: 1, Users: 3, NotEmployed: 1, Permissions: 2})
	if err != nil {
		t.Fatal(err)
	}
	want := reconi.Quote{Currency: "EUR", VATPercent: 21, Lines: []reconi.QuoteLine{
		{Item: "means", Description: "eHerkenning means EH3, 1 year", Quantity: 3, UnitCents: 4500, TotalCents: 13500},
		{Item: "permission", Description: "Permission EH3, 1 year (2 per user)", Quantity: 6, UnitCents: 1500, TotalCents: 9000},
		{Item: "identification", Description: "Identification (remote) of users not employed", Quantity: 1, UnitCents: 1000, TotalCents: 1000},
	}, SubtotalCents: 23500, VATCents: 4935, TotalCents: 28435}
	if !reflect.DeepEqual(q, want) {
		t.Errorf("quote:\n%+v\nwant:\n%+v", q, want)
	}

	// VAT rounds half up: 21% of €0.50 is 10.5 cents.
	half := &reconi.PriceList{VATPercent: 21, Means: map[reconi.Level]map[int]int64{reconi.EH2: {1: 50}}}
	if q, _ := half.Quote(reconi.QuoteInput{Level: reconi.EH2, ValidityYears: 1, Users: 1}); q.VATCents != 11 || q.TotalCents != 61 {
		t.Errorf("VAT %d, total %d; want 11, 61", q.VATCents, q.TotalCents)
	}
	// Nothing is priced before a validity is chosen.
	if q, err := pl.Quote(reconi.QuoteInput{Level: reconi.EH3, Users: 3}); err != nil || len(q.Lines) != 0 || q.TotalCents != 0 {
		t.Errorf("no validity: %+v, %v", q, err)
	}
	// A price the list does not have is the operator's mistake.
	if _, err := pl.Quote(reconi.QuoteInput{Level: reconi.EH3, ValidityYears: 5, Users: 1}); reconi.ErrorKind(err) != reconi.KindInternal {
		t.Errorf("no price for 5 years: %v", err)
	}
	if _, err := pl.Quote(reconi.QuoteInput{Level: reconi.EH3, ValidityYears: 3, Users: 1, Permissions: 1}); reconi.ErrorKind(err) != reconi.KindInternal {
		t.Errorf("no permission price for 3 years: %v", err)
	}
}

func TestParseEuros(t *testing.T) {
	for in, want := range map[string]int64{"250": 25000, "249.95": 24995, "249,95": 24995, "€1000,5": 100050, " 0.29 ": 29, "0": 0} {
		if got, err := reconi.ParseEuros("max_price", in); err != nil || got != want {
			t.Errorf("ParseEuros(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "-1", "NaN", "Inf", "1e13"} {
		if _, err := reconi.ParseEuros("max_price", in); reconi.ErrorKind(err) != reconi.KindInvalid {
			t.Errorf("ParseEuros(%q): %v, want invalid", in, err)
		}
	}
}
