package reconi

import (
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
