package service

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// quoteInput is what a price depends on.
type quoteInput struct {
	level       reconi.Level
	validity    int
	users       int64
	notEmployed int64
	permissions int64 // per user
	linked      int64 // users whose means is linked, not bought
}

// quote prices an application with the price list's one arithmetic,
// (*reconi.PriceList).Quote, which `reconi plan` uses too.
func quote(pl *reconi.PriceList, in quoteInput) (reconi.Quote, error) {
	return pl.Quote(reconi.QuoteInput{Level: in.level, ValidityYears: in.validity, Users: in.users,
		NotEmployed: in.notEmployed, Permissions: in.permissions, Linked: in.linked})
}

// PriceList returns the price list in force.
func (s *Service) PriceList(ctx context.Context) (*reconi.PriceList, error) {
	if err := authorize(ctx, actRead, ""); err != nil {
		return nil, err
	}
	var p *reconi.PriceList
	err := s.view(ctx, func(tx store.Tx) (err error) {
		p, err = s.priceList(tx)
		return err
	})
	return p, err
}

// LoadPriceList puts a new price list in force; drafts are quoted from it at
// once, submitted applications keep the quote they were submitted with.
func (s *Service) LoadPriceList(ctx context.Context, p reconi.PriceList) error {
	if err := reconi.CheckTexts("", p); err != nil {
		return err
	}
	if err := authorize(ctx, actOperator, ""); err != nil {
		return err
	}
	if err := validatePriceList(&p); err != nil {
		return err
	}
	return s.update(ctx, func(tx store.Tx) error { return tx.InsertPriceList(p, s.now().UTC()) })
}

// MaxPriceCents bounds every price of a price list (one million euros), so
// that no quote can overflow: prices times users times permissions stay far
// inside int64.
const MaxPriceCents = 100_000_000

// MaxIncludedPermissions bounds the permissions a price list includes with
// a means.
const MaxIncludedPermissions = 1000

// ParsePriceList reads a price list file (YAML or JSON) and validates it.
func ParsePriceList(b []byte) (*reconi.PriceList, error) {
	var p reconi.PriceList
	if err := decodeFile("the price list", b, &p); err != nil {
		return nil, err
	}
	return &p, validatePriceList(&p)
}

func validatePriceList(p *reconi.PriceList) error {
	var rows []reconi.RowError
	bad := func(field, format string, args ...any) {
		rows = append(rows, reconi.RowError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if p.Currency != "EUR" {
		bad("currency", "%q is not supported: want EUR", reconi.Excerpt(p.Currency))
	}
	if p.VATPercent < 0 || p.VATPercent > 100 {
		bad("vat_percent", "%d is not a percentage", p.VATPercent)
	}
	check := func(name string, table map[reconi.Level]map[int]int64, levels []reconi.Level) {
		for l, prices := range table {
			if l.Rank() == 0 {
				bad(name, "%q is not a level: want EH2, EH2+, EH3 or EH4", reconi.Excerpt(string(l)))
			}
			for y := range prices {
				if !slices.Contains(reconi.ValidityYears, y) {
					bad(fmt.Sprintf("%s.%s.%d", name, l, y), "%d years is not offered: want prices for 1, 3 and 5 years", y)
				}
			}
		}
		for _, l := range levels {
			for _, y := range reconi.ValidityYears {
				c, ok := table[l][y]
				if !ok {
					bad(fmt.Sprintf("%s.%s.%d", name, l, y), "missing: every level offered needs a price for 1, 3 and 5 years")
				} else if c < 0 {
					bad(fmt.Sprintf("%s.%s.%d", name, l, y), "%d is negative: want 0 to %d cents", c, MaxPriceCents)
				} else if c > MaxPriceCents {
					bad(fmt.Sprintf("%s.%s.%d", name, l, y), "%d is too large: want 0 to %d cents", c, MaxPriceCents)
				}
			}
		}
	}
	check("means", p.Means, reconi.WizardLevels)
	check("permission", p.Permission, reconi.WizardLevels)
	// The later sections may be absent (older files); when present they
	// are complete.
	if p.Renewal != nil {
		check("renewal", p.Renewal, reconi.WizardLevels)
	}
	if p.Link != nil {
		for l := range p.Link {
			if l.Rank() == 0 {
				bad("link", "%q is not a level: want EH2, EH2+, EH3 or EH4", reconi.Excerpt(string(l)))
			}
		}
		for _, l := range reconi.WizardLevels {
			if c, ok := p.Link[l]; !ok {
				bad("link."+string(l), "missing: every level offered needs a price for linking")
			} else if c < 0 || c > MaxPriceCents {
				bad("link."+string(l), "%d is not a price: want 0 to %d cents", c, MaxPriceCents)
			}
		}
	}
	if in := p.Included; in != nil {
		for field, n := range map[string]int64{"included_permissions.new": in.New, "included_permissions.renewal": in.Renewal} {
			if n < 0 || n > MaxIncludedPermissions {
				bad(field, "%d is out of range: want 0 to %d permissions", n, MaxIncludedPermissions)
			}
		}
	}
	for field, c := range map[string]int64{"identification.remote_cents": p.Identify.RemoteCents,
		"identification.in_person_surcharge_cents": p.Identify.InPersonSurchargeCents} {
		if c < 0 || c > MaxPriceCents {
			bad(field, "%d is not a price: want 0 to %d cents", c, MaxPriceCents)
		}
	}
	if len(rows) > 0 {
		sort.Slice(rows, func(i, j int) bool { return rows[i].Field < rows[j].Field })
		return &reconi.Error{Kind: reconi.KindInvalid, Message: "the price list has errors; nothing was changed", Rows: rows}
	}
	return nil
}
