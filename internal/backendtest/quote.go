package backendtest

import (
	"reflect"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// The quote, from the default price list (internal/service/defaults/prices.yaml)
// and from one an operator loads.

// line is an expected quote line: the rule that made it, quantity, unit
// price.
type line struct {
	rule string
	qty  int64
	unit int64
}

// wantQuote checks a quote to the cent.
func wantQuote(t *testing.T, what string, q reconi.Quote, subtotal, vat, total int64, lines ...line) {
	t.Helper()
	if q.SubtotalCents != subtotal || q.VATCents != vat || q.TotalCents != total {
		t.Errorf("%s: subtotal %d, VAT %d, total %d; want %d, %d, %d", what, q.SubtotalCents, q.VATCents, q.TotalCents, subtotal, vat, total)
	}
	eq(t, what+": currency", q.Currency, "EUR")
	eq(t, what+": VAT percent", q.VATPercent, int64(21))
	if len(q.Lines) != len(lines) {
		t.Errorf("%s: lines %+v, want %+v", what, q.Lines, lines)
		return
	}
	var sum int64
	for i, l := range lines {
		g := q.Lines[i]
		if g.Rule != l.rule || g.Quantity != l.qty || g.UnitCents != l.unit || g.TotalCents != l.qty*l.unit || g.Description == "" {
			t.Errorf("%s: line %d = %+v, want %s %d x %d", what, i, g, l.rule, l.qty, l.unit)
		}
		sum += g.TotalCents
	}
	if sum != q.SubtotalCents {
		t.Errorf("%s: lines add up to %d, subtotal is %d", what, sum, q.SubtotalCents)
	}
}

var _ = register("QuoteFromDefaultPrices", func(t *testing.T, e *env) {
	e.orgA(t)

	// EH3, 3 years, all services (1 permission, included with a new
	// means), 2 users of whom 1 is not employed: means 2 x 90.00,
	// identification 1 x 10.00 = 190.00; VAT 39.90.
	a := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, a.ID, user(1, true))
	e.addUser(t, a.ID, user(2, false))
	// Before step 9 there is nothing to price.
	wantQuote(t, "before permissions", e.app(t, a.ID).Quote, 0, 0, 0)
	got := e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 3})
	wantQuote(t, "EH3 3y", got.Quote, 19000, 3990, 22990,
		line{"means", 2, 9000}, line{"included_permissions", 2, 0}, line{"identification", 1, 1000})
	wantQuote(t, "EH3 3y, read back", e.app(t, a.ID).Quote, 19000, 3990, 22990,
		line{"means", 2, 9000}, line{"included_permissions", 2, 0}, line{"identification", 1, 1000})

	// The quote follows the users: a third user, employed.
	e.addUser(t, a.ID, user(3, true))
	wantQuote(t, "EH3 3y, 3 users", e.app(t, a.ID).Quote, 28000, 5880, 33880,
		line{"means", 3, 9000}, line{"included_permissions", 3, 0}, line{"identification", 1, 1000})
	// ... and the validity.
	got = e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1})
	wantQuote(t, "EH3 1y, 3 users", got.Quote, 14500, 3045, 17545,
		line{"means", 3, 4500}, line{"included_permissions", 3, 0}, line{"identification", 1, 1000})

	// EH2+, 1 year, one provider (a permission each, included; Kadaster,
	// whose services need EH3, is refused at EH2+), 3 employed users: means
	// 3 x 20.00 = 60.00; VAT 12.60.
	b := e.draft(t, kvkA, "EH2+", "")
	for i := 10; i < 13; i++ {
		e.addUser(t, b.ID, user(i, true))
	}
	got = e.setPermissions(t, b.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"RVO"}, ValidityYears: 1})
	wantQuote(t, "EH2+ 1y", got.Quote, 6000, 1260, 7260, line{"means", 3, 2000}, line{"included_permissions", 3, 0})

	// EH2, 5 years, no permissions, 1 user not employed: means 70.00,
	// identification 10.00 = 80.00; VAT 16.80.
	c := e.draft(t, kvkA, "EH2", "")
	e.addUser(t, c.ID, user(20, false))
	got = e.setPermissions(t, c.ID, reconi.PermissionsInput{Direct: false, ValidityYears: 5})
	wantQuote(t, "EH2 5y", got.Quote, 8000, 1680, 9680, line{"means", 1, 7000}, line{"identification", 1, 1000})

	// EH3, 5 years, two services, 1 employed user: means 135.00; VAT 28.35.
	d := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, d.ID, user(30, true))
	got = e.setPermissions(t, d.ID, reconi.PermissionsInput{Direct: true, Services: []string{svcDouane, svcKadaster}, ValidityYears: 5})
	wantQuote(t, "EH3 5y", got.Quote, 13500, 2835, 16335, line{"means", 1, 13500}, line{"included_permissions", 2, 0})

	// With one permission included, the second is an extra permission:
	// means 135.00, extra permission 35.00 = 170.00; VAT 35.70.
	pl, err := e.b.PriceList(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "included with a new means", pl.IncludedNew(), int64(5))
	eq(t, "included with a renewal", pl.IncludedRenewal(), int64(25))
	pl.Included.New = 1
	if err := e.b.LoadPriceList(e.ctx, *pl); err != nil {
		t.Fatal(err)
	}
	wantQuote(t, "EH3 5y, 1 included", e.app(t, d.ID).Quote, 17000, 3570, 20570,
		line{"means", 1, 13500}, line{"included_permissions", 1, 0}, line{"extra_permission", 1, 3500})

	// Removing the user leaves nothing to price.
	if err := e.b.RemoveUser(e.ctx, d.ID, "user30@example.nl"); err != nil {
		t.Fatal(err)
	}
	wantQuote(t, "no users", e.app(t, d.ID).Quote, 0, 0, 0)
})

