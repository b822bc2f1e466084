package reconi

import (
	"fmt"
	"strings"
)

// PermissionScope says which services a permission covers.
type PermissionScope string

const (
	// ScopeNone: no permissions now ("add permissions directly: no").
	ScopeNone PermissionScope = "none"
	// ScopeAllServices: all services of all providers, future ones included.
	ScopeAllServices PermissionScope = "all_services"
	// ScopeProviders: all services of the named providers, future ones included.
	ScopeProviders PermissionScope = "providers"
	// ScopeServices: the named services only.
	ScopeServices PermissionScope = "services"
)

// Permissions are what every user of an application will be authorised for.
type Permissions struct {
	Direct    bool            `json:"direct"`
	Scope     PermissionScope `json:"scope"`
	Providers []string        `json:"providers,omitempty"`
	Services  []ServiceID     `json:"services,omitempty"`
	// ServiceUUIDs are the ServiceUUIDs of Services, in the same order:
	// what the permissions are registered against.
	ServiceUUIDs []ServiceUUID `json:"service_uuids,omitempty"`
}

// Count is the number of permissions each user gets, the unit of pricing.
func (p *Permissions) Count() int {
	if p == nil || !p.Direct {
		return 0
	}
	switch p.Scope {
	case ScopeAllServices:
		return 1
	case ScopeProviders:
		return len(p.Providers)
	case ScopeServices:
		return len(p.Services)
	}
	return 0
}

// String describes the permissions in words.
func (p *Permissions) String() string {
	if p == nil {
		return "not set"
	}
	switch p.Scope {
	case ScopeAllServices:
		return "all services of all providers"
	case ScopeProviders:
		return "all services of " + strings.Join(p.Providers, ", ")
	case ScopeServices:
		ids := make([]string, len(p.Services))
		for i, s := range p.Services {
			ids[i] = string(s)
		}
		return strings.Join(ids, ", ")
	}
	return "none: the users cannot log in anywhere yet"
}

// PermissionsInput is wizard step 9.
type PermissionsInput struct {
	// Direct false means "add permissions directly: no".
	Direct        bool     `json:"direct"`
	AllServices   bool     `json:"all_services,omitempty"`
	Providers     []string `json:"providers,omitempty"`
	Services      []string `json:"services,omitempty"`
	ValidityYears int      `json:"validity_years"`
}

// CheckService refuses a permission for svc that a means at level cannot
// use, or that a user bound to a branch cannot when branch is set; the
// error names field.
func CheckService(field string, svc Service, level Level, branch BranchNumber) error {
	if !level.Satisfies(svc.Level) {
		return Invalid(field, "%s %s (%s) requires %s: an %s means cannot be used there",
			svc.Provider, svc.Name, svc.ID, svc.Level, level)
	}
	if branch != "" && !svc.AcceptsBranch() {
		return Invalid(field, "%s %s (%s) does not accept users bound to a branch, and this draft is restricted to branch %s",
			svc.Provider, svc.Name, svc.ID, branch)
	}
	return nil
}

// CheckProvider refuses a permission for all services of provider that
// none of its services in svcs (the whole catalogue) makes usable: none at
// or below level, or, when branch is set, none that accepts users bound to a
// branch. It returns advice about the provider's services the means cannot
// use; the error names field.
func CheckProvider(field, provider string, svcs []Service, level Level, branch BranchNumber) ([]string, error) {
	var own []Service
	for _, svc := range svcs {
		if strings.EqualFold(svc.Provider, provider) {
			own = append(own, svc)
		}
	}
	if len(own) == 0 {
		return nil, Invalid(field, "%s has no services in the catalogue yet, so a permission for all its services cannot be used", provider)
	}
	var lowest Level
	atLevel, branchOK := 0, 0
	for _, svc := range own {
		if lowest == "" || svc.Level.Rank() < lowest.Rank() {
			lowest = svc.Level
		}
		if level.Satisfies(svc.Level) {
			atLevel++
			if svc.AcceptsBranch() {
				branchOK++
			}
		}
	}
	if atLevel == 0 {
		return nil, Invalid(field, "none of %s's services can be used with an %s means: the lowest level they need is %s",
			provider, level, lowest)
	}
	if branch != "" && branchOK == 0 {
		return nil, Invalid(field, "none of %s's services an %s means can use accepts users bound to a branch, and this draft is restricted to branch %s",
			provider, level, branch)
	}
	var advice []string
	for _, svc := range own {
		switch {
		case !level.Satisfies(svc.Level):
			advice = append(advice, fmt.Sprintf("%s %s requires %s: an %s means cannot be used there", svc.Provider, svc.Name, svc.Level, level))
		case branch != "" && !svc.AcceptsBranch():
			advice = append(advice, fmt.Sprintf("%s %s does not accept users bound to a branch: restricted to branch %s, the users cannot log in there",
				svc.Provider, svc.Name, branch))
		}
	}
	return advice, nil
}
