package service

import (
	"context"
	"slices"
	"strings"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// Applications lists "Applications in progress". State may name an
// application state (draft, submitted, completed) or a user state (invited,
// issued, ...), which keeps applications with at least one user in it.
// Open leaves out completed applications, NoDrafts drafts.
func (s *Service) Applications(ctx context.Context, f reconi.ApplicationFilter) (*reconi.ApplicationPage, error) {
	if err := reconi.CheckTexts("", f); err != nil {
		return nil, err
	}
	sf := store.ApplicationFilter{Email: strings.TrimSpace(f.Email), Open: f.Open, NoDrafts: f.NoDrafts,
		SubmitKey: f.IdempotencyKey}
	var err error
	if sf.AfterID, err = reconi.ParseIDCursor(f.Cursor); err != nil {
		return nil, err
	}
	limit, err := reconi.PageLimit(f.Limit)
	if err != nil {
		return nil, err
	}
	sf.Limit = limit + 1 // one more tells whether another page follows
	if f.KVK != "" {
		kvk, err := reconi.ParseKVK(f.KVK)
		if err != nil {
			return nil, err
		}
		sf.KVK = kvk
	}
	if err := authorize(ctx, actRead, sf.KVK); err != nil {
		return nil, err
	}
	sf.Orgs = visibleOrgs(reconi.ActorFrom(ctx))
	if f.State != "" {
		st := strings.ToLower(strings.TrimSpace(f.State))
		switch {
		case st == string(reconi.AppSubmitted) || st == string(reconi.AppCompleted) || st == string(reconi.AppDiscarded):
			sf.State = reconi.AppState(st)
		case slices.Contains(reconi.UserStates, reconi.UserState(st)):
			// "draft" is both; as a user state it finds the same applications.
			if st == string(reconi.AppDraft) {
				sf.State = reconi.AppDraft
			} else {
				sf.UserState = reconi.UserState(st)
			}
		default:
			names := []string{string(reconi.AppSubmitted), string(reconi.AppCompleted), string(reconi.AppDiscarded)}
			for _, u := range reconi.UserStates {
				names = append(names, string(u))
			}
			return nil, reconi.Invalid("state", "%q is not a state: want one of %s", reconi.Excerpt(f.State), strings.Join(names, ", "))
		}
	}
	if err := s.expireOnRead(ctx); err != nil {
		return nil, err
	}
	var out []reconi.ApplicationSummary
	if err := s.view(ctx, func(tx store.Tx) (err error) {
		out, err = tx.Applications(sf)
		return err
	}); err != nil {
		return nil, err
	}
	page := &reconi.ApplicationPage{Applications: out}
	if out == nil {
		page.Applications = []reconi.ApplicationSummary{}
	}
	if len(out) > limit {
		page.Applications = out[:limit]
		page.NextCursor = reconi.IDCursor(out[limit-1].ID)
	}
	return page, nil
}
