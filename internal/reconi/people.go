package reconi

import (
	"time"
)

// Person is one person's view: every request made for an email address, in
// the applications the caller may read.
type Person struct {
	Email    string          `json:"email"`
	Requests []PersonRequest `json:"requests"`
}

// PersonRequest is one request of a person: their state and deadline, their
// own history and the delivery of their messages.
type PersonRequest struct {
	ApplicationID    int64    `json:"application_id"`
	Organization     OrgRef   `json:"organization"`
	Level            Level    `json:"level"`
	ApplicationState AppState `json:"application_state"`
	User             User     `json:"user"`
	// Reason is why the request ended (rejected, expired, cancelled): the
	// reason of its last event.
	Reason   string     `json:"reason,omitempty"`
	History  []Event    `json:"history"`
	Messages []Delivery `json:"messages"`
}

// Delivery is how one message to a person fared; never its body, which may
// hold the invitation link or a code.
type Delivery struct {
	ID        int64        `json:"id"`
	Channel   Channel      `json:"channel"`
	Subject   string       `json:"subject"`
	State     MessageState `json:"state"`
	Attempts  int          `json:"attempts"`
	LastError string       `json:"last_error,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
	SentAt    *time.Time   `json:"sent_at"`
}
