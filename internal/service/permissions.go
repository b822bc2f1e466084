package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// SetPermissions sets what every user of a draft will be authorised for, and
// for how long (wizard step 9).
func (s *Service) SetPermissions(ctx context.Context, appID int64, in reconi.PermissionsInput) (*reconi.Application, error) {
	if err := reconi.CheckTexts("", in); err != nil {
		return nil, err
	}
	if !slices.Contains(reconi.ValidityYears, in.ValidityYears) {
		return nil, reconi.Invalid("validity", "%d years is not offered: want 1, 3 or 5 years (at most 5)", in.ValidityYears)
	}
	var warnings []string
	err := s.update(ctx, func(tx store.Tx) error {
		a, err := s.draft(ctx, tx, appID)
		if err != nil {
			return err
		}
		cat, err := tx.Catalogue()
		if err != nil {
			return err
		}
		p, w, err := resolvePermissions(in, a, cat)
		if err != nil {
			return err
		}
		warnings = w
		a.Permissions, a.ValidityYears = p, in.ValidityYears
		if err := tx.UpdateApplication(a); err != nil {
			return err
		}
		return tx.InsertEvent(&reconi.Event{ApplicationID: a.ID, From: string(a.State), To: string(a.State),
			Actor: actorName(ctx), Reason: fmt.Sprintf("permissions set: %s, valid %s", p, reconi.Years(a.ValidityYears)), At: s.now().UTC()})
	})
	if err != nil {
		return nil, err
	}
	a, err := s.Application(ctx, appID)
	if a != nil {
		a.Warnings = warnings
	}
	return a, err
}

// resolvePermissions checks a permission request against the catalogue, the
// draft's level and its branch restriction, and returns the permissions with
// names as the catalogue spells them, plus advice.
func resolvePermissions(in reconi.PermissionsInput, a *reconi.Application, cat *reconi.Catalogue) (*reconi.Permissions, []string, error) {
	kinds := 0
	for _, set := range []bool{in.AllServices, len(in.Providers) > 0, len(in.Services) > 0} {
		if set {
			kinds++
		}
	}
	if !in.Direct {
		if kinds > 0 {
			return nil, nil, reconi.Invalid("direct", "permissions are not added directly (direct=false), so no services or providers can be given")
		}
		return &reconi.Permissions{Direct: false, Scope: reconi.ScopeNone},
			[]string{"no permissions are added: the users cannot log in anywhere until permissions are granted to them"}, nil
	}
	switch kinds {
	case 0:
		return nil, nil, reconi.Invalid("permissions", "choose what the users may use: all_services, providers or services")
	case 1:
	default:
		return nil, nil, reconi.Invalid("permissions", "choose one of all services, providers or services, not several")
	}
	p := &reconi.Permissions{Direct: true}
	var warnings []string
	var err error
	switch {
	case in.AllServices:
		p.Scope = reconi.ScopeAllServices
		if a.Branch != "" {
			warnings = append(warnings, branchWarning(cat))
		}
		warnings = append(warnings, levelWarnings(a, cat.Services)...)
	case len(in.Providers) > 0:
		p.Scope = reconi.ScopeProviders
		p.Providers, warnings, err = resolveProviders(in.Providers, a, cat)
	default:
		p.Scope = reconi.ScopeServices
		p.Services, p.ServiceUUIDs, err = resolveServices(in.Services, a, cat)
	}
	if err != nil {
		return nil, nil, err
	}
	return p, warnings, nil
}

// levelWarnings advises about each of svcs that a means at a's level cannot
// use.
func levelWarnings(a *reconi.Application, svcs []reconi.Service) []string {
	var warnings []string
	for _, svc := range svcs {
		if !a.Level.Satisfies(svc.Level) {
			warnings = append(warnings, fmt.Sprintf("%s %s requires %s: an %s means cannot be used there",
				svc.Provider, svc.Name, svc.Level, a.Level))
		}
	}
	return warnings
}

// resolveProviders checks the providers named for draft a and returns them
// as the catalogue spells them, once each, with advice about their services.
// A provider none of whose services a user of the draft could use (above
// its level, or refusing branch-bound users on a draft restricted to a
// branch) is refused, as such a single service is.
func resolveProviders(names []string, a *reconi.Application, cat *reconi.Catalogue) ([]string, []string, error) {
	var out, warnings []string
	for _, name := range names {
		prov, err := findProvider(cat, name)
		if err != nil {
			return nil, nil, err
		}
		if slices.Contains(out, prov.Name) {
			continue
		}
		advice, err := reconi.CheckProvider("provider", prov.Name, cat.Services, a.Level, a.Branch)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, prov.Name)
		warnings = append(warnings, advice...)
	}
	return out, warnings, nil
}

// resolveServices checks the service IDs named for draft a against the
// catalogue, its level and its branch, and returns them once each, with
// their ServiceUUIDs in the same order.
func resolveServices(raws []string, a *reconi.Application, cat *reconi.Catalogue) ([]reconi.ServiceID, []reconi.ServiceUUID, error) {
	var out []reconi.ServiceID
	var uuids []reconi.ServiceUUID
	for _, raw := range raws {
		id, err := reconi.ParseServiceID(strings.TrimSpace(raw))
		if err != nil {
			return nil, nil, err
		}
		i := slices.IndexFunc(cat.Services, func(svc reconi.Service) bool { return svc.ID == id })
		if i < 0 {
			return nil, nil, reconi.Invalid("service", "%s is not in the service catalogue", id)
		}
		svc := cat.Services[i]
		if err := reconi.CheckService("service", svc, a.Level, a.Branch); err != nil {
			return nil, nil, err
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
			uuids = append(uuids, svc.UUID)
		}
	}
	return out, uuids, nil
}
