package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// secretToken returns 256 random bits, URL-safe.
func secretToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

func hashSecret(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// InviteLink is where a user's invitation token leads.
func (s *Service) InviteLink(token string) string { return s.us.PublicURL + "/invite/" + token }

// invite records an invitation for each invited user of a, with its email,
// in the transaction that submits a.
func (s *Service) invite(tx store.Tx, a *reconi.Application, now time.Time) error {
	expires := now.Add(s.us.InvitationTTL)
	key, err := s.invitationKey(tx)
	if err != nil {
		return err
	}
	n := 0
	err = eachUser(tx, a.ID, func(u *reconi.User) error {
		if u.State != reconi.UserInvited {
			return nil // linked users are issued without an invitation
		}
		n++
		token, err := s.putInvitation(tx, key, u.ID, nil, expires, now)
		if err != nil {
			return err
		}
		return s.enqueue(tx, invitationEmail(a, *u, s.InviteLink(token), expires), now)
	})
	if err != nil || a.NotifyEmail == "" {
		return err
	}
	return s.enqueue(tx, receiptEmail(a, n), now)
}

// putInvitation gives user userID a new link valid until expires, voiding
// the one before (prev, nil when none), and returns its token. The count of
// resends within the hour carries over from prev.
func (s *Service) putInvitation(tx store.Tx, key []byte, userID int64, prev *store.Invitation, expires, now time.Time) (string, error) {
	token, err := secretToken()
	if err != nil {
		return "", err
	}
	sealed, err := seal(key, userID, token)
	if err != nil {
		return "", err
	}
	inv := store.Invitation{UserID: userID, TokenHash: hashSecret(token), TokenSealed: sealed, ExpiresAt: expires, CreatedAt: now, SentAt: now}
	if prev != nil {
		inv.WindowStart, inv.WindowSends = prev.WindowStart, prev.WindowSends
	}
	return token, tx.PutInvitation(inv)
}

// MaxResendsPerHour caps how often one user's invitation is sent again
// within an hour (the first invitation does not count).
const MaxResendsPerHour = 3

// ResendInvitation sends a user's invitation again: the same link while it
// is valid, a new one (valid InvitationTTL from now, with the deadline
// moved to match) when newLink is set or the link expired, which voids the
// old link. A request that expired before the phone was verified and the
// order placed is re-opened: back to invited, with a new link and deadline.
// The helpdesk may do this, besides managers and operators.
func (s *Service) ResendInvitation(ctx context.Context, appID int64, email string, newLink bool) (*reconi.User, error) {
	if err := reconi.CheckText("email", email); err != nil {
		return nil, err
	}
	addr, err := reconi.ParseEmail(email)
	if err != nil {
		return nil, err
	}
	if _, err := s.ExpireDue(ctx); err != nil {
		return nil, err
	}
	var out *reconi.User
	err = s.update(ctx, func(tx store.Tx) error {
		a, u, err := s.appUser(ctx, tx, appID, addr, reconi.ActResend)
		if err != nil {
			return err
		}
		now := s.now().UTC()
		reopen := false
		switch u.State {
		case reconi.UserInvited, reconi.UserDetailsConfirmed, reconi.UserPhoneVerified:
		case reconi.UserExpired:
			from, err := expiredFrom(tx, u.ID)
			if err != nil {
				return err
			}
			switch from {
			case reconi.UserInvited, reconi.UserDetailsConfirmed, reconi.UserPhoneVerified:
			default:
				return reconi.Errorf(reconi.KindConflict, "the request of %s expired in state %s, not at the invitation; it cannot be re-opened",
					u.Email, from)
			}
			reopen = true
		default:
			return reconi.Errorf(reconi.KindConflict, "the request of %s is %s: only an invitation not yet ordered (invited, "+
				"details_confirmed, phone_verified) or one that expired can be sent again", u.Email, u.State)
		}
		inv, err := tx.Invitation(u.ID)
		if err != nil {
			return err
		}
		if inv != nil && now.Sub(inv.WindowStart) < time.Hour && inv.WindowSends >= MaxResendsPerHour {
			return reconi.Errorf(reconi.KindConflict, "the invitation of %s was sent again %d times within the hour (at most %d); try again after %s UTC",
				u.Email, inv.WindowSends, MaxResendsPerHour, inv.WindowStart.Add(time.Hour).Format("15:04"))
		}
		key, err := s.invitationKey(tx)
		if err != nil {
			return err
		}
		var token string
		fresh := newLink || reopen || inv == nil || inv.TokenSealed == "" || !now.Before(inv.ExpiresAt) ||
			(u.DeadlineAt != nil && !now.Before(*u.DeadlineAt))
		if !fresh {
			if token, err = unseal(key, u.ID, inv.TokenSealed); err != nil {
				fresh = true
			}
		}
		expires, deadline := now.Add(s.us.InvitationTTL), derefTime(u.DeadlineAt)
		var why string
		switch {
		case !fresh:
			expires = inv.ExpiresAt
			why = fmt.Sprintf("invitation sent again, the same link (valid until %s)", expires.Format("2006-01-02"))
		default:
			if token, err = s.putInvitation(tx, key, u.ID, inv, expires, now); err != nil {
				return err
			}
			deadline = expires
			why = fmt.Sprintf("invitation sent again with a new link (valid until %s); the old link no longer works", expires.Format("2006-01-02"))
			if reopen {
				why = "expired request re-opened: " + why
			}
		}
		// Count the send: the hour's window starts at the first resend.
		inv, err = tx.Invitation(u.ID)
		if err != nil {
			return err
		}
		if now.Sub(inv.WindowStart) >= time.Hour {
			inv.WindowStart, inv.WindowSends = now, 0
		}
		inv.WindowSends++
		inv.SentAt = now
		if err := tx.PutInvitation(*inv); err != nil {
			return err
		}
		to := u.State
		if reopen {
			to = reconi.UserInvited
			if err := tx.DeleteOTP(u.ID); err != nil {
				return err
			}
		}
		ok, err := tx.SetUserState(u.ID, u.State, to, deadline, store.EventInfo{Actor: actorName(ctx), Reason: why, At: now})
		if err != nil {
			return err
		}
		if !ok {
			return reconi.Errorf(reconi.KindConflict, "the request of %s changed meanwhile; look again", u.Email)
		}
		u.State = to
		if err := s.enqueue(tx, invitationEmail(a, *u, s.InviteLink(token), expires), now); err != nil {
			return err
		}
		out, err = tx.User(u.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// appUser loads application appID and its user with email for actor
// action act, holding the application's lock: not found when either is not
// there (or not the actor's), conflict for a draft.
func (s *Service) appUser(ctx context.Context, tx store.Tx, appID int64, email string, act reconi.Action) (*reconi.Application, *reconi.User, error) {
	a, err := s.lockedApp(ctx, tx, appID, act)
	if err != nil {
		return nil, nil, err
	}
	su, err := tx.UserByEmail(a.ID, email)
	if err != nil {
		return nil, nil, err
	}
	if su == nil {
		return nil, nil, reconi.Errorf(reconi.KindNotFound, "%q is not a user of application %d", reconi.Excerpt(email), a.ID)
	}
	return a, &su.User, nil
}

// expiredFrom returns the state a user was in when the request expired.
func expiredFrom(tx store.Tx, userID int64) (reconi.UserState, error) {
	evs, err := tx.UserEvents(userID)
	if err != nil {
		return "", err
	}
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].To == string(reconi.UserExpired) && evs[i].From != evs[i].To {
			return reconi.UserState(evs[i].From), nil
		}
	}
	return "", nil
}

// invitation finds the user behind an invitation token and applies expiry.
func (s *Service) invitation(tx store.Tx, token string) (*reconi.User, time.Time, error) {
	token = strings.TrimSpace(token)
	if i := strings.LastIndex(token, "/invite/"); i >= 0 {
		token = token[i+len("/invite/"):] // a whole link pasted
	}
	u, expires, err := tx.InvitationUser(hashSecret(token))
	if err != nil {
		return nil, expires, err
	}
	if u == nil || token == "" {
		return nil, expires, reconi.Errorf(reconi.KindNotFound, "this invitation link is not valid; check that the whole link was copied")
	}
	if u.State == reconi.UserCancelled {
		return nil, expires, reconi.Errorf(reconi.KindConflict, "this request was cancelled by the authorization manager")
	}
	if u.State == reconi.UserExpired {
		// The sweep has recorded it, and the deadline with it is gone.
		return nil, expires, reconi.Errorf(reconi.KindConflict, "this invitation expired; ask your authorization manager for a new one")
	}
	if u.State.Open() && u.DeadlineAt != nil && s.now().After(*u.DeadlineAt) {
		return nil, expires, reconi.Errorf(reconi.KindConflict, "this invitation expired on %s; ask your authorization manager for a new one",
			u.DeadlineAt.Format("2006-01-02"))
	}
	return u, expires, nil
}

func (s *Service) invitationView(tx store.Tx, u *reconi.User, expires time.Time) (*reconi.Invitation, error) {
	a, err := tx.Application(u.ApplicationID)
	if err != nil {
		return nil, err
	}
	inv := &reconi.Invitation{User: *u, Organization: a.Organization, Level: a.Level, Branch: a.Branch,
		Permissions: a.Permissions, ValidityYears: a.ValidityYears, ExpiresAt: expires}
	if o, err := tx.OTP(u.ID); err != nil {
		return nil, err
	} else if o != nil {
		at := o.SentAt
		inv.CodeSentAt = &at
	}
	switch u.State {
	case reconi.UserInvited:
		inv.Next = "confirm"
	case reconi.UserDetailsConfirmed:
		inv.Next = "send_code"
		if inv.CodeSentAt != nil {
			inv.Next = "verify"
		}
	case reconi.UserPhoneVerified:
		inv.Next = "order"
	default:
		inv.Next = "done"
	}
	if u.State == reconi.UserIssued {
		m, err := tx.MeansOfUser(u.ID)
		if err != nil {
			return nil, err
		}
		if m != nil && m.State == reconi.MeansWithdrawn {
			inv.WithdrawnAt = m.WithdrawnAt
		}
	}
	return inv, nil
}

// userStep runs one of the user's steps in a write transaction.
func (s *Service) userStep(ctx context.Context, token string, fn func(tx store.Tx, u *reconi.User, now time.Time) error) (*reconi.Invitation, error) {
	var inv *reconi.Invitation
	err := s.update(ctx, func(tx store.Tx) error {
		u, expires, err := s.invitation(tx, token)
		if err != nil {
			return err
		}
		if err := tx.LockApplication(u.ApplicationID); err != nil {
			return err
		}
		now := s.now().UTC()
		if fn != nil {
			if err := fn(tx, u, now); err != nil {
				return err
			}
			if u, err = tx.User(u.ID); err != nil {
				return err
			}
		}
		inv, err = s.invitationView(tx, u, expires)
		return err
	})
	return inv, err
}

// Invitation shows what the user is asked to confirm (step 1).
func (s *Service) Invitation(ctx context.Context, token string) (*reconi.Invitation, error) {
	if err := reconi.CheckText("token", token); err != nil {
		return nil, err
	}
	var inv *reconi.Invitation
	err := s.view(ctx, func(tx store.Tx) error {
		u, expires, err := s.invitation(tx, token)
		if err != nil {
			return err
		}
		inv, err = s.invitationView(tx, u, expires)
		return err
	})
	return inv, err
}

// ConfirmDetails is the approve button under the user's details (step 1).
func (s *Service) ConfirmDetails(ctx context.Context, token string) (*reconi.Invitation, error) {
	if err := reconi.CheckText("token", token); err != nil {
		return nil, err
	}
	return s.userStep(ctx, token, func(tx store.Tx, u *reconi.User, now time.Time) error {
		switch u.State {
		case reconi.UserInvited:
			return s.move(tx, u, reconi.UserDetailsConfirmed, derefTime(u.DeadlineAt), userActor(u), "details confirmed", now)
		case reconi.UserDetailsConfirmed:
			return nil // confirming twice changes nothing
		}
		return reconi.Errorf(reconi.KindConflict, "the details were confirmed already (state %s)", u.State)
	})
}

// Order is the user's "Order" (step 4): an employed user is issued at once,
// others are invited to identification.
func (s *Service) Order(ctx context.Context, token string) (*reconi.Invitation, error) {
	if err := reconi.CheckText("token", token); err != nil {
		return nil, err
	}
	return s.userStep(ctx, token, func(tx store.Tx, u *reconi.User, now time.Time) error {
		if u.State != reconi.UserPhoneVerified {
			if i, ordered := slices.Index(reconi.UserStates, u.State), slices.Index(reconi.UserStates, reconi.UserOrdered); i >= ordered {
				return reconi.Errorf(reconi.KindConflict, "this request was already ordered (state %s)", u.State)
			}
			return reconi.Errorf(reconi.KindConflict, "the order needs a verified phone number first (state %s)", u.State)
		}
		a, err := tx.Application(u.ApplicationID)
		if err != nil {
			return err
		}
		if err := s.move(tx, u, reconi.UserOrdered, time.Time{}, userActor(u), "ordered", now); err != nil {
			return err
		}
		if u.Employed {
			return s.issue(tx, a, u, userActor(u), "employed by the organisation: issued at once", now)
		}
		deadline := now.Add(s.us.IdentificationTTL)
		if err := s.move(tx, u, reconi.UserIdentificationPending, deadline, "reconi", "not employed: identification through the partner", now); err != nil {
			return err
		}
		ref := fmt.Sprintf("reconi-%d-%d", u.ID, now.UnixMicro())
		if err := tx.InsertIdentification(u.ID, ref, "requested", now); err != nil {
			return err
		}
		if err := s.enqueue(tx, identificationRequest(u, a, ref, deadline), now); err != nil {
			return err
		}
		return s.enqueue(tx, identificationEmail(u, a, deadline), now)
	})
}
