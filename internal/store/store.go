// Package store defines what the service needs from a database. The service
// holds the rules; a store only keeps and finds records, inside transactions
// the service opens. Implementations: store/sqlite (and, sharing its SQL,
// other database/sql stores through package sqldb).
package store

import (
	"context"
	"errors"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

// ErrConflict is returned when a write would break a uniqueness rule.
var ErrConflict = errors.New("conflict")

// Store opens transactions.
type Store interface {
	// Update runs fn in a read-write transaction. The write lock is taken when
	// the transaction begins, so concurrent writers wait instead of failing
	// half-way. fn's error rolls the transaction back.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction with a consistent snapshot.
	View(ctx context.Context, fn func(Tx) error) error
	Close() error
}

// Tx is the set of queries available inside a transaction. Getters return
// (nil, nil) when nothing matches; the service decides what that means.
type Tx interface {
	Meta(key string) (string, error)
	SetMeta(key, value string) error
	// ClaimMeta sets key only if it is not set yet and reports whether this
	// call set it: concurrent processes agree on exactly one winner.
	ClaimMeta(key, value string) (bool, error)

	InsertOrganization(o *reconi.Organization) error
	Organization(kvk reconi.KVK) (*reconi.Organization, error)
	Organizations() ([]reconi.Organization, error)

	ReplaceCatalogue(c reconi.Catalogue) error
	Catalogue() (*reconi.Catalogue, error)
	InsertPriceList(p reconi.PriceList, at time.Time) error
	PriceList() (*reconi.PriceList, error)
	// PriceListID is the ID of the price list in force (0: none), which
	// changes whenever a list is loaded: the version of a cached copy.
	PriceListID() (int64, error)

	// InsertApplication stores a new application and sets its ID.
	InsertApplication(a *reconi.Application) error
	// Application returns an application without its users.
	Application(id int64) (*reconi.Application, error)
	// LockApplication holds the application's row until the transaction
	// ends, so that concurrent changes to one draft take turns (PostgreSQL;
	// SQLite has one writer at a time anyway).
	LockApplication(id int64) error
	// UpdateApplication writes state, permissions, validity, quote, terms and
	// submission time.
	UpdateApplication(a *reconi.Application) error
	// DeleteApplicationUsers deletes every user of application appID and
	// returns how many.
	DeleteApplicationUsers(appID int64) (int64, error)
	// CompletedAt returns when the last user of a submitted application
	// reached an end state, or nil while a user has not.
	CompletedAt(appID int64) (*time.Time, error)
	// Applications returns a page of applications, ordered by ID, with
	// their users counted by state; a completed one reads AppCompleted.
	Applications(f ApplicationFilter) ([]reconi.ApplicationSummary, error)

	// InsertUsers adds users to application appID, in order, in as few
	// statements as the database allows, and reports for each row whether
	// it was added: a row whose email (in any case) the application already
	// has, or an earlier row has, is not, and the transaction stays usable.
	InsertUsers(appID int64, rows []UserRow) (added []bool, err error)
	// UserByEmail finds a user of an application by email, in any case.
	UserByEmail(appID int64, email string) (*StoredUser, error)
	// Users returns a page of users, ordered by ID.
	Users(f UserFilter) ([]reconi.User, error)
	// CountUsers counts an application's users, from an index.
	CountUsers(appID int64) (int, error)
	// UserCounts counts an application's users, and those not employed.
	UserCounts(appID int64) (total, notEmployed int64, err error)
	DeleteUser(id int64) error
	// MaxUserID is the highest user ID so far, to tell rows added by the
	// running import from earlier ones.
	MaxUserID() (int64, error)
	// AdvanceUsers moves every user of appID in state from to state to, with
	// a new deadline (zero for none), and records an event for each.
	AdvanceUsers(appID int64, from, to reconi.UserState, deadline time.Time, ev EventInfo) (int64, error)
	// User returns one user.
	User(id int64) (*reconi.User, error)
	// SetUserState moves a user from state from to state to, with a new
	// deadline (zero for none), and records the event; it returns false
	// when the user was not in state from any more.
	SetUserState(id int64, from, to reconi.UserState, deadline time.Time, ev EventInfo) (bool, error)
	// PersonRequests lists the requests for one email address (in any
	// case), oldest first, in organisation kvk when set and in orgs when
	// not nil.
	PersonRequests(email string, kvk reconi.KVK, orgs []reconi.KVK) ([]reconi.PersonRequest, error)
	// UsersPastDeadline lists users in an open state whose deadline passed.
	UsersPastDeadline(now time.Time, limit int) ([]reconi.User, error)
	// UsersInState lists the users in one state, oldest change first.
	UsersInState(state reconi.UserState) ([]reconi.User, error)
	// CountUsersPastDeadline counts what UsersPastDeadline would list.
	CountUsersPastDeadline(now time.Time) (int, error)
	// NextDeadline is the earliest deadline of a user in an open state, or
	// the zero time when none has one.
	NextDeadline() (time.Time, error)

	// PutInvitation stores a user's invitation, replacing the one before:
	// the old link's hash is gone, so the old link no longer works.
	PutInvitation(inv Invitation) error
	// Invitation returns a user's invitation, if it has one.
	Invitation(userID int64) (*Invitation, error)
	// DeleteInvitation voids a user's link.
	DeleteInvitation(userID int64) error
	// InvitationUser finds the user an invitation token hash belongs to.
	InvitationUser(tokenHash string) (*reconi.User, time.Time, error)
	// SetUserContact corrects a user's email and mobile number; ErrConflict
	// when the application has the email already.
	SetUserContact(id int64, email, phone string, at time.Time) error

	OTP(userID int64) (*OTP, error)
	PutOTP(o OTP) error
	// CountOTPAttempt adds a wrong try and returns the new count.
	CountOTPAttempt(userID int64) (int, error)
	DeleteOTP(userID int64) error

	InsertIdentification(userID int64, reference, state string, at time.Time) error
	IdentificationByReference(ref string) (userID int64, state string, err error)
	SetIdentificationState(userID int64, state string, at time.Time) error

	InsertMessage(m *Message) error
	// Messages returns a page of messages, ordered by ID.
	Messages(f OutboxFilter) ([]Message, error)
	MessageByID(id int64) (*Message, error)
	// ClaimMessages leases up to limit due messages to one dispatcher until
	// lease; another dispatcher skips them meanwhile.
	ClaimMessages(now, lease time.Time, limit int) ([]Message, error)
	// KeepPending marks every due, unclaimed pending message of a channel
	// kept, in one statement: the channel has no delivery configured.
	KeepPending(ch reconi.Channel, now time.Time) (int64, error)
	// RequeueMessage makes a message in state from pending again, due at
	// now, with no attempts and no error; it returns false when the message
	// was not in state from any more.
	RequeueMessage(id int64, from reconi.MessageState, now time.Time) (bool, error)
	// VoidMessages marks failed, with reason, the messages to user userID at
	// address to that no dispatcher holds and that were not sent: pending
	// or kept. It returns how many.
	VoidMessages(userID int64, to, reason string, now time.Time) (int64, error)
	// OutboxDepth counts the outbox's messages by state (for metrics).
	OutboxDepth() (map[reconi.MessageState]int, error)
	// FinishMessage records the outcome of one delivery attempt, if the
	// caller's lease (m.LockedUntil) still holds; otherwise it returns
	// ErrConflict and changes nothing, as another dispatcher owns it now.
	FinishMessage(m Message) error

	InsertEvent(e *reconi.Event) error
	// Events lists the events of an application after event afterID, oldest
	// first, at most limit of them (0: all).
	Events(appID, afterID int64, limit int) ([]reconi.Event, error)
	// UserEvents lists the events of one user, oldest first.
	UserEvents(userID int64) ([]reconi.Event, error)

	// InsertMeans stores an issued means with its permissions and sets its ID.
	InsertMeans(m *reconi.Means) error
	// ListMeans returns a page of means, ordered by ID, with permissions.
	ListMeans(f MeansFilter) ([]reconi.Means, error)
	// MeansByID returns one means with its permissions.
	MeansByID(id int64) (*reconi.Means, error)
	// MeansOfUser returns the means issued for one user request.
	MeansOfUser(userID int64) (*reconi.Means, error)
	// WithdrawMeans marks a means withdrawn; it returns false when it was
	// withdrawn already.
	WithdrawMeans(id int64, at time.Time, by, reason string) (bool, error)
	// ExpireMeans marks up to limit active means whose end date passed
	// expired, and returns them.
	ExpireMeans(now time.Time, limit int) ([]reconi.Means, error)
	// ClaimReminders claims, for a reminder days before expiry, up to limit
	// active means ending in (now, until] that had no reminder at days or
	// at a smaller threshold, and returns them; a claimed means is never
	// returned again for days, by any process.
	ClaimReminders(days int, now, until time.Time, limit int) ([]reconi.Means, error)

	// InsertAppMeans adds the lines of a renewal or change: each means
	// with the request (a user of appID) that carries it.
	InsertAppMeans(appID int64, lines []AppMeansRow) error
	// AppMeans lists an application's lines in the order they were added,
	// each means as it is at now.
	AppMeans(appID int64, now time.Time) ([]reconi.AppMeans, error)
	// AppMeansOfUser returns the line a request carries, or nil.
	AppMeansOfUser(userID int64) (*AppMeansRow, error)
	// OpenRenewals returns, for each of meansIDs in a renewal still open
	// (a draft, or a request not ended) other than application except,
	// that application's ID.
	OpenRenewals(meansIDs []int64, except int64) (map[int64]int64, error)
	// LockMeans holds the means' rows until the transaction ends, so that
	// concurrent renewals of one means take turns (PostgreSQL).
	LockMeans(ids []int64) error
	// RenewMeans makes a means that was not withdrawn active until
	// expires: its permissions end no earlier, and its reminders are sent
	// again before the new date. It returns false for a withdrawn means.
	RenewMeans(id int64, expires time.Time) (bool, error)

	// GrantMeansPermissions gives a means each of ps: one it has already
	// (the same scope, provider and service) ends no earlier than given.
	GrantMeansPermissions(meansID int64, ps []reconi.MeansPermission) error
	// DeleteMeansPermissions takes each of ps (by scope, provider and
	// service) off a means.
	DeleteMeansPermissions(meansID int64, ps []reconi.MeansPermission) error

	// AppLinks lists the draft users of application appID (of
	// organisation kvk) who hold an active means at rank minRank or above
	// for another organisation, with the same email, mobile number and,
	// when both have one, date of birth; one means each, the highest.
	AppLinks(appID int64, kvk reconi.KVK, minRank int, now time.Time) ([]reconi.AppLink, error)
	// LinkFor finds the means AppLinks would find for one person, or nil.
	LinkFor(p reconi.LinkPerson, kvk reconi.KVK, minRank int, now time.Time) (*reconi.AppLink, error)
	// LinkedMeans lists the means application appID linked, as links.
	LinkedMeans(appID int64) ([]reconi.AppLink, error)

	InsertToken(t *Token) error
	TokenByHash(hash string) (*Token, error)
	Tokens() ([]Token, error)
	RevokeToken(id int64, at time.Time) (bool, error)

	// ClaimIdempotencyKey records key as pending for tokenID; it returns the
	// stored record instead when the key was claimed before.
	ClaimIdempotencyKey(k IdempotencyRecord) (*IdempotencyRecord, error)
	CompleteIdempotencyKey(k IdempotencyRecord) error
	ReleaseIdempotencyKey(tokenID int64, key string) error
	// RenewIdempotencyKey moves a pending claim's CreatedAt to at: the
	// request holding it is still running.
	RenewIdempotencyKey(tokenID int64, key string, at time.Time) error
	// DeleteIdempotencyKeys forgets answers recorded before doneBefore and
	// claims last renewed before pendingBefore, and returns how many.
	DeleteIdempotencyKeys(doneBefore, pendingBefore time.Time) (int64, error)
}

// Invitation is a user's invitation link as stored: the hash its link is
// found by, the token sealed so that it can be sent again, and the sends
// counted per hour.
type Invitation struct {
	UserID      int64
	TokenHash   string
	TokenSealed string
	ExpiresAt   time.Time
	CreatedAt   time.Time
	SentAt      time.Time
	WindowStart time.Time
	WindowSends int
}

// OTP is a one-time code as stored: its hash, never the code.
type OTP struct {
	UserID      int64
	CodeHash    string
	ExpiresAt   time.Time
	Attempts    int
	SentAt      time.Time
	WindowStart time.Time
	WindowSends int
}

// Message is an outbox entry as stored: Body holds the secrets (link, code)
// until the message is delivered, Redacted never does.
type Message struct {
	reconi.Message
	Redacted      string
	NextAttemptAt time.Time
	// LockedUntil is the lease of the dispatcher that claimed it.
	LockedUntil time.Time
}

// Token is an API token as stored: its hash, never the token itself.
type Token struct {
	ID        int64        `json:"id"`
	Name      string       `json:"name"`
	Role      reconi.Role  `json:"role"`
	Orgs      []reconi.KVK `json:"orgs"`
	Hash      string       `json:"-"`
	CreatedAt time.Time    `json:"created_at"`
	RevokedAt *time.Time   `json:"revoked_at"`
}

// IdempotencyRecord is the first answer to a request with an Idempotency-Key.
type IdempotencyRecord struct {
	TokenID     int64
	Key         string
	Fingerprint string
	// State is "pending" while the first request runs, then "done".
	State  string
	Status int
	Body   string
	// CreatedAt is when the key was claimed; while pending, when the claim
	// was last renewed (its lease).
	CreatedAt time.Time
}

// UserRow is a user to insert, with the CSV line it came from (0 for none).
type UserRow struct {
	User *reconi.User
	Line int
}

// AppMeansRow is one line of a renewal or change as stored.
type AppMeansRow struct {
	MeansID           int64
	UserID            int64
	PreviousExpiresAt time.Time
}

// StoredUser is a user with where it came from.
type StoredUser struct {
	reconi.User
	ImportLine int
}

// EventInfo is the who, when and why of a bulk change.
type EventInfo struct {
	Actor  string
	Reason string
	At     time.Time
}

// ApplicationFilter selects applications; zero fields match all. Orgs, when
// not nil, limits the result to those organisations.
type ApplicationFilter struct {
	KVK   reconi.KVK
	State reconi.AppState
	// UserState keeps applications with at least one user in that state.
	UserState reconi.UserState
	Email     string
	// Open leaves out completed applications (State is then not
	// AppCompleted).
	Open bool
	// NoDrafts leaves out drafts, and discarded ones.
	NoDrafts bool
	// SubmitKey keeps the application submitted with this idempotency key.
	SubmitKey string
	Orgs      []reconi.KVK
	// AfterID and Limit (0: all) page the list.
	AfterID int64
	Limit   int
}

// MeansFilter selects issued means; zero fields match all. Orgs, when not
// nil, limits the result to those organisations.
type MeansFilter struct {
	KVK   reconi.KVK
	Email string
	// State is evaluated at Now: an active means past its end is expired.
	State reconi.MeansState
	// ExpiresBy keeps active means ending in (Now, ExpiresBy].
	ExpiresBy time.Time
	Now       time.Time
	Orgs      []reconi.KVK
	// AfterID and Limit page the list.
	AfterID int64
	Limit   int
}

// UserFilter selects users of one application or one organisation.
type UserFilter struct {
	ApplicationID int64
	KVK           reconi.KVK
	// AfterID and Limit (0: all) page the list.
	AfterID int64
	Limit   int
}

// OutboxFilter selects messages; zero fields match all.
type OutboxFilter struct {
	To            string
	Channel       string
	State         string
	ApplicationID int64
	UserID        int64
	// AfterID and Limit (0: all) page the list.
	AfterID int64
	Limit   int
}
