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
			a.Quote, err = s.shownQuote(tx, a)
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
	a.Users, a.UsersNextCursor, a.UsersTotal = us, "", len(us)
	if len(us) > reconi.DefaultPageSize {
		a.Users = us[:reconi.DefaultPageSize]
		a.UsersNextCursor = reconi.IDCursor(a.Users[len(a.Users)-1].ID)
		a.UsersTotal, err = tx.CountUsers(a.ID)
	}
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

// lockedApp locks application id and loads it, for the actor to do act
// on: not found when it may not see it, forbidden when its role may not.
func (s *Service) lockedApp(ctx context.Context, tx store.Tx, id int64, act reconi.Action) (*reconi.Application, error) {
	if err := tx.LockApplication(id); err != nil {
		return nil, err
	}
	a, err := s.app(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if err := authorize(ctx, act, a.Organization.KVK); err != nil {
		return nil, err
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
		a, err := s.lockedApp(ctx, tx, appID, actWizard)
		if err != nil {
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

// draftQuote prices draft a: a renewal or a change by its lines, a new
// draft by its users and the links they would make.
func (s *Service) draftQuote(tx store.Tx, a *reconi.Application) (reconi.Quote, error) {
	if a.Kind != reconi.AppKindNew {
		return s.linesQuote(tx, a)
	}
	total, notEmployed, err := tx.UserCounts(a.ID)
	if err != nil {
		return reconi.Quote{}, err
	}
	links, err := s.draftLinks(tx, a)
	if err != nil {
		return reconi.Quote{}, err
	}
	return s.newDraftQuote(tx, a, total, notEmployed, links)
}

// shownQuote is draftQuote for Application, which has read the draft's
// first page of users and its links (firstUsers, appLinks) already: when
// that page holds every user, the counts come from it, not from another
// query (the path of every `reconi status ID` and GET of a draft).
func (s *Service) shownQuote(tx store.Tx, a *reconi.Application) (reconi.Quote, error) {
	if a.Kind != reconi.AppKindNew {
		return s.linesQuote(tx, a)
	}
	total, notEmployed := int64(len(a.Users)), int64(0)
	for _, u := range a.Users {
		if !u.Employed {
			notEmployed++
		}
	}
	if a.UsersNextCursor != "" {
		var err error
		if total, notEmployed, err = tx.UserCounts(a.ID); err != nil {
			return reconi.Quote{}, err
		}
	}
	return s.newDraftQuote(tx, a, total, notEmployed, a.Links)
}

// newDraftQuote prices new draft a of total users, notEmployed of them not
// employed, who would make links.
func (s *Service) newDraftQuote(tx store.Tx, a *reconi.Application, total, notEmployed int64, links []reconi.AppLink) (reconi.Quote, error) {
	pl, err := s.priceList(tx)
	if err != nil {
		return reconi.Quote{}, err
	}
	return quote(pl, quoteInput{level: a.Level, validity: a.ValidityYears, users: total, notEmployed: notEmployed - linkedNotEmployed(links),
		permissions: int64(a.Permissions.Count()), linked: int64(len(links))})
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
