package reconi

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// An eHerkenning means lives on after the wizard: it is issued for the
// validity bought, its permissions end on their own dates, and the manager
// withdraws it when the user leaves.

// MeansState is the state of an issued means.
type MeansState string

const (
	MeansActive    MeansState = "active"
	MeansExpired   MeansState = "expired"
	MeansWithdrawn MeansState = "withdrawn"
)

// ParseMeansState accepts the states a means can be in.
func ParseMeansState(s string) (MeansState, error) {
	switch st := MeansState(strings.ToLower(strings.TrimSpace(s))); st {
	case MeansActive, MeansExpired, MeansWithdrawn:
		return st, nil
	}
	return "", Invalid("state", "%q is not a state of a means: want active, expired or withdrawn", Excerpt(s))
}

// Means is one issued eHerkenning means: a user's, for one organisation.
type Means struct {
	ID            int64             `json:"id"`
	UserID        int64             `json:"user_id"`
	ApplicationID int64             `json:"application_id"`
	Email         string            `json:"email"`
	FirstName     string            `json:"first_name"`
	LastName      string            `json:"last_name"`
	Organization  OrgRef            `json:"organization"`
	Level         Level             `json:"level"`
	State         MeansState        `json:"state"`
	IssuedAt      time.Time         `json:"issued_at"`
	ExpiresAt     time.Time         `json:"expires_at"`
	Permissions   []MeansPermission `json:"permissions"`
	// LinkedTo names the means, held for another organisation, that this
	// one links to this organisation; it ends when that one ends.
	LinkedTo int64 `json:"linked_to,omitempty"`
	// WithdrawnAt, WithdrawnBy and WithdrawReason are set once the means
	// was withdrawn.
	WithdrawnAt    *time.Time `json:"withdrawn_at,omitempty"`
	WithdrawnBy    string     `json:"withdrawn_by,omitempty"`
	WithdrawReason string     `json:"withdraw_reason,omitempty"`
	// History is the user's history, filled by ShowMeans only.
	History []Event `json:"history,omitempty"`
}

// StateAt is the state the means is in at now: an active means past its end
// date reads as expired before any sweep has recorded it.
func (m *Means) StateAt(now time.Time) MeansState {
	if m.State == MeansActive && !now.Before(m.ExpiresAt) {
		return MeansExpired
	}
	return m.State
}

// MeansPermission is one permission of an issued means, with its own end
// date: a permission granted later can end on another day than the means.
type MeansPermission struct {
	Scope    PermissionScope `json:"scope"`
	Provider string          `json:"provider,omitempty"`
	Service  ServiceID       `json:"service,omitempty"`
	// ServiceUUID is what a service permission is registered against;
	// Service is the ServiceID the catalogue gives it now.
	ServiceUUID ServiceUUID `json:"service_uuid,omitempty"`
	ExpiresAt   time.Time   `json:"expires_at"`
}

// String names the permission in words.
func (p MeansPermission) String() string {
	switch p.Scope {
	case ScopeAllServices:
		return "all services"
	case ScopeProviders:
		return p.Provider
	}
	return string(p.Service)
}

// MeansPermissions lists the permissions an application grants each of its
// users, ending at expires.
func MeansPermissions(p *Permissions, expires time.Time) []MeansPermission {
	out := []MeansPermission{}
	if p == nil || !p.Direct {
		return out
	}
	switch p.Scope {
	case ScopeAllServices:
		out = append(out, MeansPermission{Scope: ScopeAllServices, ExpiresAt: expires})
	case ScopeProviders:
		for _, name := range p.Providers {
			out = append(out, MeansPermission{Scope: ScopeProviders, Provider: name, ExpiresAt: expires})
		}
	case ScopeServices:
		for i, id := range p.Services {
			mp := MeansPermission{Scope: ScopeServices, Service: id, ExpiresAt: expires}
			if i < len(p.ServiceUUIDs) {
				mp.ServiceUUID = p.ServiceUUIDs[i]
			}
			out = append(out, mp)
		}
	}
	return out
}

