package service

import (
	"context"
	"fmt"
	"strings"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// Services lists the catalogue, optionally only what a means at a level may
// use, or one provider's services.
func (s *Service) Services(ctx context.Context, f reconi.ServiceFilter) ([]reconi.Service, error) {
	if err := reconi.CheckTexts("", f); err != nil {
		return nil, err
	}
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
		cat, err = s.cachedCatalogue(tx)
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
	return nil, reconi.Invalid("provider", "%q is not in the service catalogue: want one of %s", reconi.Excerpt(name), strings.Join(names, ", "))
}

// LoadCatalogue replaces the service catalogue after checking all of it.
func (s *Service) LoadCatalogue(ctx context.Context, c reconi.Catalogue) error {
	if err := reconi.CheckTexts("", c); err != nil {
		return err
	}
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
	if err := decodeFile("the service catalogue", b, &c); err != nil {
		return nil, err
	}
	return &c, validateCatalogue(&c)
}

// validateCatalogue checks c and fills in what its services leave out: the
// ServiceUUID derived from the ServiceID, and branch acceptance from the
// provider.
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
			bad(f+".oin", "%q is not an OIN: want exactly 20 digits", reconi.Excerpt(string(p.OIN)))
		}
		if _, dup := providers[strings.ToLower(p.Name)]; dup {
			bad(f+".name", "provider %q is listed twice", reconi.Excerpt(p.Name))
		}
		if oins[p.OIN] {
			bad(f+".oin", "OIN %s is listed twice", p.OIN)
		}
		providers[strings.ToLower(p.Name)] = p.OIN
		oins[p.OIN] = true
	}
	ids := map[reconi.ServiceID]bool{}
	uuids := map[reconi.ServiceUUID]reconi.ServiceID{}
	for i := range c.Services {
		svc := &c.Services[i]
		f := fmt.Sprintf("services[%d]", i)
		if _, err := reconi.ParseServiceID(string(svc.ID)); err != nil {
			bad(f+".id", "%q is not a ServiceID: want urn:etoegang:DV:<OIN>:services:<index ≥ 1>", reconi.Excerpt(string(svc.ID)))
		} else if oin, ok := providers[strings.ToLower(svc.Provider)]; ok && svc.ID.OIN() != oin {
			bad(f+".id", "the OIN in %s is not provider %s's (%s)", svc.ID, svc.Provider, oin)
		}
		if ids[svc.ID] {
			bad(f+".id", "%s is listed twice", svc.ID)
		}
		ids[svc.ID] = true
		if _, ok := providers[strings.ToLower(svc.Provider)]; !ok {
			bad(f+".provider", "%q is not one of the providers listed", reconi.Excerpt(svc.Provider))
		}
		if n := len([]rune(svc.Name)); n == 0 || n > 64 {
			bad(f+".name", "must be 1 to 64 characters, is %d", n)
		}
		if _, err := reconi.ParseLevel(string(svc.Level)); err != nil {
			bad(f+".level", "%q is not a level: want EH2, EH2+, EH3 or EH4", reconi.Excerpt(string(svc.Level)))
		}
		if svc.UUID == "" {
			svc.UUID = reconi.DeriveServiceUUID(svc.ID)
		} else if u, err := reconi.ParseServiceUUID(string(svc.UUID)); err != nil {
			bad(f+".service_uuid", "%q is not a UUID: want 36 characters such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301, or leave it out", reconi.Excerpt(string(svc.UUID)))
		} else {
			svc.UUID = u
		}
		if other, dup := uuids[svc.UUID]; dup && svc.UUID != "" {
			bad(f+".service_uuid", "%s is already the ServiceUUID of %s", svc.UUID, other)
		}
		uuids[svc.UUID] = svc.ID
		if svc.AcceptsBranchUsers == nil {
			// The provider's value is the default of its services.
			for _, p := range c.Providers {
				if strings.EqualFold(p.Name, svc.Provider) {
					accepts := p.AcceptsBranchUsers
					svc.AcceptsBranchUsers = &accepts
				}
			}
		}
	}
	if len(rows) > 0 {
		return &reconi.Error{Kind: reconi.KindInvalid, Message: "the service catalogue has errors; nothing was changed", Rows: rows}
	}
	return nil
}
