package reconi

import (
	"time"
)

// ApplicationSummary is one row of "Applications in progress".
type ApplicationSummary struct {
	ID int64 `json:"id"`
	// Kind is new, renewal or change.
	Kind         AppKind           `json:"kind"`
	Organization OrgRef            `json:"organization"`
	Level        Level             `json:"level"`
	Branch       BranchNumber      `json:"branch"`
	State        AppState          `json:"state"`
	UsersTotal   int               `json:"users_total"`
	UsersByState map[UserState]int `json:"users_by_state"`
	// PersonState is the state of the user the filter's Email names, when
	// it names one.
	PersonState UserState `json:"person_state,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	// UpdatedAt is when the application last changed: its latest event.
	UpdatedAt   time.Time  `json:"updated_at"`
	SubmittedAt *time.Time `json:"submitted_at"`
	// CompletedAt is when the last user reached an end state, once the
	// application is completed.
	CompletedAt *time.Time `json:"completed_at,omitempty"`
}

// ApplicationFilter narrows "Applications in progress"; empty fields match
// everything. Lists are read in pages, oldest application first: Cursor is
// the NextCursor of the page before.
type ApplicationFilter struct {
	KVK   string `json:"kvk,omitempty"`
	State string `json:"state,omitempty"`
	Email string `json:"email,omitempty"`
	// Open leaves out completed applications.
	Open bool `json:"open,omitempty"`
	// NoDrafts leaves out drafts, and discarded ones.
	NoDrafts bool `json:"no_drafts,omitempty"`
	// IdempotencyKey keeps the application submitted with this key.
	IdempotencyKey string `json:"idempotency_key,omitempty"`
	Cursor         string `json:"cursor,omitempty"`
	// Limit caps the page; 0 is the default page size.
	Limit int `json:"limit,omitempty"`
}

// ApplicationPage is one page of applications. NextCursor is empty on the
// last.
type ApplicationPage struct {
	Applications []ApplicationSummary `json:"applications"`
	NextCursor   string               `json:"next_cursor,omitempty"`
}
