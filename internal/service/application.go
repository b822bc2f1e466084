package service

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// BranchWarning is printed whenever a branch restriction is chosen.
func branchWarning(cat *reconi.Catalogue) string {
	// Branch acceptance is per service: name the providers with a service
	// that refuses branch-bound users.
	var refusing []string
	for _, svc := range cat.Services {
		if !svc.AcceptsBranch() && !slices.Contains(refusing, svc.Provider) {
			refusing = append(refusing, svc.Provider)
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
	if err := reconi.CheckTexts("", in); err != nil {
		return nil, err
	}
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

// Application returns an application with the first page of its users and
// its quote: the live quote of a draft, the agreed one of a submitted
// application.
func (s *Service) Application(ctx context.Context, id int64) (*reconi.Application, error) {
	if err := authorize(ctx, actRead, ""); err != nil {
		return nil, err
	}
	if err := s.expireOnRead(ctx); err != nil {
		return nil, err
	}
	var a *reconi.Application
	err := s.view(ctx, func(tx store.Tx) (err error) {
		if a, err = s.app(ctx, tx, id); err != nil {
			return err
		}
		if err := firstUsers(tx, a); err != nil {
			return err
		}
		if a.Kind != reconi.AppKindNew {
			if a.Means, err = tx.AppMeans(a.ID, s.now().UTC()); err != nil {
				return err
			}
		}
		if err := s.appLinks(tx, a); err != nil {
			return err
		}
		if a.State == reconi.AppDraft {
			a.Quote, err = s.draftQuote(tx, a)
		}
		if err != nil || a.State != reconi.AppSubmitted {
			return err
		}
		// Completed is worked out from the users' states, not stored:
		// nothing has to remember to set it, and it cannot go stale.
		if a.CompletedAt, err = tx.CompletedAt(a.ID); a.CompletedAt != nil {
			a.State = reconi.AppCompleted
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// firstUsers fills in a's first page of users, its user count and the
// cursor that reads on.
func firstUsers(tx store.Tx, a *reconi.Application) (err error) {
	us, err := tx.Users(store.UserFilter{ApplicationID: a.ID, Limit: reconi.DefaultPageSize + 1})
	if err != nil {
		return err
	}
	a.Users, a.UsersNextCursor = us, ""
	if len(us) > reconi.DefaultPageSize {
		a.Users = us[:reconi.DefaultPageSize]
		a.UsersNextCursor = reconi.IDCursor(a.Users[len(a.Users)-1].ID)
	}
	a.UsersTotal, err = tx.CountUsers(a.ID)
	return err
}

// eachUser calls fn with every user of application appID, a page at a
// time, in the order they were added, so that no list of them is held.
func eachUser(tx store.Tx, appID int64, fn func(u *reconi.User) error) error {
	var after int64
	for {
		us, err := tx.Users(store.UserFilter{ApplicationID: appID, AfterID: after, Limit: reconi.DefaultPageSize})
		if err != nil {
			return err
		}
		for i := range us {
			if err := fn(&us[i]); err != nil {
				return err
			}
		}
		if len(us) < reconi.DefaultPageSize {
			return nil
		}
		after = us[len(us)-1].ID
	}
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
	return s.unlockedDraft(ctx, tx, id)
}

// unlockedDraft checks, without locking it, that an application is a draft
// of new means the actor may change: an import asks before it reads a long
// upload. Renewal and change drafts take no users and no permissions.
func (s *Service) unlockedDraft(ctx context.Context, tx store.Tx, id int64) (*reconi.Application, error) {
	a, err := s.unlockedAnyDraft(ctx, tx, id)
	if err == nil && a.Kind != reconi.AppKindNew {
		return nil, reconi.Errorf(reconi.KindConflict, "draft %d is a %s of issued means: users and permissions are not added to it; "+
			"take a means off with users remove, or start a new draft", id, a.Kind)
	}
	return a, err
}

// anyDraft loads, locked, a draft of any kind the actor may change.
func (s *Service) anyDraft(ctx context.Context, tx store.Tx, id int64) (*reconi.Application, error) {
	if err := tx.LockApplication(id); err != nil {
		return nil, err
	}
	return s.unlockedAnyDraft(ctx, tx, id)
}

func (s *Service) unlockedAnyDraft(ctx context.Context, tx store.Tx, id int64) (*reconi.Application, error) {
	a, err := s.app(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := authorize(ctx, actWizard, a.Organization.KVK); err != nil {
		return nil, err
	}
	if a.State == reconi.AppDiscarded {
		return nil, reconi.Errorf(reconi.KindConflict, "draft %d was discarded and can no longer be changed", id)
	}
	if a.State != reconi.AppDraft {
		return nil, reconi.Errorf(reconi.KindConflict, "application %d was submitted on %s and can no longer be changed",
			id, a.SubmittedAt.Format("2006-01-02 15:04 MST"))
	}
	return a, nil
}

// DiscardDraft deletes the users of draft appID and marks it discarded, all
// or none; the history keeps who discarded it, when and why. Anything but
// a draft is a conflict that names its state.
func (s *Service) DiscardDraft(ctx context.Context, appID int64, reason string) (*reconi.Application, error) {
	reason = strings.TrimSpace(reason)
	if err := reconi.CheckText("reason", reason); err != nil {
		return nil, err
	}
	if len(reason) > 500 {
		return nil, reconi.Invalid("reason", "is longer than 500 characters")
	}
	if reason == "" {
		reason = "discarded by the authorization manager"
	}
	err := s.update(ctx, func(tx store.Tx) error {
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
		switch a.State {
		case reconi.AppDraft:
		case reconi.AppDiscarded:
			return reconi.Errorf(reconi.KindConflict, "draft %d was already discarded", a.ID)
		default:
			state := a.State
			if at, err := tx.CompletedAt(a.ID); err != nil {
				return err
			} else if at != nil {
				state = reconi.AppCompleted
			}
			return reconi.Errorf(reconi.KindConflict, "application %d is %s, not a draft: only a draft can be discarded", a.ID, state)
		}
		n, err := tx.DeleteApplicationUsers(a.ID)
		if err != nil {
			return err
		}
		a.State = reconi.AppDiscarded
		if err := tx.UpdateApplication(a); err != nil {
			return err
		}
		return tx.InsertEvent(&reconi.Event{ApplicationID: a.ID, From: string(reconi.AppDraft), To: string(reconi.AppDiscarded),
			Actor: actorName(ctx), Reason: fmt.Sprintf("%s (%s removed)", reason, countNoun(int(n), "user", "users")), At: s.now().UTC()})
	})
	if err != nil {
		return nil, err
	}
	return s.Application(ctx, appID)
}

func (s *Service) draftQuote(tx store.Tx, a *reconi.Application) (reconi.Quote, error) {
	if a.Kind != reconi.AppKindNew {
		return s.linesQuote(tx, a)
	}
	pl, err := s.priceList(tx)
	if err != nil {
		return reconi.Quote{}, err
	}
	total, notEmployed, err := tx.UserCounts(a.ID)
	if err != nil {
		return reconi.Quote{}, err
	}
	links, err := s.draftLinks(tx, a)
	if err != nil {
		return reconi.Quote{}, err
	}
	return quote(pl, quoteInput{level: a.Level, validity: a.ValidityYears, users: total, notEmployed: notEmployed - linkedNotEmployed(links),
		permissions: int64(a.Permissions.Count()), linked: int64(len(links))})
}

// Submit agrees to the terms and submits a draft (wizard step 10): every user
// is invited, and the quote is fixed.
func (s *Service) Submit(ctx context.Context, appID int64, in reconi.Submission) (*reconi.Application, error) {
	if err := reconi.CheckTexts("", in); err != nil {
		return nil, err
	}
	notify, err := s.checkSubmission(in)
	if err != nil {
		return nil, err
	}
	err = s.update(ctx, func(tx store.Tx) error {
		if in.IdempotencyKey != "" {
			done, err := s.submittedWithKey(ctx, tx, appID, in)
			if err != nil || done {
				return err
			}
		}
		a, err := s.anyDraft(ctx, tx, appID)
		if err != nil {
			return err
		}
		if a.Kind != reconi.AppKindNew {
			return s.submitLines(ctx, tx, a, in.IdempotencyKey, notify, in.MaxPriceCents)
		}
		if err := s.checkDraft(tx, a, in.MaxPriceCents); err != nil {
			return err
		}
		a.IdempotencyFingerprint = in.Fingerprint
		return s.submit(ctx, tx, a, in.IdempotencyKey, notify)
	})
	if err != nil {
		return nil, err
	}
	return s.Application(ctx, appID)
}

// checkSubmission checks what can be checked of a submission before the
// draft is read, and returns its notify email as it is kept.
func (s *Service) checkSubmission(in reconi.Submission) (notify string, err error) {
	if !in.AgreeTerms {
		return "", reconi.Invalid("agree_terms", "the conditions must be agreed to before submitting")
	}
	if in.TermsVersion != "" && in.TermsVersion != s.terms.Version {
		return "", reconi.Errorf(reconi.KindConflict, "the conditions changed from version %s to %s: read them again before agreeing",
			in.TermsVersion, s.terms.Version)
	}
	if len(in.IdempotencyKey) > 200 {
		return "", reconi.Invalid("idempotency_key", "is longer than 200 characters")
	}
	if len(in.Fingerprint) > 200 {
		return "", reconi.Invalid("fingerprint", "is longer than 200 characters")
	}
	if in.NotifyEmail != "" {
		return reconi.ParseNotifyEmail(in.NotifyEmail)
	}
	return "", nil
}

// submittedWithKey reports whether application appID was submitted before
// with in's key, so that the repeat is answered as then. The key used for
// another request is a conflict: for another application of the
// organisation, or with another fingerprint.
func (s *Service) submittedWithKey(ctx context.Context, tx store.Tx, appID int64, in reconi.Submission) (bool, error) {
	key := in.IdempotencyKey
	// Take the draft's lock before looking at the key: two submits
	// with one key on two replicas then see each other's result.
	if err := tx.LockApplication(appID); err != nil {
		return false, err
	}
	a, err := s.app(ctx, tx, appID)
	if err != nil {
		return false, err
	}
	if err := authorize(ctx, actWizard, a.Organization.KVK); err != nil {
		return false, err
	}
	if a.State != reconi.AppDraft && a.IdempotencyKey == key {
		if in.Fingerprint != "" && a.IdempotencyFingerprint != in.Fingerprint {
			return false, keyUsed(key, a.ID)
		}
		return true, nil
	}
	other, err := tx.Applications(store.ApplicationFilter{KVK: a.Organization.KVK, SubmitKey: key, Limit: 1})
	if err != nil {
		return false, err
	}
	if len(other) > 0 && other[0].ID != appID {
		return false, keyUsed(key, other[0].ID)
	}
	return false, nil
}

// keyUsed is the conflict of an idempotency key used before for another
// request, which submitted application id.
func keyUsed(key string, id int64) error {
	return reconi.Errorf(reconi.KindConflict, "idempotency key %q was used for another request (application %d): nothing was submitted; use a new key for a new request",
		reconi.Excerpt(key), id)
}

// checkDraft checks that draft a can be submitted now, and prices it: a
// quote above maxPrice (when set) is refused.
func (s *Service) checkDraft(tx store.Tx, a *reconi.Application, maxPrice *int64) error {
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
	p, _, err := resolvePermissions(check, a, cat)
	if err != nil {
		return err
	}
	// A draft from before services had UUIDs gets them here.
	a.Permissions.ServiceUUIDs = p.ServiceUUIDs
	if a.Quote, err = s.draftQuote(tx, a); err != nil {
		return err
	}
	if maxPrice != nil && a.Quote.TotalCents > *maxPrice {
		return reconi.Invalid("max_price", "the quote is %s (VAT included), above the maximum of %s; nothing was submitted",
			reconi.FormatCents(a.Quote.TotalCents), reconi.FormatCents(*maxPrice))
	}
	return nil
}

// submit records the submission of draft a, agreed by the actor of ctx, and
// invites its users.
func (s *Service) submit(ctx context.Context, tx store.Tx, a *reconi.Application, key, notify string) error {
	now := s.now().UTC()
	actor := actorName(ctx)
	a.State, a.SubmittedAt, a.IdempotencyKey = reconi.AppSubmitted, &now, key
	a.NotifyEmail = notify
	a.Terms = &reconi.TermsAgreement{Version: s.terms.Version, AgreedBy: actor, AgreedAt: now}
	if err := tx.UpdateApplication(a); err != nil {
		return err
	}
	if err := tx.InsertEvent(&reconi.Event{ApplicationID: a.ID, From: string(reconi.AppDraft), To: string(reconi.AppSubmitted),
		Actor: actor, Reason: fmt.Sprintf("submitted; agreed to conditions %s; quote %s", s.terms.Version, reconi.FormatCents(a.Quote.TotalCents)), At: now}); err != nil {
		return err
	}
	// Users who hold a means for another organisation have it linked.
	if err := s.linkUsers(tx, a, actor, now); err != nil {
		return err
	}
	// Sending the invitation email is the outbox's work; here the
	// invitation is recorded as each user's state change.
	if _, err := tx.AdvanceUsers(a.ID, reconi.UserDraft, reconi.UserInvited, now.Add(s.us.InvitationTTL),
		store.EventInfo{Actor: actor, Reason: "invitation sent", At: now}); err != nil {
		return err
	}
	return s.invite(tx, a, now)
}

// CheckApplication reports whether the actor of ctx may see application
// id: not found when it does not exist or belongs to an organisation the
// actor does not hold, as the Backend's own methods say. The HTTP layer asks
// before it reads a request's body; one indexed row, no users.
func (a *Access) CheckApplication(ctx context.Context, id int64) error {
	return wrap(a.store.View(ctx, func(tx store.Tx) error {
		app, err := tx.Application(id)
		if err != nil {
			return err
		}
		if app == nil || !mayAccess(reconi.ActorFrom(ctx), app.Organization.KVK) {
			return reconi.Errorf(reconi.KindNotFound, "application %d not found", id)
		}
		return nil
	}))
}
