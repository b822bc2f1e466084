package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"time"
	"unicode/utf8"

	"github.com/reconi/reconi/internal/notify"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// The outbox is delivered by dispatchers: `reconi serve` runs one
// (RunDispatcher), and embedded commands call Dispatch once before they
// exit. Every message was written in the transaction of the change that
// caused it; a dispatcher leases a batch of due messages, sends each, and
// records the outcome in a transaction of its own.
//
//   - Never lost: a dispatcher that dies between claim and finish leaves the
//     message pending; it is claimed again once the lease runs out.
//   - Never sent twice by two dispatchers: the lease is taken in the
//     statement that picks the rows (with SKIP LOCKED on PostgreSQL), and a
//     send is cut off before its lease ends.
//   - At least once to the provider: a crash after the provider accepted a
//     message but before the outcome was written sends it again. The
//     Message-ID and Idempotency-Key (notify.DeliveryID) stay the same, so
//     the receiving side can drop the resend.

// DispatchOptions tune delivery; zero fields take the defaults.
type DispatchOptions struct {
	// BatchSize is how many messages one claim leases (default 20).
	BatchSize int
	// Lease is how long a claimed batch is reserved (default 1 minute).
	Lease time.Duration
	// SendTimeout bounds one send (default 30 seconds); a send is also cut
	// off at three quarters of the lease, leaving time to record it.
	SendTimeout time.Duration
	// MaxAttempts fails a message after this many tries (default 10).
	MaxAttempts int
	// BaseBackoff is the wait after the first failure, doubled after each
	// further one up to MaxBackoff (defaults 30 seconds and 1 hour); the
	// wait is then spread between half and all of that.
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	// MaxMessages ends a pass after this many messages (0: when nothing is
	// due any more).
	MaxMessages int
	// Jitter returns a random duration in [0, d); nil uses math/rand/v2.
	Jitter func(d time.Duration) time.Duration
	// Logger gets one line per message delivered, kept or failed, without
	// recipient or body; nil logs nothing.
	Logger *slog.Logger
}

// DefaultDispatch are the defaults of DispatchOptions.
var DefaultDispatch = DispatchOptions{
	BatchSize:   20,
	Lease:       time.Minute,
	SendTimeout: 30 * time.Second,
	MaxAttempts: 10,
	BaseBackoff: 30 * time.Second,
	MaxBackoff:  time.Hour,
}

func (o DispatchOptions) withDefaults() DispatchOptions {
	d := DefaultDispatch
	d.BatchSize = positiveOr(o.BatchSize, d.BatchSize)
	d.Lease = positiveOr(o.Lease, d.Lease)
	d.SendTimeout = positiveOr(o.SendTimeout, d.SendTimeout)
	d.MaxAttempts = positiveOr(o.MaxAttempts, d.MaxAttempts)
	d.BaseBackoff = positiveOr(o.BaseBackoff, d.BaseBackoff)
	d.MaxBackoff = positiveOr(o.MaxBackoff, d.MaxBackoff)
	d.MaxMessages, d.Jitter, d.Logger = o.MaxMessages, o.Jitter, o.Logger
	if d.Jitter == nil {
		d.Jitter = func(x time.Duration) time.Duration {
			if x <= 0 {
				return 0
			}
			return rand.N(x)
		}
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return d
}

// DispatchResult counts what one pass did.
type DispatchResult struct {
	Sent    int `json:"sent"`
	Kept    int `json:"kept"`
	Retried int `json:"retried"`
	Failed  int `json:"failed"`
	// Released were claimed but given back unsent: the pass was cancelled
	// or ran short of lease.
	Released int `json:"released"`
}

func (r DispatchResult) done() int { return r.Sent + r.Kept + r.Retried + r.Failed }

// backoff is the wait before attempt number attempts+1, after attempts
// failures: BaseBackoff doubled per failure, capped, then jittered into
// [half, whole) so that dispatchers retrying together drift apart.
func (o DispatchOptions) backoff(attempts int) time.Duration {
	d := o.BaseBackoff
	for i := 1; i < attempts && d < o.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, o.MaxBackoff)
	return d/2 + o.Jitter(d-d/2)
}

