package reconi

import "context"

// Changing the permissions of issued means: a manager grants further ones
// (a change draft, charged as extra permissions, effective on submit) and
// withdraws some (at once and free).

// NewGrant starts a change draft that grants the issued means of Emails
// (or means IDs), of one organisation, further permissions for
// ValidityYears: all services, the services of Providers, or Services, as
// in wizard step 9.
type NewGrant struct {
	KVK           string   `json:"kvk"`
	Emails        []string `json:"emails"`
	AllServices   bool     `json:"all_services,omitempty"`
	Providers     []string `json:"providers,omitempty"`
	Services      []string `json:"services,omitempty"`
	ValidityYears int      `json:"validity_years"`
}

// PermissionWithdrawal withdraws permissions from the issued means of
// Emails, of one organisation: those for Providers (their services
// included), those for Services, or All of them.
type PermissionWithdrawal struct {
	KVK       string   `json:"kvk"`
	Emails    []string `json:"emails"`
	Providers []string `json:"providers,omitempty"`
	Services  []string `json:"services,omitempty"`
	All       bool     `json:"all,omitempty"`
	Reason    string   `json:"reason"`
	// DryRun checks everything and withdraws nothing.
	DryRun bool `json:"dry_run,omitempty"`
}

// WithdrawnPermission is one permission a withdrawal took off a means.
type WithdrawnPermission struct {
	MeansID int64  `json:"means_id"`
	Email   string `json:"email"`
	MeansPermission
}

// PermissionWithdrawResult reports a withdrawal of permissions: what was
// (or, with DryRun, would be) taken off, and each means as it is after.
type PermissionWithdrawResult struct {
	Withdrawn []WithdrawnPermission `json:"withdrawn"`
	Means     []Means               `json:"means"`
	DryRun    bool                  `json:"dry_run"`
}

// GrantBackend is the part of Backend about changing the permissions of
// issued means.
type GrantBackend interface {
	// CreateGrant starts a change draft, quoted per permission per means
	// at the extra-permission prices; Submit submits it like any draft.
	CreateGrant(ctx context.Context, in NewGrant) (*Application, error)
	// WithdrawPermissions withdraws permissions at once, all or none.
	WithdrawPermissions(ctx context.Context, in PermissionWithdrawal) (*PermissionWithdrawResult, error)
}
