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

// QuoteLine is one priced item of a quote. Rule names the rule of the price
// list that produced it (one of the Rule constants).
type QuoteLine struct {
	Item        string `json:"item"`
	Rule        string `json:"rule"`
	Description string `json:"description"`
	Quantity    int64  `json:"quantity"`
	UnitCents   int64  `json:"unit_cents"`
	TotalCents  int64  `json:"total_cents"`
}

// The rules a quote line comes from.
const (
	// RuleMeans: a new means, per user.
	RuleMeans = "means"
	// RuleIncludedPermissions: permissions that come with a new or renewed
	// means at no charge (PriceList.Included).
	RuleIncludedPermissions = "included_permissions"
	// RuleExtraPermission: permissions beyond those included, at the
	// per-permission prices.
	RuleExtraPermission = "extra_permission"
	// RuleRenewal: renewing an issued means, per means.
	RuleRenewal = "renewal"
	// RuleLink: linking a means the user already holds to another
	// organisation, instead of a new means.
	RuleLink = "link"
	// RuleIdentification: identification through the partner.
	RuleIdentification = "identification"
)

// PriceList holds the configurable prices, in cents excluding VAT, keyed by
// level and validity in years.
//
// Included, Renewal and Link came later: a price list without them (an
// older file, or one stored before) quotes as before, with no permission
// included, and renewing or linking a means costing what a new means costs.
type PriceList struct {
	Currency   string                   `json:"currency" yaml:"currency"`
	VATPercent int64                    `json:"vat_percent" yaml:"vat_percent"`
	Means      map[Level]map[int]int64  `json:"means" yaml:"means"`
	Permission map[Level]map[int]int64  `json:"permission" yaml:"permission"`
	Identify   IdentificationPriceTable `json:"identification" yaml:"identification"`
	// Included says how many permissions per user come with a new and with
	// a renewed means; further ones are extra permissions.
	Included *IncludedPermissions `json:"included_permissions,omitempty" yaml:"included_permissions,omitempty"`
	// Renewal prices renewing a means, by level and validity.
	Renewal map[Level]map[int]int64 `json:"renewal,omitempty" yaml:"renewal,omitempty"`
	// Link prices linking a means a user already holds to another
	// organisation, by the means' level; its end date does not change.
	Link map[Level]int64 `json:"link,omitempty" yaml:"link,omitempty"`
}

// IncludedPermissions are the permissions per user that come with a means
// at no extra charge.
type IncludedPermissions struct {
	New     int64 `json:"new" yaml:"new"`
	Renewal int64 `json:"renewal" yaml:"renewal"`
}

// IdentificationPriceTable prices identification of users not employed by
// the organisation.
type IdentificationPriceTable struct {
	RemoteCents            int64 `json:"remote_cents" yaml:"remote_cents"`
	InPersonSurchargeCents int64 `json:"in_person_surcharge_cents" yaml:"in_person_surcharge_cents"`
}

// IncludedNew is how many permissions per user come with a new means.
func (pl *PriceList) IncludedNew() int64 {
	if pl.Included == nil {
		return 0
	}
	return pl.Included.New
}

// IncludedRenewal is how many permissions per means come with a renewal.
func (pl *PriceList) IncludedRenewal() int64 {
	if pl.Included == nil {
		return 0
	}
	return pl.Included.Renewal
}

// RenewalPrice is the price of renewing a means at level for years: the
// renewal table's, or the means price when the list has none.
func (pl *PriceList) RenewalPrice(level Level, years int) (int64, bool) {
	if pl.Renewal != nil {
		c, ok := pl.Renewal[level][years]
		return c, ok
	}
	c, ok := pl.Means[level][years]
	return c, ok
}

// LinkPrice is the price of linking a means at level to another
// organisation: the link table's, or the means price for years when the
// list has none.
func (pl *PriceList) LinkPrice(level Level, years int) (int64, bool) {
	if pl.Link != nil {
		c, ok := pl.Link[level]
		return c, ok
	}
	c, ok := pl.Means[level][years]
	return c, ok
}

// QuoteInput is what the price of a new application depends on.
type QuoteInput struct {
	Level         Level
	ValidityYears int
	Users         int64
	// NotEmployed counts the users who are identified through the partner.
	NotEmployed int64
	// Permissions is the number of permissions each user gets
	// (Permissions.Count).
	Permissions int64
	// Linked counts the users among Users who already hold a means at
	// Level or above: their means is linked to the organisation instead
	// of bought, and no permission comes with it.
	Linked int64
}

// quoter adds up quote lines: the one arithmetic every quote shares.
type quoter struct {
	pl *PriceList
	q  Quote
}

func newQuoter(pl *PriceList) *quoter {
	return &quoter{pl: pl, q: Quote{Lines: []QuoteLine{}, Currency: pl.Currency, VATPercent: pl.VATPercent}}
}

func (b *quoter) add(item, rule, desc string, qty, unit int64) {
	if qty <= 0 {
		return
	}
	b.q.Lines = append(b.q.Lines, QuoteLine{Item: item, Rule: rule, Description: desc, Quantity: qty, UnitCents: unit, TotalCents: qty * unit})
	b.q.SubtotalCents += qty * unit
}

