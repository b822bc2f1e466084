package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// UserSideConfig holds the limits of the user's side. Zero fields take the
// defaults of DefaultUserSide.
type UserSideConfig struct {
	// PublicURL is where `reconi serve` is reached by users: invitation
	// links start with it.
	PublicURL         string
	InvitationTTL     time.Duration
	IdentificationTTL time.Duration
	CodeTTL           time.Duration
	MaxCodeAttempts   int
	// ResendInterval is the least time between two codes; MaxSendsPerHour
	// caps them over an hour.
	ResendInterval  time.Duration
	MaxSendsPerHour int
}

// DefaultPublicURL is where invitation links point when public_url is not
// set: reconi serve's default address.
const DefaultPublicURL = "http://127.0.0.1:8080"

// DefaultUserSide are the limits DOMAIN.md and the issue name.
var DefaultUserSide = UserSideConfig{
	PublicURL:         DefaultPublicURL,
	InvitationTTL:     30 * 24 * time.Hour,
	IdentificationTTL: 30 * 24 * time.Hour,
	CodeTTL:           10 * time.Minute,
	MaxCodeAttempts:   5,
	ResendInterval:    time.Minute,
	MaxSendsPerHour:   5,
}

// WithUserSide sets the user's side limits.
func WithUserSide(c UserSideConfig) Option {
	return func(s *Service) {
		d := DefaultUserSide
		if c.PublicURL != "" {
			d.PublicURL = strings.TrimRight(c.PublicURL, "/")
		}
		d.InvitationTTL = positiveOr(c.InvitationTTL, d.InvitationTTL)
		d.IdentificationTTL = positiveOr(c.IdentificationTTL, d.IdentificationTTL)
		d.CodeTTL = positiveOr(c.CodeTTL, d.CodeTTL)
		d.MaxCodeAttempts = positiveOr(c.MaxCodeAttempts, d.MaxCodeAttempts)
		d.ResendInterval = positiveOr(c.ResendInterval, d.ResendInterval)
		d.MaxSendsPerHour = positiveOr(c.MaxSendsPerHour, d.MaxSendsPerHour)
		s.us = d
	}
}

// positiveOr is v when it is set (above zero), else the default d.
func positiveOr[T int | time.Duration](v, d T) T {
	if v > 0 {
		return v
	}
	return d
}

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
	users, err := tx.Users(store.UserFilter{ApplicationID: a.ID})
	if err != nil {
		return err
	}
	expires := now.Add(s.us.InvitationTTL)
	for _, u := range users {
		if u.State != reconi.UserInvited {
			continue
		}
		token, err := secretToken()
		if err != nil {
			return err
		}
		if err := tx.InsertInvitation(u.ID, hashSecret(token), expires, now); err != nil {
			return err
		}
		link := s.InviteLink(token)
		m := invitationEmail(a, u, link, expires)
		if err := s.enqueue(tx, m, now); err != nil {
			return err
		}
	}
	if a.NotifyEmail != "" {
		return s.enqueue(tx, receiptEmail(a, len(users)), now)
	}
	return nil
}

// enqueue writes a message to the outbox in the caller's transaction.
func (s *Service) enqueue(tx store.Tx, m store.Message, now time.Time) error {
	m.State = reconi.MessagePending
	m.CreatedAt, m.NextAttemptAt = now, now
	if m.Redacted == "" {
		m.Redacted = m.Body
	}
	s.enqueued.Add(1)
	return tx.InsertMessage(&m)
}

// Enqueued is how many messages this process wrote to the outbox or queued
// again.
func (s *Service) Enqueued() int64 { return s.enqueued.Load() }

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