// An older price list, without included permissions, renewal or link
// prices, charges every permission as before.
var _ = register("QuoteOldPriceList", func(t *testing.T, e *env) {
	e.orgA(t)
	old := oddPrices()
	old.Means[reconi.EH3] = map[int]int64{1: 2000, 3: 5000, 5: 7000}
	if err := e.b.LoadPriceList(e.ctx, old); err != nil {
		t.Fatal(err)
	}
	got, err := e.b.PriceList(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got.Included != nil || got.Renewal != nil || got.Link != nil {
		t.Errorf("an old price list read back with new sections: %+v", got)
	}
	// EH3: RVO's and Kadaster's services are usable at that level.
	a := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, a.ID, user(1, true))
	q := e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"RVO", "Kadaster"}, ValidityYears: 1}).Quote
	wantQuote(t, "old list", q, 4000, 840, 4840, line{"means", 1, 2000}, line{"extra_permission", 2, 1000})
})

// oddPrices is a valid price list whose EH2 means cost amounts that make the
// VAT round: 19.99 (VAT 4.1979), 0.50 (VAT 0.105, half up) and 1.49
// (VAT 0.3129).
func oddPrices() reconi.PriceList {
	flat := func() map[int]int64 { return map[int]int64{1: 1000, 3: 2000, 5: 3000} }
	return reconi.PriceList{
		Currency:   "EUR",
		VATPercent: 21,
		Means: map[reconi.Level]map[int]int64{
			reconi.EH2:     {1: 1999, 3: 50, 5: 149},
			reconi.EH2Plus: flat(),
			reconi.EH3:     flat(),
		},
		Permission: map[reconi.Level]map[int]int64{reconi.EH2: flat(), reconi.EH2Plus: flat(), reconi.EH3: flat()},
		Identify:   reconi.IdentificationPriceTable{RemoteCents: 0, InPersonSurchargeCents: 1665},
	}
}