// permissions adds the lines for perUser permissions for each of users
// whose means includes up to included of them at no charge, plus extra
// permissions charged in full (linked means include none).
func (b *quoter) permissions(level Level, years int, users, perUser, included, extra int64) error {
	inc := min(perUser, max(included, 0))
	b.add("permission", RuleIncludedPermissions, fmt.Sprintf("Permission %s, %s, included with the means (%d per user)", level, Years(years), inc),
		users*inc, 0)
	n := users*(perUser-inc) + extra
	if n <= 0 {
		return nil
	}
	perm, ok := b.pl.Permission[level][years]
	if !ok {
		return Errorf(KindInternal, "the price list has no price for an %s permission for %s", level, Years(years))
	}
	b.add("permission", RuleExtraPermission, fmt.Sprintf("Extra permission %s, %s", level, Years(years)), n, perm)
	return nil
}

// done adds VAT: it rounds half up on the subtotal, as on an invoice.
func (b *quoter) done() Quote {
	b.q.VATCents = (b.q.SubtotalCents*b.pl.VATPercent + 50) / 100
	b.q.TotalCents = b.q.SubtotalCents + b.q.VATCents
	return b.q
}

// Quote prices a new application: the means per user (or, for a user who
// already holds one, the link to the organisation), the permissions beyond
// those included with a new means, and a remote identification per user not
// employed by the organisation. The in-person surcharge is the user's
// choice later and not quoted here. The service prices drafts with it, and
// `reconi plan` prices a manifest with the backend's price list before
// anything exists.
func (pl *PriceList) Quote(in QuoteInput) (Quote, error) {
	b := newQuoter(pl)
	if in.ValidityYears == 0 {
		// Nothing can be priced before a validity is chosen (step 9).
		return b.q, nil
	}
	years := Years(in.ValidityYears)
	linked := min(max(in.Linked, 0), in.Users)
	fresh := in.Users - linked
	if fresh > 0 {
		means, ok := pl.Means[in.Level][in.ValidityYears]
		if !ok {
			return b.q, Errorf(KindInternal, "the price list has no price for an %s means for %s", in.Level, years)
		}
		b.add("means", RuleMeans, fmt.Sprintf("eHerkenning means %s, %s", in.Level, years), fresh, means)
	}
	if linked > 0 {
		link, ok := pl.LinkPrice(in.Level, in.ValidityYears)
		if !ok {
			return b.q, Errorf(KindInternal, "the price list has no price for linking an %s means", in.Level)
		}
		b.add("link", RuleLink, fmt.Sprintf("Link a means the user already holds to the organisation, %s", in.Level), linked, link)
	}
	if err := b.permissions(in.Level, in.ValidityYears, fresh, in.Permissions, pl.IncludedNew(), linked*in.Permissions); err != nil {
		return b.q, err
	}
	b.add("identification", RuleIdentification, "Identification (remote) of users not employed", in.NotEmployed, pl.Identify.RemoteCents)
	return b.done(), nil
}

// RenewalItem is one means of a renewal, for its quote.
type RenewalItem struct {
	Level Level
	// Permissions is how many permissions the means carries.
	Permissions int64
	// Identify is set for a means that expired and whose user, not employed
	// by the organisation, is identified again.
	Identify bool
}

// QuoteRenewal prices renewing means for years: per level, the renewal
// price per means, the permissions beyond those included with a renewal at
// the per-permission prices, and a remote identification per expired means
// whose user is identified again.
func (pl *PriceList) QuoteRenewal(years int, items []RenewalItem) (Quote, error) {
	b := newQuoter(pl)
	if years == 0 {
		return b.q, nil
	}
	var identify int64
	for _, level := range Levels {
		var n, perms, extra int64
		for _, it := range items {
			if it.Level != level {
				continue
			}
			n++
			inc := min(it.Permissions, max(pl.IncludedRenewal(), 0))
			perms += inc
			extra += it.Permissions - inc
			if it.Identify {
				identify++
			}
		}
		if n == 0 {
			continue
		}
		price, ok := pl.RenewalPrice(level, years)
		if !ok {
			return b.q, Errorf(KindInternal, "the price list has no price for renewing an %s means for %s", level, Years(years))
		}
		b.add("renewal", RuleRenewal, fmt.Sprintf("Renewal of an eHerkenning means %s, %s", level, Years(years)), n, price)
		b.add("permission", RuleIncludedPermissions, fmt.Sprintf("Permission %s, %s, included with the renewal", level, Years(years)), perms, 0)
		if extra > 0 {
			perm, ok := pl.Permission[level][years]
			if !ok {
				return b.q, Errorf(KindInternal, "the price list has no price for an %s permission for %s", level, Years(years))
			}
			b.add("permission", RuleExtraPermission, fmt.Sprintf("Extra permission %s, %s", level, Years(years)), extra, perm)
		}
	}
	b.add("identification", RuleIdentification, "Identification (remote) of users not employed, whose means expired", identify, pl.Identify.RemoteCents)
	return b.done(), nil
}

// GrantItem is what one level of a permission change grants: Permissions
// permissions in all, over its means.
type GrantItem struct {
	Level       Level
	Permissions int64
}

// QuoteGrant prices permissions granted to issued means for years: each
// one an extra permission at the means' level.
func (pl *PriceList) QuoteGrant(years int, items []GrantItem) (Quote, error) {
	b := newQuoter(pl)
	if years == 0 {
		return b.q, nil
	}
	for _, level := range Levels {
		var n int64
		for _, it := range items {
			if it.Level == level {
				n += it.Permissions
			}
		}
		if err := b.permissions(level, years, 0, 0, 0, n); err != nil {
			return b.q, err
		}
	}
	return b.done(), nil
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
