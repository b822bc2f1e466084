package reconi

import (
	"time"
)

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
