package reconi

import (
	"strings"
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

// AppState is the state of an application as a whole.
type AppState string

const (
	AppDraft     AppState = "draft"
	AppSubmitted AppState = "submitted"
)

// UserState is the state of one user's request.
type UserState string

const (
	UserDraft                 UserState = "draft"
	UserInvited               UserState = "invited"
	UserDetailsConfirmed      UserState = "details_confirmed"
	UserPhoneVerified         UserState = "phone_verified"
	UserOrdered               UserState = "ordered"
	UserIdentificationPending UserState = "identification_pending"
	UserIdentified            UserState = "identified"
	UserFinalCheck            UserState = "final_check"
	UserIssued                UserState = "issued"
	UserRejected              UserState = "rejected"
	UserExpired               UserState = "expired"
	UserCancelled             UserState = "cancelled"
)

// UserStates lists the states in the order a request passes them.
var UserStates = []UserState{UserDraft, UserInvited, UserDetailsConfirmed, UserPhoneVerified, UserOrdered,
	UserIdentificationPending, UserIdentified, UserFinalCheck, UserIssued, UserRejected, UserExpired, UserCancelled}

// User is a person who is to receive an eHerkenning means.
type User struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"application_id"`
	Email         string    `json:"email"`
	FirstName     string    `json:"first_name"`
	LastName      string    `json:"last_name"`
	Phone         string    `json:"phone"`
	DateOfBirth   Date      `json:"date_of_birth,omitempty"`
	Employed      bool      `json:"employed"`
	State         UserState `json:"state"`
	UpdatedAt     time.Time `json:"updated_at"`
	// DeadlineAt ends the current stage (invitation or identification);
	// an open request past it is expired.
	DeadlineAt *time.Time `json:"deadline_at,omitempty"`
}

// Open reports whether a request in state s is still in progress.
func (s UserState) Open() bool {
	switch s {
	case UserIssued, UserRejected, UserExpired, UserCancelled, UserDraft:
		return false
	}
	return true
}

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

// Quote is the price of an application, in integer euro cents.
type Quote struct {
	Lines []QuoteLine `json:"lines"`
	// SubtotalCents excludes VAT; TotalCents includes it.
	SubtotalCents int64  `json:"subtotal_cents"`
	VATPercent    int64  `json:"vat_percent"`
	VATCents      int64  `json:"vat_cents"`
	TotalCents    int64  `json:"total_cents"`
	Currency      string `json:"currency"`
}

// QuoteLine is one priced item of a quote.
type QuoteLine struct {
	Item        string `json:"item"`
	Description string `json:"description"`
	Quantity    int64  `json:"quantity"`
	UnitCents   int64  `json:"unit_cents"`
	TotalCents  int64  `json:"total_cents"`
}

// PriceList holds the configurable prices, in cents excluding VAT, keyed by
// level and validity in years.
type PriceList struct {
	Currency   string                   `json:"currency" yaml:"currency"`
	VATPercent int64                    `json:"vat_percent" yaml:"vat_percent"`
	Means      map[Level]map[int]int64  `json:"means" yaml:"means"`
	Permission map[Level]map[int]int64  `json:"permission" yaml:"permission"`
	Identify   IdentificationPriceTable `json:"identification" yaml:"identification"`
}

// IdentificationPriceTable prices identification of users not employed by
// the organisation.
type IdentificationPriceTable struct {
	RemoteCents            int64 `json:"remote_cents" yaml:"remote_cents"`
	InPersonSurchargeCents int64 `json:"in_person_surcharge_cents" yaml:"in_person_surcharge_cents"`
}

// Terms are a version of the conditions a manager agrees to.
type Terms struct {
	Version string `json:"version"`
	Title   string `json:"title"`
	Text    string `json:"text"`
}

// TermsAgreement records who agreed to which terms, and when.
type TermsAgreement struct {
	Version  string    `json:"version"`
	AgreedBy string    `json:"agreed_by"`
	AgreedAt time.Time `json:"agreed_at"`
}

// Application is a draft or submitted request to add users to an
// organisation. A draft becomes an application when it is submitted.
type Application struct {
	ID            int64           `json:"id"`
	State         AppState        `json:"state"`
	Organization  OrgRef          `json:"organization"`
	Level         Level           `json:"level"`
	Branch        BranchNumber    `json:"branch"`
	Users         []User          `json:"users"`
	Permissions   *Permissions    `json:"permissions"`
	ValidityYears int             `json:"validity_years"`
	Quote         Quote           `json:"quote"`
	Terms         *TermsAgreement `json:"terms"`
	CreatedBy     string          `json:"created_by"`
	CreatedAt     time.Time       `json:"created_at"`
	SubmittedAt   *time.Time      `json:"submitted_at"`
	// NotifyEmail receives the manager's emails about this application.
	NotifyEmail string `json:"notify_email,omitempty"`
	// IdempotencyKey is the key the application was submitted with, if any.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	// Warnings are advice about the request just made (a branch restriction,
	// no permissions); they are not stored.
	Warnings []string `json:"warnings,omitempty"`
}

// ApplicationSummary is one row of "Applications in progress".
type ApplicationSummary struct {
	ID           int64             `json:"id"`
	Organization OrgRef            `json:"organization"`
	Level        Level             `json:"level"`
	Branch       BranchNumber      `json:"branch"`
	State        AppState          `json:"state"`
	UsersTotal   int               `json:"users_total"`
	UsersByState map[UserState]int `json:"users_by_state"`
	CreatedAt    time.Time         `json:"created_at"`
	SubmittedAt  *time.Time        `json:"submitted_at"`
}

// Event records one change: who made it, when, and why.
type Event struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"application_id"`
	UserID        int64     `json:"user_id,omitempty"`
	Email         string    `json:"email,omitempty"`
	From          string    `json:"from"`
	To            string    `json:"to"`
	Actor         string    `json:"actor"`
	Reason        string    `json:"reason"`
	At            time.Time `json:"at"`
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

// Incomplete says what a draft with total users still lacks before it can be
// submitted (wizard step 10), or nil: the same check on both sides, so that
// a command never asks a manager to agree to a draft the backend would
// refuse.
func (a *Application) Incomplete(total int) error {
	if total == 0 {
		return Invalid("users", "draft %d has no users: add them with reconi users add or reconi users import", a.ID)
	}
	if a.Permissions == nil {
		return Invalid("permissions", "draft %d has no permissions or validity yet: set them with reconi permissions set", a.ID)
	}
	return nil
}
