package reconi

import (
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
