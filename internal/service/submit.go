package service

import (
	"context"
	"fmt"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

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