var _ = register("QuoteVATRounding", func(t *testing.T, e *env) {
	if err := e.b.LoadPriceList(e.ctx, oddPrices()); err != nil {
		t.Fatal(err)
	}
	e.orgA(t)
	a := e.draft(t, kvkA, "EH2", "")
	e.addUser(t, a.ID, user(1, true))
	for _, tc := range []struct {
		years           int
		sub, vat, total int64
	}{
		{1, 1999, 420, 2419}, // 419.79 rounds up
		{3, 50, 11, 61},      // 10.5 rounds half up
		{5, 149, 31, 180},    // 31.29 rounds down
	} {
		got := e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: false, ValidityYears: tc.years})
		wantQuote(t, "EH2 odd prices", got.Quote, tc.sub, tc.vat, tc.total, line{"means", 1, tc.sub})
	}
})

var _ = register("LoadPriceList", func(t *testing.T, e *env) {
	e.orgA(t)
	submitted := e.draft(t, kvkA, "EH2", "")
	e.addUser(t, submitted.ID, user(1, true))
	e.setPermissions(t, submitted.ID, reconi.PermissionsInput{Direct: false, ValidityYears: 1})
	agreed := e.submit(t, submitted.ID).Quote
	wantQuote(t, "submitted", agreed, 2000, 420, 2420, line{"means", 1, 2000})

	draft := e.draft(t, kvkA, "EH2", "")
	e.addUser(t, draft.ID, user(2, true))
	e.setPermissions(t, draft.ID, reconi.PermissionsInput{Direct: false, ValidityYears: 1})
	wantQuote(t, "draft before", e.app(t, draft.ID).Quote, 2000, 420, 2420, line{"means", 1, 2000})

	p := oddPrices()
	if err := e.b.LoadPriceList(e.ctx, p); err != nil {
		t.Fatal(err)
	}
	got, err := e.b.PriceList(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(*got, p) {
		t.Errorf("PriceList() = %+v, want the list just loaded %+v", *got, p)
	}
	// A draft is quoted from the prices in force; a submitted application
	// keeps what was agreed.
	wantQuote(t, "draft after", e.app(t, draft.ID).Quote, 1999, 420, 2419, line{"means", 1, 1999})
	if q := e.app(t, submitted.ID).Quote; !reflect.DeepEqual(q, agreed) {
		t.Errorf("the submitted quote changed with the price list: %+v, agreed %+v", q, agreed)
	}

	// A bad price list is refused whole.
	bad := oddPrices()
	bad.Currency = "USD"
	delete(bad.Means[reconi.EH3], 5)
	err = e.b.LoadPriceList(e.ctx, bad)
	re := wantErr(t, err, reconi.KindInvalid, "nothing was changed")
	wantRows(t, re, row{0, "currency", []string{"USD", "EUR"}}, row{0, "means.EH3.5", []string{"missing", "1, 3 and 5"}})
	bad = oddPrices()
	bad.VATPercent = 121
	bad.Permission[reconi.EH2Plus] = map[int]int64{1: -1, 3: 1, 5: 1}
	err = e.b.LoadPriceList(e.ctx, bad)
	re = wantErr(t, err, reconi.KindInvalid)
	wantRows(t, re, row{0, "permission.EH2+.1", []string{"negative"}}, row{0, "vat_percent", []string{"121"}})
	// The later sections, when given, are complete and in range.
	bad = oddPrices()
	bad.Included = &reconi.IncludedPermissions{New: -1, Renewal: 25}
	bad.Renewal = map[reconi.Level]map[int]int64{reconi.EH2: {1: 1, 3: 1, 5: 1}, reconi.EH2Plus: {1: 1, 3: 1, 5: 1}, reconi.EH3: {1: 1, 3: 1}}
	bad.Link = map[reconi.Level]int64{reconi.EH2: 500, reconi.EH2Plus: 500}
	err = e.b.LoadPriceList(e.ctx, bad)
	re = wantErr(t, err, reconi.KindInvalid)
	wantRows(t, re, row{0, "included_permissions.new", []string{"-1", "out of range"}}, row{0, "link.EH3", []string{"missing"}},
		row{0, "renewal.EH3.5", []string{"missing"}})
	if got, _ := e.b.PriceList(e.ctx); got == nil || !reflect.DeepEqual(*got, p) {
		t.Errorf("a refused price list changed the one in force: %+v", got)
	}
})
