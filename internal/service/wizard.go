package service

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// BranchWarning is printed whenever a branch restriction is chosen.
func branchWarning(cat *reconi.Catalogue) string {
	var refusing []string
	for _, p := range cat.Providers {
		if !p.AcceptsBranchUsers {
			refusing = append(refusing, p.Name)
		}
	}
	w := "restricting users to a branch is not advised: users bound to a branch number cannot log in at some providers"
	if len(refusing) == 0 {
		// An operator's catalogue may list none; no empty "()".
		return w
	}
	return fmt.Sprintf("%s (%s)", w, strings.Join(refusing, ", "))
}

// CreateDraft starts an application for an organisation at a level,
// optionally restricted to one of its branches (wizard steps 3 to 6).
func (s *Service) CreateDraft(ctx context.Context, in reconi.NewDraft) (*reconi.Application, error) {
	kvk, err := reconi.ParseKVK(in.KVK)
	if err != nil {
		return nil, err
	}
	if err := authorize(ctx, actWizard, kvk); err != nil {
		return nil, err
	}
	level, err := reconi.ParseLevel(in.Level)
	if err != nil {
		return nil, err
	}
	if level == reconi.EH4 {
		return nil, reconi.Invalid("level", "EH4 cannot be requested here: the legal representative and the authorization manager must appear in person; choose EH2, EH2+ or EH3")
	}
	var branch reconi.BranchNumber
	if in.Branch != "" {
		if branch, err = reconi.ParseBranch(in.Branch); err != nil {
			return nil, err
		}
	}
	var id int64
	var warnings []string
	err = s.update(ctx, func(tx store.Tx) error {
		org, err := s.org(tx, kvk)
		if err != nil {
			return err
		}
		if branch != "" {
			if !org.HasBranch(branch) {
				return reconi.Invalid("branch", "%s is not a branch of %s (%s); its branches: %s", branch, org.Name, kvk, branchList(org))
			}
			cat, err := tx.Catalogue()
			if err != nil {
				return err
			}
			warnings = append(warnings, branchWarning(cat))
		}
		a := &reconi.Application{
			State:        reconi.AppDraft,
			Organization: reconi.OrgRef{KVK: org.KVK, Name: org.Name},
			Level:        level,
			Branch:       branch,
			CreatedBy:    actorName(ctx),
			CreatedAt:    s.now().UTC(),
		}
		if err := tx.InsertApplication(a); err != nil {
			return err
		}
		id = a.ID
		return tx.InsertEvent(&reconi.Event{ApplicationID: a.ID, From: "", To: string(reconi.AppDraft),
			Actor: a.CreatedBy, Reason: "draft started", At: a.CreatedAt})
	})
	if err != nil {
		return nil, err
	}
	a, err := s.Application(ctx, id)
	if a != nil {
		a.Warnings = warnings
	}
	return a, err
}

func branchList(o *reconi.Organization) string {
	if len(o.Branches) == 0 {
		return "none registered"
	}
	var out []string
	for _, b := range o.Branches {
		out = append(out, string(b.Number))
	}
	return strings.Join(out, ", ")
}

