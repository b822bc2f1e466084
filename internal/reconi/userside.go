package reconi

import (
	"context"
	"time"
)

// UserSide is what a user does from the invitation email, authorised by the
// invitation token alone, and what operators and managers do afterwards.
// Backend embeds it.
type UserSide interface {
	// The user's steps: check the details, confirm the phone (a code is sent
	// by SMS), enter the code, order.
	Invitation(ctx context.Context, token string) (*Invitation, error)
	ConfirmDetails(ctx context.Context, token string) (*Invitation, error)
	SendCode(ctx context.Context, token string) (*Invitation, error)
	VerifyCode(ctx context.Context, token, code string) (*Invitation, error)
	Order(ctx context.Context, token string) (*Invitation, error)

	// Operators: identification results and the final check.
	CompleteIdentification(ctx context.Context, userID int64, passed bool, note string) (*User, error)
	Reviews(ctx context.Context) ([]Review, error)
	Approve(ctx context.Context, userID int64) (*User, error)
	Reject(ctx context.Context, userID int64, reason string) (*User, error)

	// Managers: stop a request still in progress; "" cancels every open user.
	Cancel(ctx context.Context, appID int64, email, reason string) (*Application, error)

	// The outbox: every email and SMS, as written.
	Outbox(ctx context.Context, f OutboxFilter) ([]Message, error)
	Message(ctx context.Context, id int64) (*Message, error)
	// RetryMessages queues failed or kept messages for delivery again, all
	// or none, and returns them as queued: at most MaxRetryMessages at once.
	RetryMessages(ctx context.Context, ids []int64) ([]Message, error)
}

// MaxRetryMessages is how many messages one RetryMessages call may name.
const MaxRetryMessages = 1000

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
}

// Review is a user awaiting the operator's final check.
type Review struct {
	User         User      `json:"user"`
	Organization OrgRef    `json:"organization"`
	Level        Level     `json:"level"`
	Since        time.Time `json:"since"`
}

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

// OutboxFilter narrows the outbox; zero fields match all.
type OutboxFilter struct {
	To            string `json:"to,omitempty"`
	Channel       string `json:"channel,omitempty"`
	State         string `json:"state,omitempty"`
	ApplicationID int64  `json:"application_id,omitempty"`
	Limit         int    `json:"limit,omitempty"`
}
