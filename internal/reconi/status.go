package reconi

import (
	"time"
)

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

// ApplicationFilter narrows "Applications in progress"; empty fields match
// everything.
type ApplicationFilter struct {
	KVK   string `json:"kvk,omitempty"`
	State string `json:"state,omitempty"`
	Email string `json:"email,omitempty"`
}
