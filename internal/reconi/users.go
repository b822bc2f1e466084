package reconi

import (
	"time"
)

// UserState is the state of one user's request.
type UserState string

const (
	UserDraft                 UserState = "draft"
	UserInvited               UserState = "invited"
	UserDetailsConfirmed      UserState = "details_confirmed"
	UserPhoneVerified         UserState = "phone_verified"
	UserOrdered               UserState = "ordered"
	UserIdentificationPending UserState = "identification_pending"
	UserIdentified            UserState = "identified"
	UserFinalCheck            UserState = "final_check"
	UserIssued                UserState = "issued"
	UserRejected              UserState = "rejected"
	UserExpired               UserState = "expired"
	UserCancelled             UserState = "cancelled"
)

// UserStates lists the states in the order a request passes them.
var UserStates = []UserState{UserDraft, UserInvited, UserDetailsConfirmed, UserPhoneVerified, UserOrdered,
	UserIdentificationPending, UserIdentified, UserFinalCheck, UserIssued, UserRejected, UserExpired, UserCancelled}

// User is a person who is to receive an eHerkenning means.
type User struct {
	ID            int64     `json:"id"`
	ApplicationID int64     `json:"application_id"`
	Email         string    `json:"email"`
	FirstName     string    `json:"first_name"`
	LastName      string    `json:"last_name"`
	Phone         string    `json:"phone"`
	DateOfBirth   Date      `json:"date_of_birth,omitempty"`
	Employed      bool      `json:"employed"`
	State         UserState `json:"state"`
	UpdatedAt     time.Time `json:"updated_at"`
	// DeadlineAt ends the current stage (invitation or identification);
	// an open request past it is expired.
	DeadlineAt *time.Time `json:"deadline_at,omitempty"`
}

// Open reports whether a request in state s is still in progress.
func (s UserState) Open() bool {
	switch s {
	case UserIssued, UserRejected, UserExpired, UserCancelled, UserDraft:
		return false
	}
	return true
}

// NewUser is one user as entered; the backend validates every field.
type NewUser struct {
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	Email       string `json:"email"`
	Phone       string `json:"phone"`
	DateOfBirth string `json:"date_of_birth,omitempty"`
	// Employed is required: it decides between issuing at once and
	// identification first.
	Employed *bool `json:"employed"`
}

// UserFilter selects users of one application, or of one organisation.
// Lists are read in pages, in the order users were added: Cursor is the
// NextCursor of the page before.
type UserFilter struct {
	ApplicationID int64  `json:"application_id,omitempty"`
	KVK           string `json:"kvk,omitempty"`
	Cursor        string `json:"cursor,omitempty"`
	// Limit caps the page; 0 is the default page size.
	Limit int `json:"limit,omitempty"`
}

// UserPage is one page of users. NextCursor is empty on the last.
type UserPage struct {
	Users      []User `json:"users"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// UserUpdate corrects a user before the mobile number is verified; an empty
// field stays as it is.
type UserUpdate struct {
	// Email is the new address.
	Email string `json:"email,omitempty"`
	// Phone is the new mobile number.
	Phone string `json:"phone,omitempty"`
}
