package reconi

// Provider is a government service provider (dienstverlener).
type Provider struct {
	Name string `json:"name" yaml:"name"`
	OIN  OIN    `json:"oin" yaml:"oin"`
	// AcceptsBranchUsers is false for providers where a user bound to a branch
	// number cannot log in (Belastingdienst, UWV).
	AcceptsBranchUsers bool `json:"accepts_branch_users" yaml:"accepts_branch_users"`
}

// Service is one entry of the service catalogue.
type Service struct {
	ID       ServiceID `json:"id" yaml:"id"`
	Provider string    `json:"provider" yaml:"provider"`
	Name     string    `json:"name" yaml:"name"`
	Level    Level     `json:"level" yaml:"level"`
}

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
