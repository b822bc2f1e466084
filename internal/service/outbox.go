package service

import (
	"context"
	"fmt"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

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

// Outbox lists messages a page at a time, oldest first; only operators (and
// the local user) may read them, since undelivered ones hold links and codes.
func (s *Service) Outbox(ctx context.Context, f reconi.OutboxFilter) (*reconi.MessagePage, error) {
	if err := reconi.CheckTexts("", f); err != nil {
		return nil, err
	}
	if err := authorize(ctx, actOperator, ""); err != nil {
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
	sf := store.OutboxFilter{To: f.To, Channel: f.Channel, State: f.State, ApplicationID: f.ApplicationID,
		AfterID: after, Limit: limit + 1} // one more tells whether another page follows
	page := &reconi.MessagePage{Messages: []reconi.Message{}}
	err = s.view(ctx, func(tx store.Tx) error {
		ms, err := tx.Messages(sf)
		for _, m := range ms {
			page.Messages = append(page.Messages, m.Message)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(page.Messages) > limit {
		page.Messages = page.Messages[:limit]
		page.NextCursor = reconi.IDCursor(page.Messages[limit-1].ID)
	}
	return page, nil
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
		return nil, reconi.Invalid("ids", "name at least one message ID")
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
