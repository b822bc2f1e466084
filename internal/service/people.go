package service

import (
	"context"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// Person is one person's view: every request for email that the caller
// may read, each with the person's own history and message deliveries.
// Whoever may read the user may read how their messages fared, but never
// a message body.
func (s *Service) Person(ctx context.Context, email, kvk string) (*reconi.Person, error) {
	if err := checkTexts("email", email, "kvk", kvk); err != nil {
		return nil, err
	}
	addr, err := reconi.ParseEmail(email)
	if err != nil {
		return nil, err
	}
	var org reconi.KVK
	if kvk != "" {
		if org, err = reconi.ParseKVK(kvk); err != nil {
			return nil, err
		}
	}
	if err := authorize(ctx, actRead, org); err != nil {
		return nil, err
	}
	if err := s.expireOnRead(ctx); err != nil {
		return nil, err
	}
	p := &reconi.Person{Email: addr}
	err = s.view(ctx, func(tx store.Tx) error {
		reqs, err := tx.PersonRequests(addr, org, visibleOrgs(reconi.ActorFrom(ctx)))
		if err != nil {
			return err
		}
		for i := range reqs {
			r := &reqs[i]
			if r.History, err = tx.UserEvents(r.User.ID); err != nil {
				return err
			}
			if ended(r.User.State) && len(r.History) > 0 {
				r.Reason = r.History[len(r.History)-1].Reason
			}
			msgs, err := tx.Messages(store.OutboxFilter{UserID: r.User.ID})
			if err != nil {
				return err
			}
			r.Messages = make([]reconi.Delivery, len(msgs))
			for j, m := range msgs {
				r.Messages[j] = reconi.Delivery{ID: m.ID, Channel: m.Channel, Subject: m.Subject, State: m.State,
					Attempts: m.Attempts, LastError: m.LastError, CreatedAt: m.CreatedAt, SentAt: m.SentAt}
			}
		}
		p.Requests = reqs
		if len(reqs) > 0 {
			p.Email = reqs[0].User.Email // as stored, not as asked
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(p.Requests) == 0 {
		return nil, reconi.Errorf(reconi.KindNotFound, "no request for %s", addr)
	}
	return p, nil
}

// ended reports whether a request ended without a means, for a reason.
func ended(s reconi.UserState) bool {
	return s == reconi.UserRejected || s == reconi.UserExpired || s == reconi.UserCancelled
}
