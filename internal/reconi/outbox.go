package reconi

import (
	"time"
)

// MaxRetryMessages is how many messages one RetryMessages call may name.
const MaxRetryMessages = 1000

// Channel is how a message travels.
type Channel string

const (
	ChannelEmail Channel = "email"
	ChannelSMS   Channel = "sms"
	// ChannelIdentification is a request to the identification partner.
	ChannelIdentification Channel = "identification"
)

// MessageState is where a message is in delivery.
type MessageState string

const (
	MessagePending MessageState = "pending"
	MessageSent    MessageState = "sent"
	// MessageKept: no delivery is configured, so the outbox is the delivery.
	MessageKept   MessageState = "kept"
	MessageFailed MessageState = "failed"
)

// Message is one entry of the outbox.
type Message struct {
	ID            int64        `json:"id"`
	Channel       Channel      `json:"channel"`
	To            string       `json:"to"`
	Subject       string       `json:"subject"`
	Body          string       `json:"body"`
	State         MessageState `json:"state"`
	Attempts      int          `json:"attempts"`
	LastError     string       `json:"last_error,omitempty"`
	ApplicationID int64        `json:"application_id,omitempty"`
	UserID        int64        `json:"user_id,omitempty"`
	CreatedAt     time.Time    `json:"created_at"`
	SentAt        *time.Time   `json:"sent_at"`
}

// OutboxFilter narrows the outbox; zero fields match all. The outbox is
// read in pages, oldest message first: Cursor is the NextCursor of the page
// before.
type OutboxFilter struct {
	To            string `json:"to,omitempty"`
	Channel       string `json:"channel,omitempty"`
	State         string `json:"state,omitempty"`
	ApplicationID int64  `json:"application_id,omitempty"`
	Cursor        string `json:"cursor,omitempty"`
	// Limit caps the page; 0 is the default page size.
	Limit int `json:"limit,omitempty"`
}

// MessagePage is one page of the outbox. NextCursor is empty on the last.
type MessagePage struct {
	Messages   []Message `json:"messages"`
	NextCursor string    `json:"next_cursor,omitempty"`
}
