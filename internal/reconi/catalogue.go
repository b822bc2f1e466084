package reconi

import (
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// Provider is a government service provider (dienstverlener).
type Provider struct {
	Name string `json:"name" yaml:"name"`
	OIN  OIN    `json:"oin" yaml:"oin"`
	// AcceptsBranchUsers is the default of the provider's services that do
	// not say (Service.AcceptsBranchUsers): false for providers where a user
	// bound to a branch number cannot log in (Belastingdienst, UWV).
	AcceptsBranchUsers bool `json:"accepts_branch_users" yaml:"accepts_branch_users"`
}

// ServiceUUID is the UUID the eHerkenning rulebook registers entitlements
// against, in canonical lower-case form. The ServiceID URN is how people
// name the service.
type ServiceUUID string

// DeriveServiceUUID is the ServiceUUID of a service whose catalogue entry
// gives none: the UUIDv5 (SHA-1) of its ServiceID in the URL namespace of
// RFC 4122, so the same ServiceID always gets the same UUID.
func DeriveServiceUUID(id ServiceID) ServiceUUID {
	return ServiceUUID(uuid.NewSHA1(uuid.NameSpaceURL, []byte(id)).String())
}

// ParseServiceUUID validates s as a ServiceUUID: 36 characters in the
// canonical form, not all zeros. It returns it in lower case.
func ParseServiceUUID(s string) (ServiceUUID, error) {
	u, err := uuid.Parse(s)
	if err != nil || len(s) != 36 || u == uuid.Nil {
		return "", Invalid("service_uuid", "%q is not a UUID: want 36 characters such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301", Excerpt(s))
	}
	return ServiceUUID(u.String()), nil
}

// Service is one entry of the service catalogue.
type Service struct {
	ID       ServiceID `json:"id" yaml:"id"`
	Provider string    `json:"provider" yaml:"provider"`
	Name     string    `json:"name" yaml:"name"`
	Level    Level     `json:"level" yaml:"level"`
	// UUID is the service's ServiceUUID; a catalogue file may leave it out,
	// and then it is the UUIDv5 of the ServiceID in the URL namespace. It
	// follows the older fields so that CSV columns are only added.
	UUID ServiceUUID `json:"service_uuid" yaml:"service_uuid,omitempty"`
	// AcceptsBranchUsers says whether a user bound to a branch number can
	// log in to the service. A catalogue file may leave it out, and then the
	// provider's value applies; the catalogue reconi holds always says.
	AcceptsBranchUsers *bool `json:"accepts_branch_users" yaml:"accepts_branch_users,omitempty"`
}

// AcceptsBranch reports whether users bound to a branch can use the
// service; a service that does not say accepts them.
func (s Service) AcceptsBranch() bool { return s.AcceptsBranchUsers == nil || *s.AcceptsBranchUsers }

// Catalogue is the whole service catalogue, as an operator loads it.
type Catalogue struct {
	Providers []Provider `json:"providers" yaml:"providers"`
	Services  []Service  `json:"services" yaml:"services"`
}

// ServiceFilter narrows the catalogue; empty fields match everything.
type ServiceFilter struct {
	// Level keeps the services a means at this level may use.
	Level    string `json:"level,omitempty"`
	Provider string `json:"provider,omitempty"`
}

// CheckService refuses a permission for svc that a means at level cannot
// use, or that a user bound to a branch cannot when branch is set; the
// error names field.
func CheckService(field string, svc Service, level Level, branch BranchNumber) error {
	if !level.Satisfies(svc.Level) {
		return Invalid(field, "%s %s (%s) requires %s, above this draft's level %s",
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
