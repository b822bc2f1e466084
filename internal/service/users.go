package service

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

func userActor(u *reconi.User) string { return "user " + u.Email }

func (s *Service) move(tx store.Tx, u *reconi.User, to reconi.UserState, deadline time.Time, actor, why string, now time.Time) error {
	ok, err := tx.SetUserState(u.ID, u.State, to, deadline, store.EventInfo{Actor: actor, Reason: why, At: now})
	if err == nil && !ok {
		err = reconi.Errorf(reconi.KindConflict, "the request of %s changed meanwhile; look again", u.Email)
	}
	if err == nil {
		u.State = to
	}
	return err
}

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// AddUser adds one user to a draft (wizard step 7, "Add user").
func (s *Service) AddUser(ctx context.Context, appID int64, in reconi.NewUser) (*reconi.User, error) {
	if err := reconi.CheckTexts("", in); err != nil {
		return nil, err
	}
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
	if err := reconi.CheckText("email", email); err != nil {
		return err
	}
	return s.update(ctx, func(tx store.Tx) error {
		a, err := s.anyDraft(ctx, tx, appID)
		if err != nil {
			return err
		}
		u, err := tx.UserByEmail(a.ID, strings.TrimSpace(email))
		if err != nil {
			return err
		}
		if u == nil {
			return reconi.Errorf(reconi.KindNotFound, "%q is not a user of draft %d", reconi.Excerpt(strings.TrimSpace(email)), a.ID)
		}
		if err := tx.DeleteUser(u.ID); err != nil {
			return err
		}
		return tx.InsertEvent(&reconi.Event{ApplicationID: a.ID, Email: u.Email, From: string(u.State), To: "removed",
			Actor: actorName(ctx), Reason: "user removed from draft", At: s.now().UTC()})
	})
}

// Users lists the users of an application, or of every application of an
// organisation, a page at a time in the order they were added.
func (s *Service) Users(ctx context.Context, f reconi.UserFilter) (*reconi.UserPage, error) {
	if err := reconi.CheckTexts("", f); err != nil {
		return nil, err
	}
	after, err := reconi.ParseIDCursor(f.Cursor)
	if err != nil {
		return nil, err
	}
	limit, err := reconi.PageLimit(f.Limit)
	if err != nil {
		return nil, err
	}
	if _, err := s.ExpireDue(ctx); err != nil {
		return nil, err
	}
	var out []reconi.User
	err = s.view(ctx, func(tx store.Tx) error {
		// One more tells whether another page follows.
		sf := store.UserFilter{ApplicationID: f.ApplicationID, AfterID: after, Limit: limit + 1}
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
			return reconi.Invalid("draft", "no draft, application or organisation given")
		}
		var err error
		out, err = tx.Users(sf)
		return err
	})
	if err != nil {
		return nil, err
	}
	page := &reconi.UserPage{Users: out}
	if len(out) > limit {
		page.Users = out[:limit]
		page.NextCursor = reconi.IDCursor(out[limit-1].ID)
	}
	return page, nil
}

// employedText turns the optional flag value into the text ParseUser reads.
func employedText(b *bool) string {
	if b == nil {
		return ""
	}
	return strconv.FormatBool(*b)
}
