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
	n := 0
	err := eachUser(tx, a.ID, func(u *reconi.User) error {
		if u.State != reconi.UserInvited {
			return nil // linked users are issued without an invitation
		}
		n++
		token, err := secretToken()
		if err != nil {
			return err
		}
		if err := tx.InsertInvitation(u.ID, hashSecret(token), expires, now); err != nil {
			return err
		}
		return s.enqueue(tx, invitationEmail(a, *u, s.InviteLink(token), expires), now)
	})
	if err != nil || a.NotifyEmail == "" {
		return err
	}
	return s.enqueue(tx, receiptEmail(a, n), now)
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
