package reconi

import (
	"time"
)

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
