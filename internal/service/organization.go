package service

import (
	"context"
	"errors"
	"strings"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/internal/store"
)

// RegisterOrganization adds an organisation and its branches to the register.
func (s *Service) RegisterOrganization(ctx context.Context, in reconi.NewOrganization) (*reconi.Organization, error) {
	if err := reconi.CheckTexts("", in); err != nil {
		return nil, err
	}
	if err := authorize(ctx, actOperator, ""); err != nil {
		return nil, err
	}
	kvk, err := reconi.ParseKVK(in.KVK)
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return nil, reconi.Invalid("name", "is empty: the organisation's registered name is required")
	}
	o := &reconi.Organization{KVK: kvk, Name: name, Branches: []reconi.Branch{}, CreatedAt: s.now().UTC()}
	seen := map[reconi.BranchNumber]bool{}
	for _, b := range in.Branches {
		n, err := reconi.ParseBranch(b)
		if err != nil {
			return nil, err
		}
		if !seen[n] {
			seen[n] = true
			o.Branches = append(o.Branches, reconi.Branch{Number: n})
		}
	}
	err = s.update(ctx, func(tx store.Tx) error {
		// Look first: on PostgreSQL a failed insert ends the transaction.
		existing, err := tx.Organization(kvk)
		if err != nil {
			return err
		}
		if existing != nil {
			return reconi.Errorf(reconi.KindConflict, "organisation %s is already registered as %q", kvk, existing.Name)
		}
		if err := tx.InsertOrganization(o); errors.Is(err, store.ErrConflict) {
			return reconi.Errorf(reconi.KindConflict, "organisation %s, or one of its branch numbers, is already registered", kvk)
		} else if err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// Organizations lists the register, limited to the actor's organisations.
func (s *Service) Organizations(ctx context.Context) ([]reconi.Organization, error) {
	if err := authorize(ctx, actRead, ""); err != nil {
		return nil, err
	}
	var out []reconi.Organization
	err := s.view(ctx, func(tx store.Tx) (err error) {
		out, err = tx.Organizations()
		return err
	})
	a := reconi.ActorFrom(ctx)
	kept := []reconi.Organization{}
	for _, o := range out {
		if mayAccess(a, o.KVK) {
			kept = append(kept, o)
		}
	}
	return kept, err
}

// Organization returns one organisation of the register.
func (s *Service) Organization(ctx context.Context, kvkText reconi.KVK) (*reconi.Organization, error) {
	if err := reconi.CheckText("kvk", string(kvkText)); err != nil {
		return nil, err
	}
	kvk, err := reconi.ParseKVK(string(kvkText))
	if err != nil {
		return nil, err
	}
	if err := authorize(ctx, actRead, kvk); err != nil {
		return nil, err
	}
	var o *reconi.Organization
	err = s.view(ctx, func(tx store.Tx) (err error) {
		o, err = s.org(tx, kvk)
		return err
	})
	return o, err
}

func (s *Service) org(tx store.Tx, kvk reconi.KVK) (*reconi.Organization, error) {
	o, err := tx.Organization(kvk)
	if err == nil && o == nil {
		err = reconi.Errorf(reconi.KindNotFound, "organisation %s is not in the register", kvk)
	}
	return o, err
}
