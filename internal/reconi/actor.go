package reconi

import "context"

// Role is what an actor may do.
type Role string

const (
	// RoleLocal is the person at the terminal of an embedded backend: they own
	// the database file and may do everything.
	RoleLocal    Role = "local"
	RoleManager  Role = "manager"
	RoleHelpdesk Role = "helpdesk"
	RoleOperator Role = "operator"
)

// Actor is who makes a request: recorded in history, checked against roles.
type Actor struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
	// Orgs limits a manager or helpdesk to these organisations; empty means
	// all for helpdesk and operator.
	Orgs []KVK `json:"orgs,omitempty"`
}

type actorKey struct{}

// WithActor returns a context that carries a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx; a context without one is an anonymous
// actor with no role, which may do nothing.
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// Action is what a request does, for the role check.
type Action int

const (
	ActRead     Action = iota // status, users, applications
	ActWizard                 // drafts, users, permissions, submit, cancel
	ActOperator               // the broker's register, catalogue, prices, identification results, final checks, the outbox
	ActResend                 // send an invitation again: managers, operators and helpdesk
	ActCorrect                // correct a user's email or mobile before it is verified: managers and operators
)

// Permits checks a's role alone against act, whatever the organisation:
// the service checks the organisation too, and the HTTP layer asks this
// before it reads a request's body.
func (a Actor) Permits(act Action) error {
	switch a.Role {
	case RoleLocal:
		return nil
	case RoleOperator:
		if act == ActWizard {
			return Errorf(KindForbidden, "an operator token cannot start or change drafts (the wizard, renewals, permission grants); use a manager token")
		}
		return nil
	case RoleManager, RoleHelpdesk:
		if act == ActOperator {
			return Errorf(KindForbidden, "only an operator may do this: the broker's register, catalogue and prices, "+
				"identification results, final checks and the outbox; a %s token may not", a.Role)
		}
		if (act == ActWizard || act == ActCorrect) && a.Role == RoleHelpdesk {
			return Errorf(KindForbidden, "a helpdesk token reads status and users and sends invitations again; it changes nothing else")
		}
		return nil
	case "":
		return Errorf(KindUnauthorized, "not logged in")
	}
	return Errorf(KindForbidden, "role %q may not do this", Excerpt(string(a.Role)))
}
