package reconi

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Quote is the price of an application, in integer euro cents.
type Quote struct {
	Lines []QuoteLine `json:"lines"`
	// SubtotalCents excludes VAT; TotalCents includes it.
	SubtotalCents int64  `json:"subtotal_cents"`
	VATPercent    int64  `json:"vat_percent"`
	VATCents      int64  `json:"vat_cents"`
	TotalCents    int64  `json:"total_cents"`
	Currency      string `json:"currency"`
}

// QuoteLine is one priced item of a quote.
type QuoteLine struct {
	Item        string `json:"item"`
	Description string `json:"description"`
	Quantity    int64  `json:"quantity"`
	UnitCents   int64  `json:"unit_cents"`
	TotalCents  int64  `json:"total_cents"`
}

// PriceList holds the configurable prices, in cents excluding VAT, keyed by
// level and validity in years.
type PriceList struct {
	Currency   string                   `json:"currency" yaml:"currency"`
	VATPercent int64                    `json:"vat_percent" yaml:"vat_percent"`
	Means      map[Level]map[int]int64  `json:"means" yaml:"means"`
	Permission map[Level]map[int]int64  `json:"permission" yaml:"permission"`
	Identify   IdentificationPriceTable `json:"identification" yaml:"identification"`
}

// IdentificationPriceTable prices identification of users not employed by
// the organisation.
type IdentificationPriceTable struct {
	RemoteCents            int64 `json:"remote_cents" yaml:"remote_cents"`
	InPersonSurchargeCents int64 `json:"in_person_surcharge_cents" yaml:"in_person_surcharge_cents"`
}

// QuoteInput is what the price of an application depends on.
type QuoteInput struct {
	Level         Level
	ValidityYears int
	Users         int64
	// NotEmployed counts the users who are identified through the partner.
	NotEmployed int64
	// Permissions is the number of permissions each user gets
	// (Permissions.Count).
	Permissions int64
}

// Quote prices an application: the means per user, each permission per
// user, and a remote identification per user not employed by the
// organisation. The in-person surcharge is the user's choice later and not
// quoted here. It is the one place the arithmetic lives: the service prices
// drafts with it, and `reconi plan` prices a manifest with the backend's
// price list before anything exists.
func (pl *PriceList) Quote(in QuoteInput) (Quote, error) {
	q := Quote{Lines: []QuoteLine{}, Currency: pl.Currency, VATPercent: pl.VATPercent}
	add := func(item, desc string, qty, unit int64) {
		if qty == 0 {
			return
		}
		q.Lines = append(q.Lines, QuoteLine{Item: item, Description: desc, Quantity: qty, UnitCents: unit, TotalCents: qty * unit})
		q.SubtotalCents += qty * unit
	}
	if in.ValidityYears == 0 {
		// Nothing can be priced before a validity is chosen (step 9).
		return q, nil
	}
	years := fmt.Sprintf("%d year", in.ValidityYears)
	if in.ValidityYears > 1 {
		years += "s"
	}
	means, ok := pl.Means[in.Level][in.ValidityYears]
	if !ok {
		return q, Errorf(KindInternal, "the price list has no price for an %s means for %s", in.Level, years)
	}
	add("means", fmt.Sprintf("eHerkenning means %s, %s", in.Level, years), in.Users, means)
	if in.Permissions > 0 {
		perm, ok := pl.Permission[in.Level][in.ValidityYears]
		if !ok {
			return q, Errorf(KindInternal, "the price list has no price for an %s permission for %s", in.Level, years)
		}
		add("permission", fmt.Sprintf("Permission %s, %s (%d per user)", in.Level, years, in.Permissions), in.Users*in.Permissions, perm)
	}
	add("identification", "Identification (remote) of users not employed", in.NotEmployed, pl.Identify.RemoteCents)
	// VAT rounds half up on the subtotal, as on an invoice.
	q.VATCents = (q.SubtotalCents*pl.VATPercent + 50) / 100
	q.TotalCents = q.SubtotalCents + q.VATCents
	return q, nil
}

// ParseEuros reads an amount in euros as people write it (250, 249.95,
// 249,95, €250) and returns it in cents. field names the input in the error.
func ParseEuros(field, s string) (int64, error) {
	t := strings.TrimPrefix(strings.TrimSpace(s), "€")
	t = strings.ReplaceAll(t, ",", ".")
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || math.IsNaN(v) || v < 0 || math.IsInf(v, 0) || v > 1e12 {
		return 0, Invalid(field, "%q is not an amount in euros: want a number like 250 or 249.95", Excerpt(s))
	}
	return int64(math.Round(v * 100)), nil
}
