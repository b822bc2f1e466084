package service

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// RegisterOrganization adds an organisation and its branches to the register.
func (s *Service) RegisterOrganization(ctx context.Context, in reconi.NewOrganization) (*reconi.Organization, error) {
	if err := authorize(ctx, actOperator, ""); err != nil {
		return nil, err
	}
	kvk, err := reconi.ParseKVK(in.KVK)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return nil, reconi.Invalid("name", "is empty: the organisation's registered name is required")
	}
	o := &reconi.Organization{KVK: kvk, Name: name, Branches: []reconi.Branch{}, CreatedAt: s.now().UTC()}
	seen := map[reconi.BranchNumber]bool{}
	for _, b := range in.Branches {
		n, err := reconi.ParseBranch(b)
		if err != nil {
			return nil, err
		}
		if !seen[n] {
			seen[n] = true
			o.Branches = append(o.Branches, reconi.Branch{Number: n})
		}
	}
	err = s.update(ctx, func(tx store.Tx) error {
		// Look first: on PostgreSQL a failed insert ends the transaction.
		existing, err := tx.Organization(kvk)
		if err != nil {
			return err
		}
		if existing != nil {
			return reconi.Errorf(reconi.KindConflict, "organisation %s is already registered as %q", kvk, existing.Name)
		}
		if err := tx.InsertOrganization(o); errors.Is(err, store.ErrConflict) {
			return reconi.Errorf(reconi.KindConflict, "organisation %s, or one of its branch numbers, is already registered", kvk)
		} else if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Organizations lists the register, limited to the actor's organisations.
func (s *Service) Organizations(ctx context.Context) ([]reconi.Organization, error) {
	if err := authorize(ctx, actRead, ""); err != nil {
		return nil, err
	}
	var out []reconi.Organization
	err := s.view(ctx, func(tx store.Tx) (err error) {
		out, err = tx.Organizations()
		return err
	})
	a := reconi.ActorFrom(ctx)
	kept := []reconi.Organization{}
	for _, o := range out {
		if mayAccess(a, o.KVK) {
			kept = append(kept, o)
		}
	}
	return kept, err
}

// Organization returns one organisation of the register.
func (s *Service) Organization(ctx context.Context, kvkText reconi.KVK) (*reconi.Organization, error) {
	kvk, err := reconi.ParseKVK(string(kvkText))
	if err != nil {
		return nil, err
	}
	if err := authorize(ctx, actRead, kvk); err != nil {
		return nil, err
	}
	var o *reconi.Organization
	err = s.view(ctx, func(tx store.Tx) (err error) {
		o, err = s.org(tx, kvk)
		return err
	})
	return o, err
}

func (s *Service) org(tx store.Tx, kvk reconi.KVK) (*reconi.Organization, error) {
	o, err := tx.Organization(kvk)
	if err == nil && o == nil {
		err = reconi.Errorf(reconi.KindNotFound, "organisation %s is not in the register (an operator adds it with: reconi org register --kvk %s --name NAME)", kvk, kvk)
	}
	return o, err
}

// Services lists the catalogue, optionally only what a means at a level may
// use, or one provider's services.
func (s *Service) Services(ctx context.Context, f reconi.ServiceFilter) ([]reconi.Service, error) {
	if err := authorize(ctx, actRead, ""); err != nil {
		return nil, err
	}
	var level reconi.Level
	if f.Level != "" {
		l, err := reconi.ParseLevel(f.Level)
		if err != nil {
			return nil, err
		}
		level = l
	}
	var cat *reconi.Catalogue
	if err := s.view(ctx, func(tx store.Tx) (err error) {
		cat, err = tx.Catalogue()
		return err
	}); err != nil {
		return nil, err
	}
	if f.Provider != "" {
		if _, err := findProvider(cat, f.Provider); err != nil {
			return nil, err
		}
	}
	out := []reconi.Service{}
	for _, svc := range cat.Services {
		if level != "" && !level.Satisfies(svc.Level) {
			continue
		}
		if f.Provider != "" && !strings.EqualFold(svc.Provider, f.Provider) {
			continue
		}
		out = append(out, svc)
	}
	return out, nil
}

func findProvider(cat *reconi.Catalogue, name string) (*reconi.Provider, error) {
	var names []string
	for i := range cat.Providers {
		if strings.EqualFold(cat.Providers[i].Name, strings.TrimSpace(name)) {
			return &cat.Providers[i], nil
		}
		names = append(names, cat.Providers[i].Name)
	}
	return nil, reconi.Invalid("provider", "%q is not in the service catalogue: want one of %s", name, strings.Join(names, ", "))
}

// LoadCatalogue replaces the service catalogue after checking all of it.
func (s *Service) LoadCatalogue(ctx context.Context, c reconi.Catalogue) error {
	if err := authorize(ctx, actOperator, ""); err != nil {
		return err
	}
	if err := validateCatalogue(&c); err != nil {
		return err
	}
	return s.update(ctx, func(tx store.Tx) error { return tx.ReplaceCatalogue(c) })
}

// ParseCatalogue reads a catalogue file (YAML or JSON) and validates it.
func ParseCatalogue(b []byte) (*reconi.Catalogue, error) {
	var c reconi.Catalogue
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, reconi.Invalid("catalogue", "cannot read the file: %v", err)
	}
	return &c, validateCatalogue(&c)
}

func validateCatalogue(c *reconi.Catalogue) error {
	var rows []reconi.RowError
	bad := func(field, format string, args ...any) {
		rows = append(rows, reconi.RowError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	providers := map[string]reconi.OIN{}
	oins := map[reconi.OIN]bool{}
	for i, p := range c.Providers {
		f := fmt.Sprintf("providers[%d]", i)
		if strings.TrimSpace(p.Name) == "" {
			bad(f+".name", "is empty")
		}
		if _, err := reconi.ParseOIN(string(p.OIN)); err != nil {
			bad(f+".oin", "%q is not an OIN: want exactly 20 digits", p.OIN)
		}
		if _, dup := providers[strings.ToLower(p.Name)]; dup {
			bad(f+".name", "provider %q is listed twice", p.Name)
		}
		if oins[p.OIN] {
			bad(f+".oin", "OIN %s is listed twice", p.OIN)
		}
		providers[strings.ToLower(p.Name)] = p.OIN
		oins[p.OIN] = true
	}
	ids := map[reconi.ServiceID]bool{}
	for i, svc := range c.Services {
		f := fmt.Sprintf("services[%d]", i)
		if _, err := reconi.ParseServiceID(string(svc.ID)); err != nil {
			bad(f+".id", "%q is not a ServiceID: want urn:etoegang:DV:<OIN>:services:<index ≥ 1>", svc.ID)
		} else if oin, ok := providers[strings.ToLower(svc.Provider)]; ok && svc.ID.OIN() != oin {
			bad(f+".id", "the OIN in %s is not provider %s's (%s)", svc.ID, svc.Provider, oin)
		}
		if ids[svc.ID] {
			bad(f+".id", "%s is listed twice", svc.ID)
		}
		ids[svc.ID] = true
		if _, ok := providers[strings.ToLower(svc.Provider)]; !ok {
			bad(f+".provider", "%q is not one of the providers listed", svc.Provider)
		}
		if n := len([]rune(svc.Name)); n == 0 || n > 64 {
			bad(f+".name", "must be 1 to 64 characters, is %d", n)
		}
		if _, err := reconi.ParseLevel(string(svc.Level)); err != nil {
			bad(f+".level", "%q is not a level: want EH2, EH2+, EH3 or EH4", svc.Level)
		}
	}
	if len(rows) > 0 {
		return &reconi.Error{Kind: reconi.KindInvalid, Message: "the service catalogue has errors; nothing was changed", Rows: rows}
	}
	return nil
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

func (s *Service) priceList(tx store.Tx) (*reconi.PriceList, error) {
	p, err := tx.PriceList()
	if err == nil && p == nil {
		err = reconi.Errorf(reconi.KindNotFound, "no price list is loaded (an operator loads one with reconi prices load FILE)")
	}
	return p, err
}

// LoadPriceList puts a new price list in force; drafts are quoted from it at
// once, submitted applications keep the quote they were submitted with.
func (s *Service) LoadPriceList(ctx context.Context, p reconi.PriceList) error {
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

// ParsePriceList reads a price list file (YAML or JSON) and validates it.
func ParsePriceList(b []byte) (*reconi.PriceList, error) {
	var p reconi.PriceList
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil {
		return nil, reconi.Invalid("price list", "cannot read the file: %v", err)
	}
	return &p, validatePriceList(&p)
}

func validatePriceList(p *reconi.PriceList) error {
	var rows []reconi.RowError
	bad := func(field, format string, args ...any) {
		rows = append(rows, reconi.RowError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if p.Currency != "EUR" {
		bad("currency", "%q is not supported: want EUR", p.Currency)
	}
	if p.VATPercent < 0 || p.VATPercent > 100 {
		bad("vat_percent", "%d is not a percentage", p.VATPercent)
	}
	check := func(name string, table map[reconi.Level]map[int]int64, levels []reconi.Level) {
		for l := range table {
			if l.Rank() == 0 {
				bad(name, "%q is not a level: want EH2, EH2+, EH3 or EH4", l)
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

// Terms returns the conditions in force.
func (s *Service) Terms(ctx context.Context) (*reconi.Terms, error) {
	if err := authorize(ctx, actRead, ""); err != nil {
		return nil, err
	}
	t := s.terms
	return &t, nil
}