// Dispatch makes one delivery pass over the outbox: it claims due messages
// in batches and sends each through the sender of its channel. A channel
// without a sender is not configured: its messages become kept, and the
// outbox is their delivery (`reconi outbox list`). A failed send is tried
// again after a backoff, and fails for good after MaxAttempts tries or a
// permanent error, with the last error kept. The error returned is the
// database's (or ctx's); delivery problems are recorded per message.
//
// Embedded commands call Dispatch once before they exit, under a context
// with a deadline (say 30 seconds) so that an unreachable server cannot hold
// the command: sends cut off by ctx are given back for the next pass and do
// not count as attempts.
func (s *Service) Dispatch(ctx context.Context, senders map[reconi.Channel]notify.Sender, opts DispatchOptions) (DispatchResult, error) {
	res, err := s.dispatch(ctx, senders, opts)
	if res.Sent > 0 {
		// Sent messages lost their secrets; a store with a write-ahead log
		// also drops the old page images that still held them.
		if c, ok := s.store.(interface{ Checkpoint(context.Context) error }); ok {
			_ = c.Checkpoint(context.WithoutCancel(ctx))
		}
	}
	return res, err
}

func (s *Service) dispatch(ctx context.Context, senders map[reconi.Channel]notify.Sender, opts DispatchOptions) (DispatchResult, error) {
	o := opts.withDefaults()
	var res DispatchResult
	// A pass with nothing to do takes no write lock: serve runs one every
	// few seconds next to the users' steps.
	var pending []store.Message
	if err := s.store.View(ctx, func(tx store.Tx) (err error) {
		pending, err = tx.Messages(store.OutboxFilter{State: string(reconi.MessagePending), Limit: 1})
		return err
	}); err != nil || len(pending) == 0 {
		return res, wrap(err)
	}

	if err := s.keepUndeliverable(ctx, senders, o, &res); err != nil {
		return res, err
	}

	seen := map[int64]bool{}
	for o.MaxMessages == 0 || res.done() < o.MaxMessages {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		now := s.now().UTC()
		lease := now.Add(o.Lease)
		limit := o.BatchSize
		if o.MaxMessages > 0 {
			limit = min(limit, o.MaxMessages-res.done())
		}
		var batch []store.Message
		if err := s.store.Update(ctx, func(tx store.Tx) (err error) {
			batch, err = tx.ClaimMessages(now, lease, limit)
			return err
		}); err != nil {
			return res, wrap(err)
		}
		if len(batch) == 0 {
			return res, nil
		}
		// Sends stop at three quarters of the lease: the outcome must be
		// written while the lease still keeps other dispatchers away.
		sendBy := now.Add(o.Lease * 3 / 4)
		before := res.done()
		for i := range batch {
			m := &batch[i]
			if seen[m.ID] || ctx.Err() != nil || !s.now().Before(sendBy) {
				// Out of time or cancelled: the rest go back for the next
				// claim. Seen: handled in this pass already, so it waits
				// for the next pass.
				if err := s.release(ctx, m, lease, &res); err != nil {
					return res, err
				}
				continue
			}
			seen[m.ID] = true
			if err := s.deliver(ctx, senders[m.Channel], m, lease, sendBy, o, &res); err != nil {
				return res, err
			}
		}
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		if res.done() == before {
			return res, nil // a whole batch given back: no progress to make now
		}
	}
	return res, nil
}

// keepUndeliverable marks the pending messages of channels with no delivery
// configured as kept: in one statement each, however many there are.
func (s *Service) keepUndeliverable(ctx context.Context, senders map[reconi.Channel]notify.Sender, o DispatchOptions, res *DispatchResult) error {
	for _, ch := range []reconi.Channel{reconi.ChannelEmail, reconi.ChannelSMS, reconi.ChannelIdentification} {
		if senders[ch] != nil {
			continue
		}
		var n int64
		if err := s.store.Update(ctx, func(tx store.Tx) (err error) {
			n, err = tx.KeepPending(ch, s.now().UTC())
			return err
		}); err != nil {
			return wrap(err)
		}
		if n > 0 {
			res.Kept += int(n)
			o.Logger.Info("kept in the outbox: no delivery configured for this channel", "channel", string(ch), "messages", n)
		}
	}
	return nil
}

