package service

import (
	"context"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// History returns every recorded change of an application and its users, in
// the order they happened.
func (s *Service) History(ctx context.Context, appID int64) ([]reconi.Event, error) {
	if err := authorize(ctx, actRead, ""); err != nil {
		return nil, err
	}
	var out []reconi.Event
	err := s.view(ctx, func(tx store.Tx) error {
		if _, err := s.app(ctx, tx, appID); err != nil {
			return err
		}
		var err error
		out, err = tx.Events(appID)
		return err
	})
	return out, err
}
