// Package reconi holds the domain of reconi: its types, the Backend interface
// every command talks to, and the error kinds. It imports nothing of ours.
package reconi

import (
	"context"
	"io"
)

// Backend is everything the CLI can ask of reconi. The embedded service and
// the HTTP client both implement it, and fail with the same *Error kinds.
type Backend interface {
	// The organisation register (operator data).
	RegisterOrganization(ctx context.Context, in NewOrganization) (*Organization, error)
	Organizations(ctx context.Context) ([]Organization, error)
	Organization(ctx context.Context, kvk KVK) (*Organization, error)

	// The service catalogue and price list (operator data).
	Services(ctx context.Context, f ServiceFilter) ([]Service, error)
	LoadCatalogue(ctx context.Context, c Catalogue) error
	PriceList(ctx context.Context) (*PriceList, error)
	LoadPriceList(ctx context.Context, p PriceList) error

	// The wizard, steps 3 to 10.
	CreateDraft(ctx context.Context, in NewDraft) (*Application, error)
	Application(ctx context.Context, id int64) (*Application, error)
	AddUser(ctx context.Context, appID int64, in NewUser) (*User, error)
	// ImportUsers reads CSV from r (any common spreadsheet dialect) and adds
	// every row, or none when any row is bad.
	ImportUsers(ctx context.Context, appID int64, r io.Reader, opt ImportOptions) (*ImportResult, error)
	RemoveUser(ctx context.Context, appID int64, email string) error
	Users(ctx context.Context, f UserFilter) ([]User, error)
	SetPermissions(ctx context.Context, appID int64, in PermissionsInput) (*Application, error)
	Terms(ctx context.Context) (*Terms, error)
	Submit(ctx context.Context, appID int64, in Submission) (*Application, error)

	// Applications in progress.
	Applications(ctx context.Context, f ApplicationFilter) ([]ApplicationSummary, error)
	History(ctx context.Context, appID int64) ([]Event, error)

	// Whoami returns the actor the backend acts for.
	Whoami(ctx context.Context) (*Actor, error)

	UserSide
}

// NewOrganization registers an organisation.
type NewOrganization struct {
	KVK      string   `json:"kvk"`
	Name     string   `json:"name"`
	Branches []string `json:"branches,omitempty"`
}

// ServiceFilter narrows the catalogue; empty fields match everything.
type ServiceFilter struct {
	// Level keeps the services a means at this level may use.
	Level    string `json:"level,omitempty"`
	Provider string `json:"provider,omitempty"`
}

// NewDraft starts an application (wizard steps 3 to 6).
type NewDraft struct {
	KVK    string `json:"kvk"`
	Level  string `json:"level"`
	Branch string `json:"branch,omitempty"`
}

// NewUser is one user as entered; the backend validates every field.
type NewUser struct {
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	Email       string `json:"email"`
	Phone       string `json:"phone"`
	DateOfBirth string `json:"date_of_birth,omitempty"`
	// Employed is required: it decides between issuing at once and
	// identification first.
	Employed *bool `json:"employed"`
}

// ImportOptions tune ImportUsers.
type ImportOptions struct {
	// DryRun validates every row and stores nothing.
	DryRun bool `json:"dry_run"`
}

// ImportResult reports a successful import.
type ImportResult struct {
	Rows   int  `json:"rows"`
	Added  int  `json:"added"`
	DryRun bool `json:"dry_run"`
	// IgnoredColumns are header cells that matched no known column.
	IgnoredColumns []string `json:"ignored_columns,omitempty"`
}

// UserFilter selects users of one application, or of one organisation.
type UserFilter struct {
	ApplicationID int64  `json:"application_id,omitempty"`
	KVK           string `json:"kvk,omitempty"`
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

// Submission is wizard step 10.
type Submission struct {
	AgreeTerms bool `json:"agree_terms"`
	// TermsVersion is the version the manager was shown; submitting fails
	// when the terms changed since.
	TermsVersion string `json:"terms_version"`
	// MaxPriceCents, when set, refuses a quote whose total (VAT included) is
	// above it.
	MaxPriceCents *int64 `json:"max_price_cents,omitempty"`
	// NotifyEmail receives the manager's receipt and confirmations.
	NotifyEmail string `json:"notify_email,omitempty"`
	// IdempotencyKey makes submitting safe to repeat: an application already
	// submitted with the same key is returned as it is, not refused.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
}

// ApplicationFilter narrows "Applications in progress"; empty fields match
// everything.
type ApplicationFilter struct {
	KVK   string `json:"kvk,omitempty"`
	State string `json:"state,omitempty"`
	Email string `json:"email,omitempty"`
}
