package backendtest

import (
	"reflect"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// The quote, from the default price list (internal/service/defaults/prices.yaml)
// and from one an operator loads.

// line is an expected quote line: item, quantity, unit price.
type line struct {
	item string
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
		if g.Item != l.item || g.Quantity != l.qty || g.UnitCents != l.unit || g.TotalCents != l.qty*l.unit || g.Description == "" {
			t.Errorf("%s: line %d = %+v, want %s %d x %d", what, i, g, l.item, l.qty, l.unit)
		}
		sum += g.TotalCents
	}
	if sum != q.SubtotalCents {
		t.Errorf("%s: lines add up to %d, subtotal is %d", what, sum, q.SubtotalCents)
	}
}

var _ = register("QuoteFromDefaultPrices", func(t *testing.T, e *env) {
	e.orgA(t)

	// EH3, 3 years, all services (1 permission), 2 users of whom 1 is not
	// employed: means 2 x 90.00, permission 2 x 25.00, identification
	// 1 x 10.00 = 240.00; VAT 50.40.
	a := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, a.ID, user(1, true))
	e.addUser(t, a.ID, user(2, false))
	// Before step 9 there is nothing to price.
	wantQuote(t, "before permissions", e.app(t, a.ID).Quote, 0, 0, 0)
	got := e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 3})
	wantQuote(t, "EH3 3y", got.Quote, 24000, 5040, 29040,
		line{"means", 2, 9000}, line{"permission", 2, 2500}, line{"identification", 1, 1000})
	wantQuote(t, "EH3 3y, read back", e.app(t, a.ID).Quote, 24000, 5040, 29040,
		line{"means", 2, 9000}, line{"permission", 2, 2500}, line{"identification", 1, 1000})

	// The quote follows the users: a third user, employed.
	e.addUser(t, a.ID, user(3, true))
	wantQuote(t, "EH3 3y, 3 users", e.app(t, a.ID).Quote, 35500, 7455, 42955,
		line{"means", 3, 9000}, line{"permission", 3, 2500}, line{"identification", 1, 1000})
	// ... and the validity.
	got = e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1})
	wantQuote(t, "EH3 1y, 3 users", got.Quote, 19000, 3990, 22990,
		line{"means", 3, 4500}, line{"permission", 3, 1500}, line{"identification", 1, 1000})

	// EH2+, 1 year, one provider (a permission each; Kadaster, whose
	// services need EH3, is refused at EH2+), 3 employed users: means
	// 3 x 20.00, permissions 3 x 10.00 = 90.00; VAT 18.90.
	b := e.draft(t, kvkA, "EH2+", "")
	for i := 10; i < 13; i++ {
		e.addUser(t, b.ID, user(i, true))
	}
	got = e.setPermissions(t, b.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"RVO"}, ValidityYears: 1})
	wantQuote(t, "EH2+ 1y", got.Quote, 9000, 1890, 10890, line{"means", 3, 2000}, line{"permission", 3, 1000})

	// EH2, 5 years, no permissions, 1 user not employed: means 70.00,
	// identification 10.00 = 80.00; VAT 16.80.
	c := e.draft(t, kvkA, "EH2", "")
	e.addUser(t, c.ID, user(20, false))
	got = e.setPermissions(t, c.ID, reconi.PermissionsInput{Direct: false, ValidityYears: 5})
	wantQuote(t, "EH2 5y", got.Quote, 8000, 1680, 9680, line{"means", 1, 7000}, line{"identification", 1, 1000})

	// EH3, 5 years, two services, 1 employed user: means 135.00,
	// permissions 2 x 35.00 = 205.00; VAT 43.05.
	d := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, d.ID, user(30, true))
	got = e.setPermissions(t, d.ID, reconi.PermissionsInput{Direct: true, Services: []string{svcDouane, svcKadaster}, ValidityYears: 5})
	wantQuote(t, "EH3 5y", got.Quote, 20500, 4305, 24805, line{"means", 1, 13500}, line{"permission", 2, 3500})
	// Removing the user leaves nothing to price.
	if err := e.b.RemoveUser(e.ctx, d.ID, "user30@example.nl"); err != nil {
		t.Fatal(err)
	}
	wantQuote(t, "no users", e.app(t, d.ID).Quote, 0, 0, 0)
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
	if got, _ := e.b.PriceList(e.ctx); got == nil || !reflect.DeepEqual(*got, p) {
		t.Errorf("a refused price list changed the one in force: %+v", got)
	}
})