// deliver sends one claimed message and records the outcome.
func (s *Service) deliver(ctx context.Context, sender notify.Sender, m *store.Message, lease, sendBy time.Time,
	o DispatchOptions, res *DispatchResult) error {
	log := o.Logger.With("message", m.ID, "channel", string(m.Channel))
	if sender == nil {
		m.State = reconi.MessageKept
		res.Kept++
		log.Info("kept in the outbox: no delivery configured for this channel")
		return s.finish(ctx, m)
	}

	if m.Channel == reconi.ChannelSMS && s.now().Sub(m.CreatedAt) > s.us.CodeTTL {
		// An SMS carries a one-time code: once the code expired, sending it
		// would only confuse. The user asks for a new one.
		m.State, m.LastError = reconi.MessageFailed, "the code expired before it could be delivered"
		res.Failed++
		log.Warn("failed: code expired before delivery", "attempts", m.Attempts)
		return s.finish(ctx, m)
	}

	timeout := min(o.SendTimeout, sendBy.Sub(s.now()))
	sendCtx, cancel := context.WithTimeout(ctx, timeout)
	err := sender.Send(sendCtx, m.Message)
	cancel()
	now := s.now().UTC()
	if err == nil {
		m.State, m.SentAt, m.LastError = reconi.MessageSent, &now, ""
		m.Attempts++
		res.Sent++
		log.Info("sent", "attempts", m.Attempts)
		return s.finish(ctx, m)
	}
	if ctx.Err() != nil {
		// Stopped from outside (serve shutting down): not the provider's
		// failure, so not an attempt. The message waits for the next pass.
		return s.release(ctx, m, lease, res)
	}
	m.Attempts++
	m.LastError = truncate(err.Error(), 500)
	switch {
	case notify.IsPermanent(err):
		m.State = reconi.MessageFailed
		res.Failed++
		log.Warn("failed for good", "attempts", m.Attempts, "err", m.LastError)
	case m.Attempts >= o.MaxAttempts:
		m.State = reconi.MessageFailed
		res.Failed++
		log.Warn("failed after the last attempt", "attempts", m.Attempts, "err", m.LastError)
	default:
		m.NextAttemptAt = now.Add(o.backoff(m.Attempts))
		res.Retried++
		log.Info("will try again", "attempts", m.Attempts, "next_attempt_at", m.NextAttemptAt, "err", m.LastError)
	}
	return s.finish(ctx, m)
}

// finish records an outcome; it is written even when ctx was cancelled
// meanwhile, since the send happened.
func (s *Service) finish(ctx context.Context, m *store.Message) error {
	err := s.store.Update(context.WithoutCancel(ctx), func(tx store.Tx) error { return tx.FinishMessage(*m) })
	if errors.Is(err, store.ErrConflict) {
		// The lease ran out and another dispatcher claimed the message:
		// its outcome is the one that counts.
		return nil
	}
	return wrap(err)
}

// release gives a claimed message back unchanged, so the next pass need not
// wait for the lease to run out. Past the lease another dispatcher may hold
// it already: then it is left alone.
func (s *Service) release(ctx context.Context, m *store.Message, lease time.Time, res *DispatchResult) error {
	if !s.now().Before(lease.Add(-5 * time.Second)) {
		return nil
	}
	res.Released++
	return s.finish(ctx, m)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// RunDispatcher delivers the outbox every interval until ctx ends: what
// `reconi serve` runs. Database errors are logged and the next pass tries
// again.
func (s *Service) RunDispatcher(ctx context.Context, senders map[reconi.Channel]notify.Sender, interval time.Duration, opts DispatchOptions) error {
	if interval <= 0 {
		return fmt.Errorf("dispatch interval %s: must be positive", interval)
	}
	o := opts.withDefaults()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.Dispatch(ctx, senders, o); err != nil && ctx.Err() == nil {
			o.Logger.Error("delivering the outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
