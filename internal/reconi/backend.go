// Package reconi holds the domain of reconi: its types, the Backend interface
// every command talks to, and the error kinds. It imports nothing of ours.
package reconi

import (
	"context"
	"io"
)

// Backend is everything the CLI can ask of reconi. The embedded service and
// the HTTP client both implement it, and fail with the same *Error kinds.
type Backend interface {
	// The organisation register (operator data).
	RegisterOrganization(ctx context.Context, in NewOrganization) (*Organization, error)
	Organizations(ctx context.Context) ([]Organization, error)
	Organization(ctx context.Context, kvk KVK) (*Organization, error)

	// The service catalogue and price list (operator data).
	Services(ctx context.Context, f ServiceFilter) ([]Service, error)
	LoadCatalogue(ctx context.Context, c Catalogue) error
	PriceList(ctx context.Context) (*PriceList, error)
	LoadPriceList(ctx context.Context, p PriceList) error

	// The wizard, steps 3 to 10.
	CreateDraft(ctx context.Context, in NewDraft) (*Application, error)
	// Application returns an application with the first page of its users;
	// Users pages on from UsersNextCursor.
	Application(ctx context.Context, id int64) (*Application, error)
	AddUser(ctx context.Context, appID int64, in NewUser) (*User, error)
	// ImportUsers reads CSV from r (any common spreadsheet dialect) and adds
	// every row, or none when any row is bad.
	ImportUsers(ctx context.Context, appID int64, r io.Reader, opt ImportOptions) (*ImportResult, error)
	// ImportUserRows adds users already split into fields (a manifest's),
	// checked row by row like ImportUsers' and all or none in the same way.
	ImportUserRows(ctx context.Context, appID int64, rows UserRows, opt ImportOptions) (*ImportResult, error)
	RemoveUser(ctx context.Context, appID int64, email string) error
	// Users lists the users of an application or organisation, a page at
	// a time.
	Users(ctx context.Context, f UserFilter) (*UserPage, error)
	SetPermissions(ctx context.Context, appID int64, in PermissionsInput) (*Application, error)
	Terms(ctx context.Context) (*Terms, error)
	Submit(ctx context.Context, appID int64, in Submission) (*Application, error)
	// DiscardDraft deletes a draft's users, all or none, and marks it
	// discarded, recorded with reason; anything but a draft is a conflict.
	DiscardDraft(ctx context.Context, appID int64, reason string) (*Application, error)

	// Applications in progress.
	// Applications lists applications, a page at a time.
	Applications(ctx context.Context, f ApplicationFilter) (*ApplicationPage, error)
	// History lists an application's recorded changes, a page at a time.
	History(ctx context.Context, f HistoryFilter) (*EventPage, error)
	// Person returns every request for one email address the caller may
	// read, in organisation kvk when set; KindNotFound when there is none.
	Person(ctx context.Context, email, kvk string) (*Person, error)

	// Whoami returns the actor the backend acts for.
	Whoami(ctx context.Context) (*Actor, error)

	UserSide
	MeansBackend
	RenewalBackend
	GrantBackend
	LinkBackend
}

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

	// The helpdesk, managers and operators: send a user's invitation again,
	// with the same link while it is valid, or a new one (newLink, or after
	// it expired) that voids the old.
	ResendInvitation(ctx context.Context, appID int64, email string, newLink bool) (*User, error)
	// Managers and operators: correct a user's email or mobile number before
	// it is verified, voiding the links and codes sent to the old ones.
	UpdateUser(ctx context.Context, appID int64, email string, in UserUpdate) (*User, error)

	// The outbox: every email and SMS, as written, a page at a time.
	Outbox(ctx context.Context, f OutboxFilter) (*MessagePage, error)
	Message(ctx context.Context, id int64) (*Message, error)
	// RetryMessages queues failed or kept messages for delivery again, all
	// or none, and returns them as queued: at most MaxRetryMessages at once.
	RetryMessages(ctx context.Context, ids []int64) ([]Message, error)
}
