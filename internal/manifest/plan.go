package manifest

import (
	"context"
	"fmt"
	"strings"

	"github.com/reconi/reconi/internal/reconi"
)

// Action is what applying a manifest does for one of its users.
type Action string

const (
	// ActionNew: the user is added to a new application.
	ActionNew Action = "new"
	// ActionPresent: the organisation already has the user at the
	// manifest's level, in progress or issued; nothing is done.
	ActionPresent Action = "present"
	// ActionConflicting: the organisation has the user with other details,
	// or in progress at another level; applying refuses until resolved.
	ActionConflicting Action = "conflicting"
	// ActionLink: the user is added to a new application, but holds an
	// active means at the manifest's level or above for another
	// organisation (the same email and mobile number, and date of birth
	// when both have one): that means is linked to the organisation, at
	// the link price and without a new identification (MeansID names it).
	ActionLink Action = "link"
	// ActionWithdraw: the user holds an active means for the manifest's
	// organisation and level but is not in the manifest (a leaver). Only
	// `apply -f --prune` withdraws it; without --prune it is reported.
	ActionWithdraw Action = "withdraw"
)

// UserPlan is one user of a plan. The JSON field names are part of
// reconi's interface (`reconi plan -o json`).
type UserPlan struct {
	Action    Action `json:"action"`
	Email     string `json:"email"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	// Phone, Employed and Source are left out of a leaver's row (withdraw):
	// the manifest does not name them, and a means does not carry them.
	Phone       string      `json:"phone,omitempty"`
	DateOfBirth reconi.Date `json:"date_of_birth,omitempty"`
	Employed    *bool       `json:"employed,omitempty"`
	// Source is where the manifest gives the user: file and line.
	Source string `json:"source,omitempty"`
	// ApplicationID and State say where a present user already is.
	ApplicationID int64            `json:"application_id,omitempty"`
	State         reconi.UserState `json:"state,omitempty"`
	// Conflicts say, for a conflicting user, what differs and where.
	Conflicts []string `json:"conflicts,omitempty"`
	// MeansID names the means a withdraw would end, or the means (of
	// LinkOrganization) a link would extend.
	MeansID          int64          `json:"means_id,omitempty"`
	LinkOrganization *reconi.OrgRef `json:"link_organization,omitempty"`

	user User
}

// Plan is what applying a manifest would do. The JSON field names are part
// of reconi's interface (`reconi plan -o json`).
type Plan struct {
	File          string              `json:"file"`
	Organization  reconi.OrgRef       `json:"organization"`
	Level         reconi.Level        `json:"level"`
	Branch        reconi.BranchNumber `json:"branch"`
	Permissions   reconi.Permissions  `json:"permissions"`
	ValidityYears int                 `json:"validity_years"`
	// MaxPriceCents is the manifest's max_price, or null.
	MaxPriceCents *int64     `json:"max_price_cents"`
	NotifyEmail   string     `json:"notify_email,omitempty"`
	Users         []UserPlan `json:"users"`
	// New counts the users applying adds, Link those among them whose
	// means is linked instead of bought.
	New         int `json:"new"`
	Link        int `json:"link"`
	Present     int `json:"present"`
	Conflicting int `json:"conflicting"`
	// Withdraw counts the leavers: active means of the organisation at the
	// level whose users the manifest does not name. Prune says whether
	// applying withdraws them; ActiveMeans is how many there are in all.
	Withdraw    int  `json:"withdraw"`
	Prune       bool `json:"prune"`
	ActiveMeans int  `json:"active_means"`
	// PruneLimit is the share of ActiveMeans, in percent, that a prune
	// may withdraw.
	PruneLimit int `json:"prune_limit"`
	// Quote prices the new users only: what applying would submit.
	Quote reconi.Quote `json:"quote"`
	// Changes is true when applying would submit an application.
	Changes bool `json:"changes"`
}

// PlanOptions tune Compute.
type PlanOptions struct {
	// Prune makes applying withdraw the leavers' means.
	Prune bool
	// PruneLimit is the largest share of the organisation's active means at
	// the level, in percent, that a prune may withdraw; 0 is
	// DefaultPruneLimit.
	PruneLimit int
}

// DefaultPruneLimit guards against an empty or truncated HR export: a
// prune that would withdraw more than half the means is refused.
const DefaultPruneLimit = 50

// Leavers returns the emails whose means applying with Prune withdraws.
func (p *Plan) Leavers() []string {
	var out []string
	for _, u := range p.Users {
		if u.Action == ActionWithdraw {
			out = append(out, u.Email)
		}
	}
	return out
}

// NewUsers returns the users applying would add, in manifest order.
func (p *Plan) NewUsers() []User {
	var out []User
	for _, u := range p.Users {
		if u.Action == ActionNew || u.Action == ActionLink {
			out = append(out, u.user)
		}
	}
	return out
}

// Compute works out, with what b knows about the organisation, what
// applying m would do for each of its users, and prices the new ones with
// b's price list. It reads and never writes.
//
// A user (matched by email, ignoring case) is present when one of the
// organisation's applications at m's level has them in progress or
// issued. Users in a draft, and requests that ended rejected, expired or
// cancelled, do not count: applying asks for them again. A user is
// conflicting when a request that counts has another first name, last name
// or phone number, or is in progress at another level.
//
// The active means of the organisation at m's level whose users m does not
// name are listed as withdraw, after m's users.
func Compute(ctx context.Context, b reconi.Backend, m *Manifest, opt PlanOptions) (*Plan, error) {
	org, err := b.Organization(ctx, m.Organization)
	if err != nil {
		return nil, err
	}
	if m.Branch != "" && !org.HasBranch(m.Branch) {
		return nil, reconi.Invalid("branch", "%s is not a branch of %s (%s)", m.Branch, org.Name, org.KVK)
	}
	uuids, err := checkPermissions(ctx, b, m)
	if err != nil {
		return nil, err
	}
	byID := map[int64]reconi.ApplicationSummary{}
	if err := reconi.EachApplicationPage(ctx, b, reconi.ApplicationFilter{KVK: string(m.Organization), Limit: reconi.MaxPageSize},
		func(apps []reconi.ApplicationSummary) error {
			for _, a := range apps {
				byID[a.ID] = a
			}
			return nil
		}); err != nil {
		return nil, err
	}
	p := &Plan{File: m.File, Organization: reconi.OrgRef{KVK: org.KVK, Name: org.Name}, Level: m.Level,
		Branch: m.Branch, Permissions: m.Scope(), ValidityYears: m.Permissions.ValidityYears,
		MaxPriceCents: m.MaxPriceCents, NotifyEmail: m.NotifyEmail, Users: make([]UserPlan, 0, len(m.Users)),
		Prune: opt.Prune, PruneLimit: opt.PruneLimit}
	p.Permissions.ServiceUUIDs = uuids
	if p.PruneLimit == 0 {
		p.PruneLimit = DefaultPruneLimit
	}
	active, leavers, err := p.means(ctx, b, m)
	if err != nil {
		return nil, err
	}
	named := make(map[string]bool, len(m.Users))
	for _, u := range m.Users {
		named[strings.ToLower(u.Email)] = true
	}
	// The organisation's users are read a page at a time; only those the
	// manifest names are kept.
	byEmail := make(map[string][]reconi.User)
	if err := reconi.EachUserPage(ctx, b, reconi.UserFilter{KVK: string(m.Organization), Limit: reconi.MaxPageSize},
		func(us []reconi.User) error {
			for _, u := range us {
				// An issued request whose means was withdrawn or ended no
				// longer stands: applying asks for the user again.
				k := strings.ToLower(u.Email)
				if named[k] && counts(u.State) && (u.State != reconi.UserIssued || active[k]) {
					byEmail[k] = append(byEmail[k], u)
				}
			}
			return nil
		}); err != nil {
		return nil, err
	}

	for _, u := range m.Users {
		p.Users = append(p.Users, compare(u, m.Level, byEmail[strings.ToLower(u.Email)], byID))
	}
	if err := p.links(ctx, b); err != nil {
		return nil, err
	}
	var notEmployed int64
	users := p.Users
	p.Users = p.Users[:0]
	for _, up := range users {
		switch up.Action {
		case ActionNew, ActionLink:
			p.New++
			if up.Action == ActionLink {
				p.Link++
			} else if up.Employed != nil && !*up.Employed {
				notEmployed++
			}
		case ActionPresent:
			p.Present++
		case ActionConflicting:
			p.Conflicting++
		}
		p.Users = append(p.Users, up)
	}
	p.Users = append(p.Users, leavers...)
	p.Withdraw = len(leavers)
	p.Changes = p.New > 0 || (p.Prune && p.Withdraw > 0)

	pl, err := b.PriceList(ctx)
	if err != nil {
		return nil, err
	}
	if p.Quote, err = pl.Quote(reconi.QuoteInput{Level: m.Level, ValidityYears: m.Permissions.ValidityYears,
		Users: int64(p.New), NotEmployed: notEmployed, Permissions: int64(p.Permissions.Count()), Linked: int64(p.Link)}); err != nil {
		return nil, err
	}
	return p, nil
}

// links asks b which of the users to add hold a means that the draft
// would link, a page of people at a time, and marks them ActionLink.
func (p *Plan) links(ctx context.Context, b reconi.Backend) error {
	var idx []int
	for i, u := range p.Users {
		if u.Action == ActionNew {
			idx = append(idx, i)
		}
	}
	for start := 0; start < len(idx); start += reconi.MaxPageSize {
		page := idx[start:min(start+reconi.MaxPageSize, len(idx))]
		q := reconi.LinkQuery{KVK: string(p.Organization.KVK), Level: string(p.Level), People: make([]reconi.LinkPerson, len(page))}
		byEmail := map[string]int{}
		for j, i := range page {
			u := p.Users[i]
			q.People[j] = reconi.LinkPerson{Email: u.Email, Phone: u.Phone, DateOfBirth: string(u.DateOfBirth)}
			byEmail[strings.ToLower(u.Email)] = i
		}
		links, err := b.Links(ctx, q)
		if err != nil {
			return err
		}
		for _, l := range links {
			if i, ok := byEmail[strings.ToLower(l.Email)]; ok {
				org := l.Organization
				p.Users[i].Action, p.Users[i].MeansID, p.Users[i].LinkOrganization = ActionLink, l.MeansID, &org
			}
		}
	}
	return nil
}

// means reads, a page at a time, the organisation's active means: it
// returns the emails (in lower case) that hold one at any level, and a
// withdraw for each means at the manifest's level whose user the manifest
// does not name.
func (p *Plan) means(ctx context.Context, b reconi.Backend, m *Manifest) (map[string]bool, []UserPlan, error) {
	named := make(map[string]bool, len(m.Users))
	for _, u := range m.Users {
		named[strings.ToLower(u.Email)] = true
	}
	active := map[string]bool{}
	var leavers []UserPlan
	f := reconi.MeansFilter{KVK: string(m.Organization), State: reconi.MeansActive, Limit: reconi.MaxPageSize}
	for {
		page, err := b.ListMeans(ctx, f)
		if err != nil {
			return nil, nil, err
		}
		for _, ms := range page.Means {
			k := strings.ToLower(ms.Email)
			active[k] = true
			if ms.Level != m.Level {
				continue
			}
			p.ActiveMeans++
			if !named[k] {
				leavers = append(leavers, UserPlan{Action: ActionWithdraw, Email: ms.Email, FirstName: ms.FirstName,
					LastName: ms.LastName, ApplicationID: ms.ApplicationID, State: reconi.UserIssued, MeansID: ms.ID})
			}
		}
		if page.NextCursor == "" {
			return active, leavers, nil
		}
		f.Cursor = page.NextCursor
	}
}

// counts reports whether a request in state s stands: in progress or
// issued. A draft is not asked for yet; an ended request is asked again.
func counts(s reconi.UserState) bool {
	return s.Open() || s == reconi.UserIssued
}

// compare decides the action for u from the requests of the organisation
// that count and have u's email.
func compare(u User, level reconi.Level, have []reconi.User, apps map[int64]reconi.ApplicationSummary) UserPlan {
	up := UserPlan{Action: ActionNew, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName, Phone: u.Phone,
		DateOfBirth: u.DateOfBirth, Employed: &u.Employed, Source: u.Source, user: u}
	var present *reconi.User
	for i := range have {
		e := &have[i]
		app, ok := apps[e.ApplicationID]
		if !ok {
			continue
		}
		where := fmt.Sprintf("application %d (%s, %s)", e.ApplicationID, app.Level, e.State)
		var diffs []string
		if e.FirstName != u.FirstName {
			diffs = append(diffs, fmt.Sprintf("first name %q where the manifest says %q", e.FirstName, u.FirstName))
		}
		if e.LastName != u.LastName {
			diffs = append(diffs, fmt.Sprintf("last name %q where the manifest says %q", e.LastName, u.LastName))
		}
		if e.Phone != u.Phone {
			diffs = append(diffs, fmt.Sprintf("phone %s where the manifest says %s", e.Phone, u.Phone))
		}
		if len(diffs) > 0 {
			up.Conflicts = append(up.Conflicts, where+" has "+strings.Join(diffs, ", "))
		}
		switch {
		case app.Level == level:
			// The latest application at the level is where the user is.
			if present == nil || e.ApplicationID > present.ApplicationID {
				present = e
			}
		case e.State.Open():
			up.Conflicts = append(up.Conflicts, fmt.Sprintf("%s is in progress at another level than the manifest's %s: wait for it to end, or cancel it with reconi cancel %d --email %s",
				where, level, e.ApplicationID, e.Email))
		}
	}
	switch {
	case len(up.Conflicts) > 0:
		up.Action = ActionConflicting
	case present != nil:
		up.Action = ActionPresent
		up.ApplicationID, up.State = present.ApplicationID, present.State
	}
	return up
}

// Check returns why applying the plan must not start, as a *reconi.Error
// of kind invalid: users that conflict (each one named), or a quote above
// the manifest's max_price. It is nil when applying may go ahead.
func (p *Plan) Check() error {
	if p.Conflicting > 0 {
		e := &reconi.Error{Kind: reconi.KindInvalid}
		if p.Conflicting == 1 {
			e.Message = fmt.Sprintf("1 user of %s conflicts with what organisation %s already has; nothing was applied", p.File, p.Organization.KVK)
		} else {
			e.Message = fmt.Sprintf("%d users of %s conflict with what organisation %s already has; nothing was applied", p.Conflicting, p.File, p.Organization.KVK)
		}
		for _, u := range p.Users {
			for _, c := range u.Conflicts {
				e.Rows = append(e.Rows, reconi.RowError{Field: u.Email, Message: c})
			}
		}
		return e
	}
	if p.Prune && p.Withdraw > 0 && p.Withdraw*100 > p.ActiveMeans*p.PruneLimit {
		return reconi.Invalid("prune_limit", "pruning would withdraw %d of the %d active means of organisation %s at %s (%d%%), above the limit of %d%%; "+
			"nothing was applied: check that %s is complete", p.Withdraw, p.ActiveMeans, p.Organization.KVK, p.Level,
			p.Withdraw*100/p.ActiveMeans, p.PruneLimit, p.File)
	}
	if p.MaxPriceCents != nil && p.Quote.TotalCents > *p.MaxPriceCents {
		newUsers := fmt.Sprintf("%d new users", p.New)
		if p.New == 1 {
			newUsers = "1 new user"
		}
		return reconi.Invalid("max_price", "the quote for %s is %s (VAT included), above the maximum of %s in %s; nothing was applied",
			newUsers, reconi.FormatCents(p.Quote.TotalCents), reconi.FormatCents(*p.MaxPriceCents), p.File)
	}
	return nil
}