// Application returns an application with its users and its quote: the live
// quote of a draft, the agreed one of a submitted application.
func (s *Service) Application(ctx context.Context, id int64) (*reconi.Application, error) {
	if err := authorize(ctx, actRead, ""); err != nil {
		return nil, err
	}
	if _, err := s.ExpireDue(ctx); err != nil {
		return nil, err
	}
	var a *reconi.Application
	err := s.view(ctx, func(tx store.Tx) (err error) {
		if a, err = s.app(ctx, tx, id); err != nil {
			return err
		}
		if a.Users, err = tx.Users(store.UserFilter{ApplicationID: id}); err != nil {
			return err
		}
		if a.State == reconi.AppDraft {
			a.Quote, err = s.draftQuote(tx, a)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// app loads an application the actor may see; one it may not see is not
// found, so IDs of other organisations' applications do not leak.
func (s *Service) app(ctx context.Context, tx store.Tx, id int64) (*reconi.Application, error) {
	a, err := tx.Application(id)
	if err != nil {
		return nil, err
	}
	if a == nil || !mayAccess(reconi.ActorFrom(ctx), a.Organization.KVK) {
		return nil, reconi.Errorf(reconi.KindNotFound, "application %d not found", id)
	}
	return a, nil
}

// draft loads an application that must still be a draft, for the actor to
// change.
func (s *Service) draft(ctx context.Context, tx store.Tx, id int64) (*reconi.Application, error) {
	if err := tx.LockApplication(id); err != nil {
		return nil, err
	}
	a, err := s.app(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := authorize(ctx, actWizard, a.Organization.KVK); err != nil {
		return nil, err
	}
	if a.State != reconi.AppDraft {
		return nil, reconi.Errorf(reconi.KindConflict, "application %d was submitted on %s and can no longer be changed",
			id, a.SubmittedAt.Format("2006-01-02 15:04 MST"))
	}
	return a, nil
}

func (s *Service) draftQuote(tx store.Tx, a *reconi.Application) (reconi.Quote, error) {
	pl, err := s.priceList(tx)
	if err != nil {
		return reconi.Quote{}, err
	}
	total, notEmployed, err := tx.UserCounts(a.ID)
	if err != nil {
		return reconi.Quote{}, err
	}
	return quote(pl, quoteInput{level: a.Level, validity: a.ValidityYears, users: total, notEmployed: notEmployed,
		permissions: int64(a.Permissions.Count())})
}

// AddUser adds one user to a draft (wizard step 7, "Add user").
func (s *Service) AddUser(ctx context.Context, appID int64, in reconi.NewUser) (*reconi.User, error) {
	u, rows := reconi.ParseUser(reconi.UserFields{FirstName: in.FirstName, LastName: in.LastName, Email: in.Email,
		Phone: in.Phone, DateOfBirth: in.DateOfBirth, Employed: employedText(in.Employed)}, s.now())
	if len(rows) > 0 {
		return nil, &reconi.Error{Kind: reconi.KindInvalid, Message: "the user was not added", Rows: rows}
	}
	err := s.update(ctx, func(tx store.Tx) error {
		a, err := s.draft(ctx, tx, appID)
		if err != nil {
			return err
		}
		u.ApplicationID, u.State, u.UpdatedAt = a.ID, reconi.UserDraft, s.now().UTC()
		added, err := tx.InsertUsers(a.ID, []store.UserRow{{User: &u}})
		if err != nil {
			return err
		}
		if !added[0] {
			return reconi.Errorf(reconi.KindConflict, "%s is already a user of draft %d", u.Email, a.ID)
		}
		stored, err := tx.UserByEmail(a.ID, u.Email)
		if err != nil {
			return err
		}
		u = stored.User
		return tx.InsertEvent(&reconi.Event{ApplicationID: a.ID, UserID: u.ID, Email: u.Email, From: "",
			To: string(reconi.UserDraft), Actor: actorName(ctx), Reason: "user added", At: u.UpdatedAt})
	})
	if err != nil {
		return nil, err
	}
	return &u, nil
}

// RemoveUser takes a user off a draft.
func (s *Service) RemoveUser(ctx context.Context, appID int64, email string) error {
	return s.update(ctx, func(tx store.Tx) error {
		a, err := s.draft(ctx, tx, appID)
		if err != nil {
			return err
		}
		u, err := tx.UserByEmail(a.ID, strings.TrimSpace(email))
		if err != nil {
			return err
		}
		if u == nil {
			if _, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(email), "#"), 10, 64); err == nil {
				return reconi.Errorf(reconi.KindNotFound, "%s is not a user of draft %d: name the user by email (reconi users list)", email, a.ID)
			}
			return reconi.Errorf(reconi.KindNotFound, "%s is not a user of draft %d", email, a.ID)
		}
		if err := tx.DeleteUser(u.ID); err != nil {
			return err
		}
		return tx.InsertEvent(&reconi.Event{ApplicationID: a.ID, Email: u.Email, From: string(u.State), To: "removed",
			Actor: actorName(ctx), Reason: "user removed from draft", At: s.now().UTC()})
	})
}

// Users lists the users of an application, or of every application of an
// organisation.
func (s *Service) Users(ctx context.Context, f reconi.UserFilter) ([]reconi.User, error) {
	if _, err := s.ExpireDue(ctx); err != nil {
		return nil, err
	}
	var out []reconi.User
	err := s.view(ctx, func(tx store.Tx) error {
		sf := store.UserFilter{ApplicationID: f.ApplicationID}
		switch {
		case f.ApplicationID != 0:
			if _, err := s.app(ctx, tx, f.ApplicationID); err != nil {
				return err
			}
			if err := authorize(ctx, actRead, ""); err != nil {
				return err
			}
		case f.KVK != "":
			kvk, err := reconi.ParseKVK(f.KVK)
			if err != nil {
				return err
			}
			if err := authorize(ctx, actRead, kvk); err != nil {
				return err
			}
			if _, err := s.org(tx, kvk); err != nil {
				return err
			}
			sf.KVK = kvk
		default:
			return reconi.Invalid("draft", "no draft, application or organisation given: select one with --draft ID or --org KVK")
		}
		var err error
		out, err = tx.Users(sf)
		return err
	})
	return out, err
}

// SetPermissions sets what every user of a draft will be authorised for, and
// for how long (wizard step 9).
func (s *Service) SetPermissions(ctx context.Context, appID int64, in reconi.PermissionsInput) (*reconi.Application, error) {
	if !slices.Contains(reconi.ValidityYears, in.ValidityYears) {
		return nil, reconi.Invalid("validity", "%d years is not offered: want 1, 3 or 5 years (at most 5)", in.ValidityYears)
	}
	var warnings []string
	err := s.update(ctx, func(tx store.Tx) error {
		a, err := s.draft(ctx, tx, appID)
		if err != nil {
			return err
		}
		cat, err := tx.Catalogue()
		if err != nil {
			return err
		}
		p, w, err := resolvePermissions(in, a, cat)
		if err != nil {
			return err
		}
		warnings = w
		a.Permissions, a.ValidityYears = p, in.ValidityYears
		if err := tx.UpdateApplication(a); err != nil {
			return err
		}
		return tx.InsertEvent(&reconi.Event{ApplicationID: a.ID, From: string(a.State), To: string(a.State),
			Actor: actorName(ctx), Reason: fmt.Sprintf("permissions set: %s, valid %s", p, reconi.Years(a.ValidityYears)), At: s.now().UTC()})
	})
	if err != nil {
		return nil, err
	}
	a, err := s.Application(ctx, appID)
	if a != nil {
		a.Warnings = warnings
	}
	return a, err
}

// resolvePermissions checks a permission request against the catalogue, the
// draft's level and its branch restriction, and returns the permissions with
// names as the catalogue spells them, plus advice.
func resolvePermissions(in reconi.PermissionsInput, a *reconi.Application, cat *reconi.Catalogue) (*reconi.Permissions, []string, error) {
	kinds := 0
	for _, set := range []bool{in.AllServices, len(in.Providers) > 0, len(in.Services) > 0} {
		if set {
			kinds++
		}
	}
	if !in.Direct {
		if kinds > 0 {
			return nil, nil, reconi.Invalid("direct", "permissions are not added directly (direct=false), so --all-services, --provider and --service cannot be given")
		}
		return &reconi.Permissions{Direct: false, Scope: reconi.ScopeNone},
			[]string{"no permissions are added: the users cannot log in anywhere until permissions are granted to them"}, nil
	}
	switch kinds {
	case 0:
		return nil, nil, reconi.Invalid("permissions", "choose what the users may use: --all-services, --provider NAME or --service ID")
	case 1:
	default:
		return nil, nil, reconi.Invalid("permissions", "choose one of --all-services, --provider or --service, not several")
	}
	var warnings []string
	tooHigh := func(svcs []reconi.Service) {
		for _, svc := range svcs {
			if !a.Level.Satisfies(svc.Level) {
				warnings = append(warnings, fmt.Sprintf("%s %s requires %s: an %s means cannot be used there",
					svc.Provider, svc.Name, svc.Level, a.Level))
			}
		}
	}
	p := &reconi.Permissions{Direct: true}
	switch {
	case in.AllServices:
		p.Scope = reconi.ScopeAllServices
		if a.Branch != "" {
			warnings = append(warnings, branchWarning(cat))
		}
		tooHigh(cat.Services)
	case len(in.Providers) > 0:
		p.Scope = reconi.ScopeProviders
		for _, name := range in.Providers {
			prov, err := findProvider(cat, name)
			if err != nil {
				return nil, nil, err
			}
			if a.Branch != "" && !prov.AcceptsBranchUsers {
				return nil, nil, reconi.Invalid("provider", "%s does not accept users bound to a branch, and this draft is restricted to branch %s; start a draft without --branch to grant %s",
					prov.Name, a.Branch, prov.Name)
			}
			if !slices.Contains(p.Providers, prov.Name) {
				p.Providers = append(p.Providers, prov.Name)
				var svcs []reconi.Service
				for _, svc := range cat.Services {
					if svc.Provider == prov.Name {
						svcs = append(svcs, svc)
					}
				}
				tooHigh(svcs)
			}
		}
	default:
		p.Scope = reconi.ScopeServices
		for _, raw := range in.Services {
			id, err := reconi.ParseServiceID(strings.TrimSpace(raw))
			if err != nil {
				return nil, nil, err
			}
			i := slices.IndexFunc(cat.Services, func(svc reconi.Service) bool { return svc.ID == id })
			if i < 0 {
				return nil, nil, reconi.Invalid("service", "%s is not in the service catalogue (see reconi services list)", id)
			}
			svc := cat.Services[i]
			if !a.Level.Satisfies(svc.Level) {
				return nil, nil, reconi.Invalid("service", "%s %s (%s) requires %s, above this draft's level %s",
					svc.Provider, svc.Name, svc.ID, svc.Level, a.Level)
			}
			if prov, _ := findProvider(cat, svc.Provider); a.Branch != "" && prov != nil && !prov.AcceptsBranchUsers {
				return nil, nil, reconi.Invalid("service", "%s %s: %s does not accept users bound to a branch, and this draft is restricted to branch %s",
					svc.Provider, svc.Name, svc.Provider, a.Branch)
			}
			if !slices.Contains(p.Services, id) {
				p.Services = append(p.Services, id)
			}
		}
	}
	return p, warnings, nil
}

// Submit agrees to the terms and submits a draft (wizard step 10): every user
// is invited, and the quote is fixed.
func (s *Service) Submit(ctx context.Context, appID int64, in reconi.Submission) (*reconi.Application, error) {
	if !in.AgreeTerms {
		return nil, reconi.Invalid("agree_terms", "the conditions must be agreed to before submitting (--agree-terms)")
	}
	if in.TermsVersion != "" && in.TermsVersion != s.terms.Version {
		return nil, reconi.Errorf(reconi.KindConflict, "the conditions changed from version %s to %s: read them again before agreeing",
			in.TermsVersion, s.terms.Version)
	}
	if len(in.IdempotencyKey) > 200 {
		return nil, reconi.Invalid("idempotency_key", "is longer than 200 characters")
	}
	var notify string
	if in.NotifyEmail != "" {
		e, err := reconi.ParseNotifyEmail(in.NotifyEmail)
		if err != nil {
			return nil, err
		}
		notify = e
	}
	err := s.update(ctx, func(tx store.Tx) error {
		if in.IdempotencyKey != "" {
			// Take the draft's lock before looking at the key: two submits
			// with one key on two replicas then see each other's result.
			if err := tx.LockApplication(appID); err != nil {
				return err
			}
			a, err := s.app(ctx, tx, appID)
			if err != nil {
				return err
			}
			if err := authorize(ctx, actWizard, a.Organization.KVK); err != nil {
				return err
			}
			if a.State != reconi.AppDraft && a.IdempotencyKey == in.IdempotencyKey {
				return nil // submitted before with this key: answer as then
			}
		}
		a, err := s.draft(ctx, tx, appID)
		if err != nil {
			return err
		}
		total, _, err := tx.UserCounts(a.ID)
		if err != nil {
			return err
		}
		if err := a.Incomplete(int(total)); err != nil {
			return err
		}
		// The catalogue may have changed since step 9: check again.
		cat, err := tx.Catalogue()
		if err != nil {
			return err
		}
		check := reconi.PermissionsInput{Direct: a.Permissions.Direct, AllServices: a.Permissions.Scope == reconi.ScopeAllServices,
			Providers: a.Permissions.Providers, ValidityYears: a.ValidityYears}
		for _, id := range a.Permissions.Services {
			check.Services = append(check.Services, string(id))
		}
		if _, _, err := resolvePermissions(check, a, cat); err != nil {
			return err
		}
		if a.Quote, err = s.draftQuote(tx, a); err != nil {
			return err
		}
		if in.MaxPriceCents != nil && a.Quote.TotalCents > *in.MaxPriceCents {
			return reconi.Invalid("max_price", "the quote is %s (VAT included), above the maximum of %s; nothing was submitted",
				reconi.FormatCents(a.Quote.TotalCents), reconi.FormatCents(*in.MaxPriceCents))
		}
		now := s.now().UTC()
		actor := actorName(ctx)
		a.State, a.SubmittedAt, a.IdempotencyKey = reconi.AppSubmitted, &now, in.IdempotencyKey
		a.NotifyEmail = notify
		a.Terms = &reconi.TermsAgreement{Version: s.terms.Version, AgreedBy: actor, AgreedAt: now}
		if err := tx.UpdateApplication(a); err != nil {
			return err
		}
		if err := tx.InsertEvent(&reconi.Event{ApplicationID: a.ID, From: string(reconi.AppDraft), To: string(reconi.AppSubmitted),
			Actor: actor, Reason: fmt.Sprintf("submitted; agreed to conditions %s; quote %s", s.terms.Version, reconi.FormatCents(a.Quote.TotalCents)), At: now}); err != nil {
			return err
		}
		// Sending the invitation email is the outbox's work; here the
		// invitation is recorded as each user's state change.
		if _, err := tx.AdvanceUsers(a.ID, reconi.UserDraft, reconi.UserInvited, now.Add(s.us.InvitationTTL),
			store.EventInfo{Actor: actor, Reason: "invitation sent", At: now}); err != nil {
			return err
		}
		return s.invite(tx, a, now)
	})
	if err != nil {
		return nil, err
	}
	return s.Application(ctx, appID)
}
