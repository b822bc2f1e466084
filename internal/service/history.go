package service

import (
	"context"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// History returns the recorded changes of an application and its users, in
// the order they happened, a page at a time.
func (s *Service) History(ctx context.Context, f reconi.HistoryFilter) (*reconi.EventPage, error) {
	if err := authorize(ctx, actRead, ""); err != nil {
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
	var out []reconi.Event
	err = s.view(ctx, func(tx store.Tx) error {
		if _, err := s.app(ctx, tx, f.ApplicationID); err != nil {
			return err
		}
		var err error
		out, err = tx.Events(f.ApplicationID, after, limit+1) // one more tells whether another page follows
		return err
	})
	if err != nil {
		return nil, err
	}
	page := &reconi.EventPage{Events: out}
	if len(out) > limit {
		page.Events = out[:limit]
		page.NextCursor = reconi.IDCursor(out[limit-1].ID)
	}
	return page, nil
}
