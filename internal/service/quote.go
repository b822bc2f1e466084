package service

import (
	"github.com/reconi/reconi/internal/reconi"
)

// quoteInput is what a price depends on.
type quoteInput struct {
	level       reconi.Level
	validity    int
	users       int64
	notEmployed int64
	permissions int64 // per user
}

// quote prices an application with the price list's one arithmetic,
// (*reconi.PriceList).Quote, which `reconi plan` uses too.
func quote(pl *reconi.PriceList, in quoteInput) (reconi.Quote, error) {
	return pl.Quote(reconi.QuoteInput{Level: in.level, ValidityYears: in.validity, Users: in.users,
		NotEmployed: in.notEmployed, Permissions: in.permissions})
}