// Invitation shows what the user is asked to confirm (step 1).
func (s *Service) Invitation(ctx context.Context, token string) (*reconi.Invitation, error) {
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

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// SendCode is "Next" under the mobile number (step 2): a 6-digit code goes
// out by SMS. Codes are rate-limited per user in the database, so the limit
// holds across processes and servers.
func (s *Service) SendCode(ctx context.Context, token string) (*reconi.Invitation, error) {
	return s.userStep(ctx, token, func(tx store.Tx, u *reconi.User, now time.Time) error {
		if u.State != reconi.UserDetailsConfirmed {
			if u.State == reconi.UserInvited {
				return reconi.Errorf(reconi.KindConflict, "confirm the details first")
			}
			return reconi.Errorf(reconi.KindConflict, "the phone number was verified already (state %s)", u.State)
		}
		prev, err := tx.OTP(u.ID)
		if err != nil {
			return err
		}
		o := store.OTP{UserID: u.ID, SentAt: now, ExpiresAt: now.Add(s.us.CodeTTL), WindowStart: now, WindowSends: 1}
		if prev != nil {
			if wait := prev.SentAt.Add(s.us.ResendInterval).Sub(now); wait > 0 {
				return reconi.Errorf(reconi.KindConflict, "a code was sent %s ago; wait %s before asking for another",
					now.Sub(prev.SentAt).Round(time.Second), wait.Round(time.Second))
			}
			if now.Sub(prev.WindowStart) < time.Hour {
				if prev.WindowSends >= s.us.MaxSendsPerHour {
					return reconi.Errorf(reconi.KindConflict, "%d codes were sent within the hour; try again after %s",
						prev.WindowSends, prev.WindowStart.Add(time.Hour).Format("15:04"))
				}
				o.WindowStart, o.WindowSends = prev.WindowStart, prev.WindowSends+1
			}
		}
		code, err := sixDigits()
		if err != nil {
			return err
		}
		salt, err := secretToken()
		if err != nil {
			return err
		}
		o.CodeHash = salt + ":" + hashSecret(salt, code)
		if err := tx.PutOTP(o); err != nil {
			return err
		}
		if err := tx.InsertEvent(&reconi.Event{ApplicationID: u.ApplicationID, UserID: u.ID, Email: u.Email, From: string(u.State),
			To: string(u.State), Actor: userActor(u), Reason: "SMS code sent to " + maskPhone(u.Phone), At: now}); err != nil {
			return err
		}
		return s.enqueue(tx, codeSMS(u, code, s.us.CodeTTL), now)
	})
}

func sixDigits() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// maskPhone shows only the last three digits, for history lines.
func maskPhone(p string) string {
	if len(p) <= 3 {
		return p
	}
	return strings.Repeat("•", len(p)-3) + p[len(p)-3:]
}

// VerifyCode checks the SMS code (step 3). After MaxCodeAttempts wrong
// tries the code is void and a new one must be requested.
func (s *Service) VerifyCode(ctx context.Context, token, code string) (*reconi.Invitation, error) {
	code = strings.TrimSpace(code)
	var wrong error
	inv, err := s.userStep(ctx, token, func(tx store.Tx, u *reconi.User, now time.Time) error {
		if u.State != reconi.UserDetailsConfirmed {
			return reconi.Errorf(reconi.KindConflict, "there is no code to check (state %s)", u.State)
		}
		o, err := tx.OTP(u.ID)
		if err != nil {
			return err
		}
		if o == nil || o.Attempts >= s.us.MaxCodeAttempts {
			return reconi.Invalid("code", "no valid code: request a new one")
		}
		if now.After(o.ExpiresAt) {
			return reconi.Invalid("code", "the code expired (codes are valid %s): request a new one", s.us.CodeTTL)
		}
		salt, hash, _ := strings.Cut(o.CodeHash, ":")
		if subtle.ConstantTimeCompare([]byte(hashSecret(salt, code)), []byte(hash)) != 1 {
			n, err := tx.CountOTPAttempt(u.ID)
			if err != nil {
				return err
			}
			// The wrong try must be counted, so this transaction commits
			// and the error is returned after it.
			if left := s.us.MaxCodeAttempts - n; left > 0 {
				wrong = reconi.Invalid("code", "the code is not right; %d tries left", left)
			} else {
				wrong = reconi.Invalid("code", "the code is not right, and that was the last try: request a new code")
			}
			return nil
		}
		if err := tx.DeleteOTP(u.ID); err != nil {
			return err
		}
		return s.move(tx, u, reconi.UserPhoneVerified, derefTime(u.DeadlineAt), userActor(u), "phone number verified", now)
	})
	if wrong != nil {
		return nil, wrong
	}
	return inv, err
}

// Order is the user's "Order" (step 4): an employed user is issued at once,
// others are invited to identification.
func (s *Service) Order(ctx context.Context, token string) (*reconi.Invitation, error) {
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

// issue issues the means and tells the user and the manager.
func (s *Service) issue(tx store.Tx, a *reconi.Application, u *reconi.User, actor, why string, now time.Time) error {
	if err := s.move(tx, u, reconi.UserIssued, time.Time{}, actor, why, now); err != nil {
		return err
	}
	if err := s.enqueue(tx, issuedEmail(u, a), now); err != nil {
		return err
	}
	if a.NotifyEmail != "" {
		return s.enqueue(tx, managerEmail(a, u, "issued", ""), now)
	}
	return nil
}

// operatorUser loads a user for an operator's decision.
func (s *Service) operatorUser(ctx context.Context, tx store.Tx, userID int64) (*reconi.User, *reconi.Application, error) {
	if err := authorize(ctx, actOperator, ""); err != nil {
		return nil, nil, err
	}
	u, err := tx.User(userID)
	if err != nil {
		return nil, nil, err
	}
	if u == nil {
		return nil, nil, reconi.Errorf(reconi.KindNotFound, "user %d not found", userID)
	}
	if err := tx.LockApplication(u.ApplicationID); err != nil {
		return nil, nil, err
	}
	a, err := tx.Application(u.ApplicationID)
	return u, a, err
}

// CompleteIdentification records the partner's result: passed moves the
// user on to the final check, failed rejects the request.
func (s *Service) CompleteIdentification(ctx context.Context, userID int64, passed bool, note string) (*reconi.User, error) {
	var out *reconi.User
	err := s.update(ctx, func(tx store.Tx) error {
		u, a, err := s.operatorUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.State != reconi.UserIdentificationPending {
			return reconi.Errorf(reconi.KindConflict, "user %d (%s) is not waiting for identification (state %s)", u.ID, u.Email, u.State)
		}
		out, err = s.identified(ctx, tx, u, a, passed, note)
		return err
	})
	return out, err
}

func (s *Service) identified(ctx context.Context, tx store.Tx, u *reconi.User, a *reconi.Application, passed bool, note string) (*reconi.User, error) {
	now := s.now().UTC()
	actor := actorName(ctx)
	result := "failed"
	if passed {
		result = "passed"
	}
	if err := tx.SetIdentificationState(u.ID, result, now); err != nil {
		return nil, err
	}
	why := "identification " + result
	if note != "" {
		why += ": " + note
	}
	if !passed {
		if err := s.move(tx, u, reconi.UserRejected, time.Time{}, actor, why, now); err != nil {
			return nil, err
		}
		if a.NotifyEmail != "" {
			if err := s.enqueue(tx, managerEmail(a, u, "rejected", why), now); err != nil {
				return nil, err
			}
		}
		return tx.User(u.ID)
	}
	if err := s.move(tx, u, reconi.UserIdentified, time.Time{}, actor, why, now); err != nil {
		return nil, err
	}
	if err := s.move(tx, u, reconi.UserFinalCheck, time.Time{}, "reconi", "awaiting the final check", now); err != nil {
		return nil, err
	}
	return tx.User(u.ID)
}

// Reviews lists users awaiting the final check.
func (s *Service) Reviews(ctx context.Context) ([]reconi.Review, error) {
	if err := authorize(ctx, actOperator, ""); err != nil {
		return nil, err
	}
	out := []reconi.Review{}
	err := s.view(ctx, func(tx store.Tx) error {
		users, err := tx.UsersInState(reconi.UserFinalCheck)
		if err != nil {
			return err
		}
		apps := map[int64]*reconi.Application{}
		for _, u := range users {
			a := apps[u.ApplicationID]
			if a == nil {
				if a, err = tx.Application(u.ApplicationID); err != nil {
					return err
				}
				apps[u.ApplicationID] = a
			}
			out = append(out, reconi.Review{User: u, Organization: a.Organization, Level: a.Level, Since: u.UpdatedAt})
		}
		return nil
	})
	return out, err
}

// Approve passes the final check: the means is issued.
func (s *Service) Approve(ctx context.Context, userID int64) (*reconi.User, error) {
	return s.decide(ctx, userID, func(tx store.Tx, u *reconi.User, a *reconi.Application, now time.Time) error {
		return s.issue(tx, a, u, actorName(ctx), "final check approved", now)
	})
}

// Reject fails the final check, with the reason the manager is told.
func (s *Service) Reject(ctx context.Context, userID int64, reason string) (*reconi.User, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, reconi.Invalid("reason", "is empty: say why, the manager is told")
	}
	return s.decide(ctx, userID, func(tx store.Tx, u *reconi.User, a *reconi.Application, now time.Time) error {
		if err := s.move(tx, u, reconi.UserRejected, time.Time{}, actorName(ctx), "final check rejected: "+reason, now); err != nil {
			return err
		}
		if a.NotifyEmail != "" {
			return s.enqueue(tx, managerEmail(a, u, "rejected", reason), now)
		}
		return nil
	})
}

func (s *Service) decide(ctx context.Context, userID int64, fn func(store.Tx, *reconi.User, *reconi.Application, time.Time) error) (*reconi.User, error) {
	var out *reconi.User
	err := s.update(ctx, func(tx store.Tx) error {
		u, a, err := s.operatorUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.State != reconi.UserFinalCheck {
			return reconi.Errorf(reconi.KindConflict, "user %d (%s) is not awaiting the final check (state %s)", u.ID, u.Email, u.State)
		}
		if err := fn(tx, u, a, s.now().UTC()); err != nil {
			return err
		}
		out, err = tx.User(u.ID)
		return err
	})
	return out, err
}

// Cancel stops requests still in progress: one user's, or all of an
// application's.
func (s *Service) Cancel(ctx context.Context, appID int64, email, reason string) (*reconi.Application, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		reason = "cancelled by the authorization manager"
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
		if a.State == reconi.AppDraft {
			return reconi.Errorf(reconi.KindConflict, "application %d is a draft: remove users with reconi users remove instead", a.ID)
		}
		users, err := tx.Users(store.UserFilter{ApplicationID: a.ID})
		if err != nil {
			return err
		}
		now := s.now().UTC()
		n := 0
		for i := range users {
			u := &users[i]
			if email != "" && !strings.EqualFold(u.Email, strings.TrimSpace(email)) {
				continue
			}
			if email != "" && !u.State.Open() {
				return reconi.Errorf(reconi.KindConflict, "the request of %s is no longer in progress (state %s)", u.Email, u.State)
			}
			if !u.State.Open() {
				continue
			}
			if err := s.move(tx, u, reconi.UserCancelled, time.Time{}, actorName(ctx), reason, now); err != nil {
				return err
			}
			n++
		}
		if n == 0 && email != "" {
			return reconi.Errorf(reconi.KindNotFound, "%s is not a user of application %d", email, a.ID)
		}
		if n == 0 {
			return reconi.Errorf(reconi.KindConflict, "application %d has no request in progress", a.ID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.Application(ctx, appID)
}

// ExpireDue moves open requests past their deadline to expired. serve runs
// it periodically; reads run it first, so an embedded status is right too.
// Nothing is written when nothing is due.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	now := s.now().UTC()
	var due int
	if err := s.store.View(ctx, func(tx store.Tx) (err error) {
		due, err = tx.CountUsersPastDeadline(now)
		return err
	}); err != nil || due == 0 {
		return 0, wrap(err)
	}
	total := 0
	for {
		var n int
		more := false
		err := s.store.Update(ctx, func(tx store.Tx) error {
			users, err := tx.UsersPastDeadline(now, 500)
			if err != nil {
				return err
			}
			more = len(users) == 500
			for i := range users {
				u := &users[i]
				why := "the invitation expired"
				if u.State == reconi.UserIdentificationPending {
					why = "identification was not completed in time"
				}
				// Another sweeper may have got there first: SetUserState
				// only moves a user still in its old state.
				ok, err := tx.SetUserState(u.ID, u.State, reconi.UserExpired, time.Time{}, store.EventInfo{Actor: "reconi", Reason: why, At: now})
				if err != nil {
					return err
				}
				if ok {
					n++
				}
			}
			return nil
		})
		total += n
		if err != nil || !more {
			return total, wrap(err)
		}
	}
}

// Outbox lists messages; only operators (and the local user) may read them,
// since undelivered ones hold links and codes.
func (s *Service) Outbox(ctx context.Context, f reconi.OutboxFilter) ([]reconi.Message, error) {
	if err := authorize(ctx, actOperator, ""); err != nil {
		return nil, err
	}
	var out []reconi.Message
	err := s.view(ctx, func(tx store.Tx) error {
		ms, err := tx.Messages(f)
		for _, m := range ms {
			out = append(out, m.Message)
		}
		return err
	})
	if out == nil {
		out = []reconi.Message{}
	}
	return out, err
}

// Message returns one message of the outbox.
func (s *Service) Message(ctx context.Context, id int64) (*reconi.Message, error) {
	if err := authorize(ctx, actOperator, ""); err != nil {
		return nil, err
	}
	var out *reconi.Message
	err := s.view(ctx, func(tx store.Tx) error {
		m, err := tx.MessageByID(id)
		if err != nil {
			return err
		}
		if m == nil {
			return reconi.Errorf(reconi.KindNotFound, "message %d not found", id)
		}
		out = &m.Message
		return nil
	})
	return out, err
}

// RetryMessages queues failed or kept messages for delivery again, in one
// transaction: every ID must name a message that is failed (it gave up, the
// SMTP server was down for a day, say) or kept (it was written before a
// delivery was configured); otherwise nothing changes. The attempts start
// again from zero. An SMS whose one-time code has expired is refused: the
// user asks for a new code. Each retry is recorded in the application's
// history, with who asked.
func (s *Service) RetryMessages(ctx context.Context, ids []int64) ([]reconi.Message, error) {
	if err := authorize(ctx, actOperator, ""); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, reconi.Invalid("ids", "name at least one message ID (see reconi outbox list --state failed)")
	}
	if len(ids) > reconi.MaxRetryMessages {
		return nil, reconi.Invalid("ids", "%d messages named; at most %d at once", len(ids), reconi.MaxRetryMessages)
	}
	now := s.now().UTC()
	out := make([]reconi.Message, 0, len(ids))
	err := s.update(ctx, func(tx store.Tx) error {
		seen := make(map[int64]bool, len(ids))
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id] = true
			m, err := tx.MessageByID(id)
			if err != nil {
				return err
			}
			if m == nil {
				return reconi.Errorf(reconi.KindNotFound, "message %d not found", id)
			}
			if m.State != reconi.MessageFailed && m.State != reconi.MessageKept {
				return reconi.Errorf(reconi.KindConflict, "message %d is %s: only failed or kept messages are sent again", id, m.State)
			}
			if m.Channel == reconi.ChannelSMS && now.Sub(m.CreatedAt) > s.us.CodeTTL {
				return reconi.Errorf(reconi.KindConflict, "message %d carries a one-time code that expired at %s; the user asks for a new code instead",
					id, m.CreatedAt.Add(s.us.CodeTTL).Local().Format("2006-01-02 15:04"))
			}
			ok, err := tx.RequeueMessage(id, m.State, now)
			if err != nil {
				return err
			}
			if !ok {
				return reconi.Errorf(reconi.KindConflict, "message %d changed while being queued again; try again", id)
			}
			if err := s.recordRetry(ctx, tx, m, now); err != nil {
				return err
			}
			m.State, m.Attempts, m.LastError = reconi.MessagePending, 0, ""
			out = append(out, m.Message)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.enqueued.Add(int64(len(out)))
	return out, nil
}

// recordRetry writes a retry into the history of the message's application,
// against its user when it has one, without changing a state.
func (s *Service) recordRetry(ctx context.Context, tx store.Tx, m *store.Message, now time.Time) error {
	if m.ApplicationID == 0 {
		return nil
	}
	ev := &reconi.Event{ApplicationID: m.ApplicationID, Actor: actorName(ctx), At: now,
		Reason: fmt.Sprintf("%s to %s sent again (message %d, was %s)", m.Channel, m.To, m.ID, m.State)}
	if m.UserID != 0 {
		u, err := tx.User(m.UserID)
		if err != nil {
			return err
		}
		if u != nil {
			ev.UserID, ev.Email, ev.From, ev.To = u.ID, u.Email, string(u.State), string(u.State)
		}
	}
	if ev.To == "" {
		a, err := tx.Application(m.ApplicationID)
		if err != nil {
			return err
		}
		if a != nil {
			ev.From, ev.To = string(a.State), string(a.State)
		}
	}
	return tx.InsertEvent(ev)
}
