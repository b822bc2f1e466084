// Package service holds the rules of the add-users wizard. It implements
// reconi.Backend over a store.Store; the HTTP server serves the same Service.
package service

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

var (
	//go:embed defaults/catalogue.yaml
	defaultCatalogue []byte
	//go:embed defaults/prices.yaml
	defaultPrices []byte
	//go:embed defaults/terms.md
	defaultTerms []byte
)

// Service implements reconi.Backend.
type Service struct {
	store store.Store
	now   func() time.Time
	terms reconi.Terms
	us    UserSideConfig
	// spoolDir and spoolMax place and bound imports' spool files (spool.go).
	spoolDir string
	spoolMax int64
	// enqueued counts messages this process wrote to the outbox or queued
	// again, so an embedded command delivers only when it did.
	enqueued atomic.Int64
	// due is what reads know of the deadlines (expiry.go).
	due dueState
	// prices and catalogue are copies kept between requests (cache.go).
	prices    priceCache
	catalogue catalogueCache
}

var _ reconi.Backend = (*Service)(nil)

// Option configures a Service.
type Option func(*Service)

// WithClock makes the service read time from now, for exact tests.
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// New returns a Service over st, loading the default catalogue and price list
// into a database that has none yet.
func New(ctx context.Context, st store.Store, opts ...Option) (*Service, error) {
	s := &Service{store: st, now: time.Now, us: DefaultUserSide}
	for _, o := range opts {
		o(s)
	}
	terms, err := parseTerms(defaultTerms)
	if err != nil {
		return nil, fmt.Errorf("default terms: %w", err)
	}
	s.terms = terms
	if err := s.seed(ctx); err != nil {
		return nil, fmt.Errorf("loading defaults: %w", err)
	}
	return s, nil
}

// DefaultCatalogue and DefaultPriceList return the embedded defaults, which
// also serve as examples of the files an operator loads.
func DefaultCatalogue() []byte { return bytes.Clone(defaultCatalogue) }
func DefaultPriceList() []byte { return bytes.Clone(defaultPrices) }

// seed loads the defaults once per database; an operator's later changes,
// even an empty catalogue, are never overwritten.
func (s *Service) seed(ctx context.Context) error {
	var seeded string
	if err := s.store.View(ctx, func(tx store.Tx) (err error) {
		seeded, err = tx.Meta("defaults_loaded")
		return err
	}); err != nil || seeded != "" {
		return err
	}
	cat, err := ParseCatalogue(defaultCatalogue)
	if err != nil {
		return err
	}
	prices, err := ParsePriceList(defaultPrices)
	if err != nil {
		return err
	}
	return s.store.Update(ctx, func(tx store.Tx) error {
		// Claiming the key first makes concurrent first starts (two
		// processes, two replicas) agree on one that loads the defaults.
		won, err := tx.ClaimMeta("defaults_loaded", s.now().UTC().Format(time.RFC3339))
		if err != nil || !won {
			return err
		}
		if err := tx.ReplaceCatalogue(*cat); err != nil {
			return err
		}
		return tx.InsertPriceList(*prices, s.now())
	})
}

func (s *Service) view(ctx context.Context, fn func(store.Tx) error) error {
	return wrap(s.store.View(ctx, fn))
}

func (s *Service) update(ctx context.Context, fn func(store.Tx) error) error {
	// A change may give a request an earlier deadline than reads know.
	defer s.due.forget()
	// ... or load a catalogue.
	defer s.catalogue.forget()
	return wrap(s.store.Update(ctx, fn))
}

// wrap passes domain errors through and classifies everything else as
// internal, keeping the cause for logs.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	var e *reconi.Error
	if errors.As(err, &e) {
		return e
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("database: %w", err)
}

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
