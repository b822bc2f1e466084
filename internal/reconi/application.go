package reconi

import (
	"time"
)

// AppState is the state of an application as a whole.
type AppState string

const (
	AppDraft     AppState = "draft"
	AppSubmitted AppState = "submitted"
	// AppCompleted is a submitted application whose users all reached an
	// end state (issued, rejected, expired, cancelled). It is worked out
	// when read, from the users' states, and never stored.
	AppCompleted AppState = "completed"
	// AppDiscarded is a draft the manager discarded: its users are gone,
	// its history stays.
	AppDiscarded AppState = "discarded"
)

// Ended reports whether a request in state s reached an end state: issued,
// rejected, expired or cancelled.
func (s UserState) Ended() bool {
	switch s {
	case UserIssued, UserRejected, UserExpired, UserCancelled:
		return true
	}
	return false
}

// Application is a draft or submitted request to add users to an
// organisation. A draft becomes an application when it is submitted.
type Application struct {
	ID    int64    `json:"id"`
	State AppState `json:"state"`
	// Kind is new (the wizard), renewal or change; Means lists the issued
	// means a renewal or change is about.
	Kind  AppKind    `json:"kind"`
	Means []AppMeans `json:"means,omitempty"`
	// Links are the users whose means, held for another organisation, is
	// (or on submit will be) linked to this one instead of a new means.
	Links        []AppLink    `json:"links,omitempty"`
	Organization OrgRef       `json:"organization"`
	Level        Level        `json:"level"`
	Branch       BranchNumber `json:"branch"`
	// Users is the first page of the application's users (DefaultPageSize
	// at most); UsersNextCursor, when set, reads on with
	// Users(UserFilter{ApplicationID: ID, Cursor: UsersNextCursor}).
	Users           []User          `json:"users"`
	UsersTotal      int             `json:"users_total"`
	UsersNextCursor string          `json:"users_next_cursor,omitempty"`
	Permissions     *Permissions    `json:"permissions"`
	ValidityYears   int             `json:"validity_years"`
	Quote           Quote           `json:"quote"`
	Terms           *TermsAgreement `json:"terms"`
	CreatedBy       string          `json:"created_by"`
	CreatedAt       time.Time       `json:"created_at"`
	SubmittedAt     *time.Time      `json:"submitted_at"`
	// CompletedAt is when the last user reached an end state, once the
	// application is completed.
	CompletedAt *time.Time `json:"completed_at,omitempty"`
	// NotifyEmail receives the manager's emails about this application.
	NotifyEmail string `json:"notify_email,omitempty"`
	// IdempotencyKey is the key the application was submitted with, if any.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	// IdempotencyFingerprint is what the request submitted with that key
	// was (Submission.Fingerprint), if it said.
	IdempotencyFingerprint string `json:"idempotency_fingerprint,omitempty"`
	// Warnings are advice about the request just made (a branch restriction,
	// no permissions); they are not stored.
	Warnings []string `json:"warnings,omitempty"`
}

// Incomplete says what a draft with total users still lacks before it can be
// submitted (wizard step 10), or nil: the same check on both sides, so that
// a command never asks a manager to agree to a draft the backend would
// refuse.
func (a *Application) Incomplete(total int) error {
	if total == 0 {
		return Invalid("users", "draft %d has no users", a.ID)
	}
	if a.Kind == AppKindRenewal {
		// A renewal renews each means with the permissions it has.
		return nil
	}
	if a.Permissions == nil {
		return Invalid("permissions", "draft %d has no permissions or validity yet", a.ID)
	}
	return nil
}

// NewDraft starts an application (wizard steps 3 to 6).
type NewDraft struct {
	KVK    string `json:"kvk"`
	Level  string `json:"level"`
	Branch string `json:"branch,omitempty"`
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
	// submitted with the same key is returned as it is, not refused. The
	// key belongs to one application of the organisation: submitting
	// another draft with it is a conflict.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	// Fingerprint, with IdempotencyKey, says what the request was (apply -f
	// sends a hash of the manifest): the same key with another fingerprint
	// is a conflict.
	Fingerprint string `json:"fingerprint,omitempty"`
}
