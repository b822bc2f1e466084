package reconi_test

import (
	"fmt"
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
		{Item: "means", Rule: "means", Description: "eHerkenning means EH3, 1 year", Quantity: 3, UnitCents: 4500, TotalCents: 13500},
		{Item: "permission", Rule: "extra_permission", Description: "Extra permission EH3, 1 year", Quantity: 6, UnitCents: 1500, TotalCents: 9000},
		{Item: "identification", Rule: "identification", Description: "Identification (remote) of users not employed", Quantity: 1, UnitCents: 1000, TotalCents: 1000},
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

// rules lists a quote's lines as rule quantity x unit.
func rules(q reconi.Quote) []string {
	var out []string
	for _, l := range q.Lines {
		out = append(out, fmt.Sprintf("%s %dx%d", l.Rule, l.Quantity, l.UnitCents))
	}
	return out
}

// Included permissions, renewals, grants and links, each line naming the
// rule that made it.
func TestQuoteRules(t *testing.T) {
	pl := &reconi.PriceList{Currency: "EUR", VATPercent: 21,
		Means:      map[reconi.Level]map[int]int64{reconi.EH3: {1: 4500}, reconi.EH2Plus: {1: 2000}},
		Permission: map[reconi.Level]map[int]int64{reconi.EH3: {1: 1500}, reconi.EH2Plus: {1: 1000}},
		Identify:   reconi.IdentificationPriceTable{RemoteCents: 1000},
		Included:   &reconi.IncludedPermissions{New: 2, Renewal: 3},
		Renewal:    map[reconi.Level]map[int]int64{reconi.EH3: {1: 4000}, reconi.EH2Plus: {1: 1800}},
		Link:       map[reconi.Level]int64{reconi.EH3: 700}}

	// 4 users, 1 of them linked, 3 permissions each: 3 new means with 2
	// included and 1 extra each, the linked user's 3 all extra.
	q, err := pl.Quote(reconi.QuoteInput{Level: reconi.EH3, ValidityYears: 1, Users: 4, Linked: 1, NotEmployed: 1, Permissions: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"means 3x4500", "link 1x700", "included_permissions 6x0", "extra_permission 6x1500", "identification 1x1000"}
	if got := rules(q); !reflect.DeepEqual(got, want) {
		t.Errorf("new with a link: %v, want %v", got, want)
	}
	if q.SubtotalCents != 3*4500+700+6*1500+1000 {
		t.Errorf("subtotal %d", q.SubtotalCents)
	}

	// Renewing: an EH3 means with 5 permissions (3 included, 2 extra), an
	// expired EH3 one without, whose user is identified again, and an EH2+
	// one with 1.
	q, err = pl.QuoteRenewal(1, []reconi.RenewalItem{{Level: reconi.EH3, Permissions: 5}, {Level: reconi.EH3, Identify: true},
		{Level: reconi.EH2Plus, Permissions: 1}})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"renewal 1x1800", "included_permissions 1x0", "renewal 2x4000", "included_permissions 3x0", "extra_permission 2x1500",
		"identification 1x1000"}
	if got := rules(q); !reflect.DeepEqual(got, want) {
		t.Errorf("renewal: %v, want %v", got, want)
	}
	if q.SubtotalCents != 1800+8000+3000+1000 || q.TotalCents != q.SubtotalCents+q.VATCents {
		t.Errorf("renewal totals %+v", q)
	}

	// Granting: every permission is an extra one, at its means' level.
	q, err = pl.QuoteGrant(1, []reconi.GrantItem{{Level: reconi.EH3, Permissions: 4}, {Level: reconi.EH2Plus, Permissions: 2}})
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"extra_permission 2x1000", "extra_permission 4x1500"}
	if got := rules(q); !reflect.DeepEqual(got, want) {
		t.Errorf("grant: %v, want %v", got, want)
	}

	// An older list without the later sections: nothing included, and a
	// renewal or a link costs what a new means costs.
	old := &reconi.PriceList{Currency: "EUR", Means: pl.Means, Permission: pl.Permission}
	q, _ = old.Quote(reconi.QuoteInput{Level: reconi.EH3, ValidityYears: 1, Users: 2, Linked: 1, Permissions: 1})
	want = []string{"means 1x4500", "link 1x4500", "extra_permission 2x1500"}
	if got := rules(q); !reflect.DeepEqual(got, want) {
		t.Errorf("old list: %v, want %v", got, want)
	}
	q, _ = old.QuoteRenewal(1, []reconi.RenewalItem{{Level: reconi.EH3, Permissions: 1}})
	want = []string{"renewal 1x4500", "extra_permission 1x1500"}
	if got := rules(q); !reflect.DeepEqual(got, want) {
		t.Errorf("old list renewal: %v, want %v", got, want)
	}
	// A price the list lacks is the operator's mistake.
	if _, err := pl.QuoteRenewal(3, []reconi.RenewalItem{{Level: reconi.EH3}}); reconi.ErrorKind(err) != reconi.KindInternal {
		t.Errorf("no renewal price for 3 years: %v", err)
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
