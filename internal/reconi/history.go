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

// HistoryFilter selects the history of one application, read in pages in
// the order things happened: Cursor is the NextCursor of the page before.
type HistoryFilter struct {
	ApplicationID int64  `json:"application_id"`
	Cursor        string `json:"cursor,omitempty"`
	// Limit caps the page; 0 is the default page size.
	Limit int `json:"limit,omitempty"`
}

// EventPage is one page of a history. NextCursor is empty on the last.
type EventPage struct {
	Events     []Event `json:"events"`
	NextCursor string  `json:"next_cursor,omitempty"`
}
