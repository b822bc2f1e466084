package reconi

import (
	"time"
)

// Organization is an entry of the broker's organisation register.
type Organization struct {
	KVK       KVK       `json:"kvk"`
	Name      string    `json:"name"`
	Branches  []Branch  `json:"branches"`
	CreatedAt time.Time `json:"created_at"`
}

// HasBranch reports whether b is one of the organisation's branches.
func (o *Organization) HasBranch(b BranchNumber) bool {
	for _, x := range o.Branches {
		if x.Number == b {
			return true
		}
	}
	return false
}

// Branch is an establishment (vestiging) of an organisation.
type Branch struct {
	Number BranchNumber `json:"number"`
	Name   string       `json:"name,omitempty"`
}

// OrgRef names an organisation inside other records.
type OrgRef struct {
	KVK  KVK    `json:"kvk"`
	Name string `json:"name"`
}

// NewOrganization registers an organisation.
type NewOrganization struct {
	KVK      string   `json:"kvk"`
	Name     string   `json:"name"`
	Branches []string `json:"branches,omitempty"`
}
