package service

import (
	"context"
	"errors"
	"fmt"
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
	if err := s.expireOnRead(ctx); err != nil {
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

// UpdateUser corrects the email address or mobile number of a user whose
// phone is not verified yet (draft, invited, details_confirmed). The link
// sent to the old address stops working and a new invitation goes to the
// new one; a code sent to the old number stops working. Details already
// confirmed must be confirmed again, as they changed. Managers and
// operators may; the helpdesk may not.
func (s *Service) UpdateUser(ctx context.Context, appID int64, email string, in reconi.UserUpdate) (*reconi.User, error) {
	if err := checkTexts("email", email, "new email", in.Email, "phone", in.Phone); err != nil {
		return nil, err
	}
	addr, err := reconi.ParseEmail(email)
	if err != nil {
		return nil, err
	}
	var newEmail, newPhone string
	if strings.TrimSpace(in.Email) != "" {
		if newEmail, err = reconi.ParseEmail(in.Email); err != nil {
			return nil, reconi.Invalid("new email", "%s", strings.TrimPrefix(reconi.ErrorMessage(err), "email: "))
		}
	}
	if strings.TrimSpace(in.Phone) != "" {
		if newPhone, err = reconi.ParseMobile(in.Phone); err != nil {
			return nil, err
		}
	}
	if newEmail == "" && newPhone == "" {
		return nil, reconi.Invalid("update", "nothing to change: give a new email address, a new mobile number, or both")
	}
	if _, err := s.ExpireDue(ctx); err != nil {
		return nil, err
	}
	var out *reconi.User
	err = s.update(ctx, func(tx store.Tx) error {
		a, u, err := s.appUser(ctx, tx, appID, addr, reconi.ActCorrect)
		if err != nil {
			return err
		}
		switch u.State {
		case reconi.UserDraft, reconi.UserInvited, reconi.UserDetailsConfirmed:
		default:
			return reconi.Errorf(reconi.KindConflict, "the request of %s is %s: only users before phone_verified "+
				"(draft, invited, details_confirmed) can be corrected", u.Email, u.State)
		}
		emailChanged := newEmail != "" && newEmail != u.Email
		phoneChanged := newPhone != "" && newPhone != u.Phone
		if !emailChanged && !phoneChanged {
			return reconi.Invalid("update", "nothing to change: %s already has this email address and mobile number", u.Email)
		}
		// A change of case alone is the same address: its link stays.
		moved := emailChanged && !strings.EqualFold(newEmail, u.Email)
		if moved {
			other, err := tx.UserByEmail(a.ID, newEmail)
			if err != nil {
				return err
			}
			if other != nil {
				return reconi.Errorf(reconi.KindConflict, "%s is already a user of application %d", other.Email, a.ID)
			}
		}
		old := *u
		if emailChanged {
			u.Email = newEmail
		}
		if phoneChanged {
			u.Phone = newPhone
		}
		now := s.now().UTC()
		if err := tx.SetUserContact(u.ID, u.Email, u.Phone, now); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return reconi.Errorf(reconi.KindConflict, "%s is already a user of application %d", u.Email, a.ID)
			}
			return err
		}
		var what []string
		if emailChanged {
			what = append(what, fmt.Sprintf("email %s → %s", old.Email, u.Email))
		}
		if phoneChanged {
			what = append(what, fmt.Sprintf("mobile %s → %s", maskPhone(old.Phone), maskPhone(u.Phone)))
		}
		why := "details corrected: " + strings.Join(what, ", ")
		to, deadline := u.State, derefTime(u.DeadlineAt)
		if u.State == reconi.UserDetailsConfirmed {
			// The person confirmed details that were wrong, and any code
			// went to the old number.
			to = reconi.UserInvited
			why += "; to be confirmed again"
		}
		if err := tx.DeleteOTP(u.ID); err != nil {
			return err
		}
		// What waits in the outbox for the old address or number carries a
		// link or code that no longer works: it is not sent.
		if moved {
			if _, err := tx.VoidMessages(u.ID, old.Email, "not sent: the address was corrected to "+u.Email, now); err != nil {
				return err
			}
		}
		if phoneChanged {
			if _, err := tx.VoidMessages(u.ID, old.Phone, "not sent: the mobile number was corrected", now); err != nil {
				return err
			}
		}
		var token string
		if moved && u.State != reconi.UserDraft {
			inv, err := tx.Invitation(u.ID)
			if err != nil {
				return err
			}
			key, err := s.invitationKey(tx)
			if err != nil {
				return err
			}
			deadline = now.Add(s.us.InvitationTTL)
			if token, err = s.putInvitation(tx, key, u.ID, inv, deadline, now); err != nil {
				return err
			}
			why += fmt.Sprintf("; the link sent to %s no longer works, a new invitation went to %s", old.Email, u.Email)
		}
		ok, err := tx.SetUserState(u.ID, old.State, to, deadline, store.EventInfo{Actor: actorName(ctx), Reason: why, At: now})
		if err != nil {
			return err
		}
		if !ok {
			return reconi.Errorf(reconi.KindConflict, "the request of %s changed meanwhile; look again", old.Email)
		}
		if token != "" {
			u.State = to
			if err := s.enqueue(tx, invitationEmail(a, *u, s.InviteLink(token), deadline), now); err != nil {
				return err
			}
		}
		out, err = tx.User(u.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