// MeansFilter selects issued means; empty fields match all. Lists are read
// in pages: Cursor is the NextCursor of the page before.
type MeansFilter struct {
	KVK   string     `json:"kvk,omitempty"`
	Email string     `json:"email,omitempty"`
	State MeansState `json:"state,omitempty"`
	// ExpiringWithin keeps active means that end within this time from now.
	ExpiringWithin time.Duration `json:"expiring_within,omitempty"`
	Cursor         string        `json:"cursor,omitempty"`
	// Limit caps the page; 0 is the default page size.
	Limit int `json:"limit,omitempty"`
}

// MeansPage is one page of issued means. NextCursor is empty on the last.
type MeansPage struct {
	Means      []Means `json:"means"`
	NextCursor string  `json:"next_cursor,omitempty"`
}

// Withdrawal asks to withdraw the means of some users of one organisation.
type Withdrawal struct {
	KVK    string   `json:"kvk"`
	Emails []string `json:"emails"`
	Reason string   `json:"reason"`
	// DryRun checks every email and withdraws nothing.
	DryRun bool `json:"dry_run,omitempty"`
}

// WithdrawResult reports a withdrawal: the means withdrawn now, and those
// that were withdrawn before (a rerun is safe).
type WithdrawResult struct {
	Withdrawn []Means `json:"withdrawn"`
	Unchanged []Means `json:"unchanged"`
	DryRun    bool    `json:"dry_run"`
}

// MeansBackend is the part of Backend about issued means.
type MeansBackend interface {
	// ListMeans lists issued means, a page at a time.
	ListMeans(ctx context.Context, f MeansFilter) (*MeansPage, error)
	// ShowMeans returns the means ref names — an ID, or every means of an
	// email (of organisation kvk, when given) — with their history.
	ShowMeans(ctx context.Context, ref string, kvk string) ([]Means, error)
	// WithdrawMeans withdraws means at once, all or none.
	WithdrawMeans(ctx context.Context, in Withdrawal) (*WithdrawResult, error)
}

// DefaultPageSize and MaxPageSize bound every paged list.
const (
	DefaultPageSize = 500
	MaxPageSize     = 5000
)

// PageLimit returns the page size to use for a requested limit.
func PageLimit(limit int) (int, error) {
	switch {
	case limit == 0:
		return DefaultPageSize, nil
	case limit < 0 || limit > MaxPageSize:
		return 0, Invalid("limit", "%d is out of range: want 1 to %d", limit, MaxPageSize)
	}
	return limit, nil
}

// IDCursor encodes the last ID of a page as the cursor of the next; cursors
// are opaque to clients.
func IDCursor(id int64) string { return "i" + strconv.FormatInt(id, 36) }

// ParseIDCursor reads a cursor made by IDCursor; "" is the first page.
func ParseIDCursor(c string) (int64, error) {
	if c == "" {
		return 0, nil
	}
	rest, ok := strings.CutPrefix(c, "i")
	id, err := strconv.ParseInt(rest, 36, 64)
	if !ok || err != nil || id < 0 {
		return 0, Invalid("cursor", "%q is not a cursor reconi gave: pass next_cursor from the page before", Excerpt(c))
	}
	return id, nil
}

// ParseWithin reads a span like 60d, 8w, 2160h or 90m: days and weeks as
// people plan expiry, hours and less as Go writes durations.
func ParseWithin(field, s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	bad := Invalid(field, "%q is not a span of time: want e.g. 60d, 8w or 72h (days at most 3660, weeks at most 523)", Excerpt(s))
	if n, ok := strings.CutSuffix(s, "d"); ok {
		d, err := strconv.Atoi(n)
		if err != nil || d < 0 || d > 3660 {
			return 0, bad
		}
		return time.Duration(d) * 24 * time.Hour, nil
	}
	if n, ok := strings.CutSuffix(s, "w"); ok {
		w, err := strconv.Atoi(n)
		if err != nil || w < 0 || w > 523 {
			return 0, bad
		}
		return time.Duration(w) * 7 * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, bad
	}
	return d, nil
}

// FormatWithin writes a span the way ParseWithin reads it.
func FormatWithin(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	return d.String()
}
