// Package manifest reads the onboarding files of `reconi plan -f` and
// `reconi apply -f`: one YAML file that names the organisation, the level,
// the users (inline or in a CSV file), the permissions and the validity, so
// that a pipeline can say who should be onboarded and let reconi make it so.
//
// Load checks the whole file before anything else happens: unknown fields
// are refused, and every value is parsed with the same rules the backend
// applies (reconi.ParseKVK, ParseEmail, ParseMobile, ...), so that a plan
// is trustworthy without writing anything. Every problem names the file,
// the line and the field path (users[2].email), and what is allowed.
//
// docs/manifest.schema.json describes the same format as a JSON Schema,
// for editors; a test keeps the two in step.
package manifest

import (
	"fmt"
	"strings"

	"github.com/reconi/reconi/internal/reconi"
)

// Manifest is an onboarding file, checked: every value parsed.
type Manifest struct {
	// File is the path the manifest was read from, as given.
	File         string
	Organization reconi.KVK
	Level        reconi.Level
	// Branch is empty for all establishments (the advice).
	Branch reconi.BranchNumber
	// Users are the inline users first, then those of UsersFile, in order.
	Users []User
	// UsersFile is the CSV file as the manifest names it, relative to the
	// manifest's folder; empty when there is none.
	UsersFile string
	// Permissions holds the permissions and ValidityYears.
	Permissions reconi.PermissionsInput
	// MaxPriceCents, when set, refuses a quote whose total (VAT included)
	// is above it.
	MaxPriceCents *int64
	NotifyEmail   string
	// lines says where each entry of permissions.providers and
	// permissions.services was written, for the problems the catalogue
	// finds later (checkPermissions).
	lines map[string]int
}

// User is one user of a manifest, with every field parsed as the backend
// stores it (the phone number in E.164, the date as YYYY-MM-DD).
type User struct {
	FirstName   string
	LastName    string
	Email       string
	Phone       string
	DateOfBirth reconi.Date
	Employed    bool
	// Source says where the user was given: "onboarding.yaml:12" or
	// "users.csv:3".
	Source string
}

// Row returns the user as a row of ImportUserRows, which says where the
// user was given.
func (u User) Row() reconi.UserRow {
	employed := u.Employed
	return reconi.UserRow{Source: u.Source, NewUser: reconi.NewUser{FirstName: u.FirstName, LastName: u.LastName,
		Email: u.Email, Phone: u.Phone, DateOfBirth: string(u.DateOfBirth), Employed: &employed}}
}

// Scope describes the manifest's permissions as an application holds them.
func (m *Manifest) Scope() reconi.Permissions {
	in := m.Permissions
	p := reconi.Permissions{Direct: in.Direct, Providers: in.Providers}
	switch {
	case !in.Direct:
		p.Scope = reconi.ScopeNone
	case in.AllServices:
		p.Scope = reconi.ScopeAllServices
	case len(in.Providers) > 0:
		p.Scope = reconi.ScopeProviders
	default:
		p.Scope = reconi.ScopeServices
		for _, s := range in.Services {
			p.Services = append(p.Services, reconi.ServiceID(s))
		}
	}
	return p
}

// Problem is one thing wrong with a manifest or its users file.
type Problem struct {
	// File is the manifest or the users file.
	File string `json:"file"`
	// Line is 1-based; 0 when the problem has no line (a missing field).
	Line int `json:"line,omitempty"`
	// Path names the field: level, users[2].email, permissions.services[0];
	// for a row of the users file, the column.
	Path    string `json:"path"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	where := p.File
	if p.Line > 0 {
		where = fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	if p.Path == "" {
		return where + ": " + p.Message
	}
	return where + ": " + p.Path + ": " + p.Message
}

// maxListed is how many problems an error lists; the rest are counted.
const maxListed = 100

// Error is an invalid manifest: every problem found, in file order. It
// unwraps to a *reconi.Error of kind invalid, so it exits like any other
// invalid input.
type Error struct {
	File     string
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	n := len(e.Problems)
	if n == 1 {
		fmt.Fprintf(&b, "%s is not valid:", e.File)
	} else {
		fmt.Fprintf(&b, "%s is not valid (%d problems):", e.File, n)
	}
	for i, p := range e.Problems {
		if i == maxListed {
			fmt.Fprintf(&b, "\n  ... and %d more", n-maxListed)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Unwrap gives the error its kind, and its problems as rows: with -o json
// they are listed apart, each with its source (file:line), field and message.
func (e *Error) Unwrap() error {
	n := len(e.Problems)
	msg := fmt.Sprintf("%s is not valid (%d problems)", e.File, n)
	if n == 1 {
		msg = e.File + " is not valid"
	}
	out := &reconi.Error{Kind: reconi.KindInvalid, Message: msg}
	for i, p := range e.Problems {
		if i == maxListed {
			out.RowsOmitted = n - maxListed
			break
		}
		src := p.File
		if p.Line > 0 {
			src = fmt.Sprintf("%s:%d", p.File, p.Line)
		}
		out.Rows = append(out.Rows, reconi.RowError{Line: p.Line, Source: src, Field: p.Path, Message: p.Message})
	}
	return out
}
