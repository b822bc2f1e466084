// Package service holds the rules of the add-users wizard. It implements
// reconi.Backend over a store.Store; the HTTP server serves the same Service.
package service

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"gopkg.in/yaml.v3"

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
	// enqueued counts messages this process wrote to the outbox or queued
	// again, so an embedded command delivers only when it did.
	enqueued atomic.Int64
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

// parseTerms reads a terms file: YAML front matter (version, title) between
// "---" lines, then the text.
func parseTerms(b []byte) (reconi.Terms, error) {
	var t reconi.Terms
	rest, ok := bytes.CutPrefix(b, []byte("---\n"))
	if !ok {
		return t, errors.New("no front matter")
	}
	front, text, ok := bytes.Cut(rest, []byte("\n---\n"))
	if !ok {
		return t, errors.New("front matter not closed")
	}
	var meta struct{ Version, Title string }
	if err := yaml.Unmarshal(front, &meta); err != nil {
		return t, err
	}
	if meta.Version == "" {
		return t, errors.New("no version")
	}
	return reconi.Terms{Version: meta.Version, Title: meta.Title, Text: string(bytes.TrimSpace(text))}, nil
}

// action is what an actor wants to do, for the role check.
type action int

const (
	actRead     action = iota // status, users, applications
	actWizard                 // drafts, users, permissions, submit
	actOperator               // the broker's register, catalogue, prices
)

// authorize checks that the actor of ctx may act on organisation kvk (""
// for requests not about one organisation). A manager or helpdesk asking about
// an organisation it does not hold gets not-found, so the register does not
// leak.
func authorize(ctx context.Context, act action, kvk reconi.KVK) error {
	a := reconi.ActorFrom(ctx)
	switch a.Role {
	case reconi.RoleLocal:
		return nil
	case reconi.RoleOperator:
		if act == actWizard {
			return reconi.Errorf(reconi.KindForbidden, "an operator token cannot run the wizard; use a manager token")
		}
		return nil
	case reconi.RoleManager, reconi.RoleHelpdesk:
		if act == actOperator {
			return reconi.Errorf(reconi.KindForbidden, "only an operator may do this: the broker's register, catalogue and prices, "+
				"identification results, final checks and the outbox; a %s token may not", a.Role)
		}
		if act == actWizard && a.Role == reconi.RoleHelpdesk {
			return reconi.Errorf(reconi.KindForbidden, "a helpdesk token reads status and users; it changes nothing")
		}
		if kvk != "" && !mayAccess(a, kvk) {
			return reconi.Errorf(reconi.KindNotFound, "organisation %s not found", kvk)
		}
		return nil
	case "":
		return reconi.Errorf(reconi.KindUnauthorized, "not logged in: run reconi auth login")
	}
	return reconi.Errorf(reconi.KindForbidden, "role %q may not do this", a.Role)
}

// mayAccess reports whether a may see organisation kvk. A helpdesk without
// organisations sees all; a manager always has a list.
func mayAccess(a reconi.Actor, kvk reconi.KVK) bool {
	if a.Role == reconi.RoleLocal || a.Role == reconi.RoleOperator {
		return true
	}
	if a.Role == reconi.RoleHelpdesk && len(a.Orgs) == 0 {
		return true
	}
	return slices.Contains(a.Orgs, kvk)
}

// visibleOrgs returns the organisations a may list, or nil for all.
func visibleOrgs(a reconi.Actor) []reconi.KVK {
	if a.Role == reconi.RoleManager || (a.Role == reconi.RoleHelpdesk && len(a.Orgs) > 0) {
		return append([]reconi.KVK{}, a.Orgs...)
	}
	return nil
}

func actorName(ctx context.Context) string {
	if n := reconi.ActorFrom(ctx).Name; n != "" {
		return n
	}
	return "unknown"
}

func (s *Service) view(ctx context.Context, fn func(store.Tx) error) error {
	return wrap(s.store.View(ctx, fn))
}

func (s *Service) update(ctx context.Context, fn func(store.Tx) error) error {
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
