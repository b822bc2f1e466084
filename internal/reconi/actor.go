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
