package service

import (
	"context"
	"slices"

	"github.com/reconi/reconi/internal/reconi"
)

// action is what an actor wants to do, for the role check.
type action = reconi.Action

const (
	actRead     = reconi.ActRead
	actWizard   = reconi.ActWizard
	actOperator = reconi.ActOperator
)

// authorize checks that the actor of ctx may act on organisation kvk (""
// for requests not about one organisation). A manager or helpdesk asking about
// an organisation it does not hold gets not-found, so the register does not
// leak.
func authorize(ctx context.Context, act action, kvk reconi.KVK) error {
	a := reconi.ActorFrom(ctx)
	if err := a.Permits(act); err != nil {
		return err
	}
	if kvk != "" && !mayAccess(a, kvk) {
		return reconi.Errorf(reconi.KindNotFound, "organisation %s not found", kvk)
	}
	return nil
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

// Whoami returns the actor of ctx.
func (s *Service) Whoami(ctx context.Context) (*reconi.Actor, error) {
	if err := authorize(ctx, actRead, ""); err != nil {
		return nil, err
	}
	a := reconi.ActorFrom(ctx)
	return &a, nil
}

// checkTexts applies reconi.CheckText to name, value pairs.
func checkTexts(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := reconi.CheckText(pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}
