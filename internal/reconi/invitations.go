package reconi

import (
	"time"
)

// Invitation is what the user sees behind the link in the email.
type Invitation struct {
	User          User         `json:"user"`
	Organization  OrgRef       `json:"organization"`
	Level         Level        `json:"level"`
	Branch        BranchNumber `json:"branch"`
	Permissions   *Permissions `json:"permissions"`
	ValidityYears int          `json:"validity_years"`
	ExpiresAt     time.Time    `json:"expires_at"`
	// CodeSentAt is when the last SMS code was sent, if any.
	CodeSentAt *time.Time `json:"code_sent_at"`
	// Next names the user's next step: confirm, send_code, verify, order,
	// or done.
	Next string `json:"next"`
	// WithdrawnAt is set when the means issued for this request was
	// withdrawn: the link then says so.
	WithdrawnAt *time.Time `json:"withdrawn_at,omitempty"`
}
