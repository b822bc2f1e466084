package reconi

import (
	"context"
	"strings"
	"time"
)

// After issuance a manager renews means before they end (`reconi means
// renew`) and grants their users further permissions (`reconi permissions
// grant`). Both are drafts of their own kind, quoted, agreed to and
// submitted with the same `apply` as the wizard's.

// AppKind says what an application asks for.
type AppKind string

const (
	// AppKindNew: new means for new users (the wizard).
	AppKindNew AppKind = "new"
	// AppKindRenewal: issued means renewed for another validity.
	AppKindRenewal AppKind = "renewal"
	// AppKindChange: further permissions granted to issued means.
	AppKindChange AppKind = "change"
)

// AppMeans is one issued means a renewal or change is about. Its request
// (UserID, a copy of the means' user) carries it through the application,
// so status counts it like any other user.
type AppMeans struct {
	MeansID   int64  `json:"means_id"`
	UserID    int64  `json:"user_id"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Employed  bool   `json:"employed"`
	Level     Level  `json:"level"`
	// State is the means' state now; ExpiresAt its end date now, and
	// PreviousExpiresAt its end date when it was added to the draft.
	State             MeansState `json:"state"`
	ExpiresAt         time.Time  `json:"expires_at"`
	PreviousExpiresAt time.Time  `json:"previous_expires_at"`
	// Permissions counts the means' permissions now.
	Permissions int `json:"permissions"`
	// RequestState is the state of the line's request: draft, issued once
	// it took effect, or a step of the user's when an expired means is
	// renewed.
	RequestState UserState `json:"request_state"`
}

// NewRenewal starts a renewal draft for means of one organisation: those
// Means names (emails or means IDs), or the active ones ending within
// ExpiringWithin, a span as ParseWithin reads it (60d, 8w, 72h).
type NewRenewal struct {
	KVK            string   `json:"kvk"`
	Means          []string `json:"means,omitempty"`
	ExpiringWithin string   `json:"expiring_within,omitempty"`
	ValidityYears  int      `json:"validity_years"`
}

// RenewalBackend is the part of Backend about renewing issued means.
type RenewalBackend interface {
	// CreateRenewal starts a renewal draft, quoted with the renewal prices;
	// Submit submits it like any draft. A means already in another open
	// renewal is a conflict.
	CreateRenewal(ctx context.Context, in NewRenewal) (*Application, error)
}

// ParseAppKind accepts the kinds of application.
func ParseAppKind(s string) (AppKind, error) {
	switch k := AppKind(strings.ToLower(strings.TrimSpace(s))); k {
	case AppKindNew, AppKindRenewal, AppKindChange:
		return k, nil
	}
	return "", Invalid("kind", "%q is not a kind of application: want new, renewal or change", Excerpt(s))
}
