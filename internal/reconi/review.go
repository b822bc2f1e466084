package reconi

import (
	"time"
)

// Review is a user awaiting the operator's final check.
type Review struct {
	User         User      `json:"user"`
	Organization OrgRef    `json:"organization"`
	Level        Level     `json:"level"`
	Since        time.Time `json:"since"`
}
