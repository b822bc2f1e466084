package service

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// SendCode is "Next" under the mobile number (step 2): a 6-digit code goes
// out by SMS. Codes are rate-limited per user in the database, so the limit
// holds across processes and servers.
func (s *Service) SendCode(ctx context.Context, token string) (*reconi.Invitation, error) {
	if err := reconi.CheckText("token", token); err != nil {
		return nil, err
	}
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
	if err := checkTexts("token", token, "code", code); err != nil {
		return nil, err
	}
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
				tries := fmt.Sprintf("%d tries left", left)
				if left == 1 {
					tries = "1 try left"
				}
				wrong = reconi.Invalid("code", "the code is not right; %s", tries)
			} else {
				wrong = reconi.Invalid("code", "the code is not right, and that was the last try: request a new code")
				// The lockout is recorded once, at the last try, so that the
				// helpdesk sees why the person could not go on.
				if left == 0 {
					if err := tx.InsertEvent(&reconi.Event{ApplicationID: u.ApplicationID, UserID: u.ID, Email: u.Email,
						From: string(u.State), To: string(u.State), Actor: userActor(u),
						Reason: fmt.Sprintf("SMS code locked after %d wrong tries", n), At: now}); err != nil {
						return err
					}
				}
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
