package reconi

import (
	"context"
	"time"
)

// One person, one means: a user added to a draft who already holds an
// active means at the draft's level or above, for another organisation of
// the broker (the same email and mobile number, and date of birth when both
// have one), is not sold a second means: the means they hold is linked to
// the draft's organisation at the link price, without a new identification.

// AppLink is a user of an application whose means is (or, in a draft, will
// be) linked to its organisation: MeansID is the means they hold, of
// Organization, at Level, ending ExpiresAt.
type AppLink struct {
	UserID       int64     `json:"user_id,omitempty"`
	Email        string    `json:"email"`
	Employed     bool      `json:"employed"`
	MeansID      int64     `json:"means_id"`
	Organization OrgRef    `json:"organization"`
	Level        Level     `json:"level"`
	ExpiresAt    time.Time `json:"expires_at"`
}

// LinkQuery asks which of People would have their means linked to
// organisation KVK at Level instead of a new means.
type LinkQuery struct {
	KVK    string       `json:"kvk"`
	Level  string       `json:"level"`
	People []LinkPerson `json:"people"`
}

// LinkPerson is a person as a draft would have them.
type LinkPerson struct {
	Email       string `json:"email"`
	Phone       string `json:"phone"`
	DateOfBirth string `json:"date_of_birth,omitempty"`
}

// LinkBackend is the part of Backend about linking means.
type LinkBackend interface {
	// Links returns, for each person of q who holds a means that a draft
	// would link, that means; the others are left out.
	Links(ctx context.Context, q LinkQuery) ([]AppLink, error)
}
