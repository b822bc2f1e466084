package status

import (
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

// csvRow is an application in CSV: the users by state in a fixed column
// each, so that a spreadsheet's columns do not move with the data.
type csvRow struct {
	ID           int64               `json:"id"`
	Kind         reconi.AppKind      `json:"kind"`
	Organization reconi.OrgRef       `json:"organization"`
	Level        reconi.Level        `json:"level"`
	Branch       reconi.BranchNumber `json:"branch"`
	State        reconi.AppState     `json:"state"`
	UsersTotal   int                 `json:"users_total"`
	UsersByState csvByState          `json:"users_by_state"`
	PersonState  reconi.UserState    `json:"person_state"`
	CreatedAt    time.Time           `json:"created_at"`
	UpdatedAt    time.Time           `json:"updated_at"`
	SubmittedAt  *time.Time          `json:"submitted_at"`
	CompletedAt  *time.Time          `json:"completed_at"`
}

// csvByState has a field for each of reconi.UserStates, in their order.
type csvByState struct {
	Draft                 int `json:"draft"`
	Invited               int `json:"invited"`
	DetailsConfirmed      int `json:"details_confirmed"`
	PhoneVerified         int `json:"phone_verified"`
	Ordered               int `json:"ordered"`
	IdentificationPending int `json:"identification_pending"`
	Identified            int `json:"identified"`
	FinalCheck            int `json:"final_check"`
	Issued                int `json:"issued"`
	Rejected              int `json:"rejected"`
	Expired               int `json:"expired"`
	Cancelled             int `json:"cancelled"`
}

func toCSV(a reconi.ApplicationSummary) csvRow {
	m := a.UsersByState
	return csvRow{ID: a.ID, Kind: a.Kind, UpdatedAt: a.UpdatedAt, Organization: a.Organization, Level: a.Level, Branch: a.Branch, State: a.State,
		UsersTotal: a.UsersTotal, PersonState: a.PersonState, CreatedAt: a.CreatedAt, SubmittedAt: a.SubmittedAt,
		CompletedAt: a.CompletedAt,
		UsersByState: csvByState{
			Draft: m[reconi.UserDraft], Invited: m[reconi.UserInvited], DetailsConfirmed: m[reconi.UserDetailsConfirmed],
			PhoneVerified: m[reconi.UserPhoneVerified], Ordered: m[reconi.UserOrdered],
			IdentificationPending: m[reconi.UserIdentificationPending], Identified: m[reconi.UserIdentified],
			FinalCheck: m[reconi.UserFinalCheck], Issued: m[reconi.UserIssued], Rejected: m[reconi.UserRejected],
			Expired: m[reconi.UserExpired], Cancelled: m[reconi.UserCancelled],
		}}
}
