package reconi_test

import (
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// The role table of docs/security.md, action by action.
func TestPermits(t *testing.T) {
	acts := []reconi.Action{reconi.ActRead, reconi.ActWizard, reconi.ActOperator, reconi.ActResend, reconi.ActCorrect}
	for role, want := range map[reconi.Role][]reconi.Kind{
		reconi.RoleLocal:    {"", "", "", "", ""},
		reconi.RoleManager:  {"", "", reconi.KindForbidden, "", ""},
		reconi.RoleHelpdesk: {"", reconi.KindForbidden, reconi.KindForbidden, "", reconi.KindForbidden},
		reconi.RoleOperator: {"", reconi.KindForbidden, "", "", ""},
		"":                  {reconi.KindUnauthorized, reconi.KindUnauthorized, reconi.KindUnauthorized, reconi.KindUnauthorized, reconi.KindUnauthorized},
	} {
		for i, act := range acts {
			if got := reconi.ErrorKind(reconi.Actor{Name: "x", Role: role}.Permits(act)); got != want[i] {
				t.Errorf("%q may %d: %q, want %q", role, act, got, want[i])
			}
		}
	}
}
