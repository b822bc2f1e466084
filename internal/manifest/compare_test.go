package manifest

import (
	"reflect"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
)

// compare decides on requests the command tests cannot easily make: issued
// ones, and several applications at once.
func TestCompare(t *testing.T) {
	u := User{FirstName: "Jan", LastName: "Jansen", Email: "jan@example.nl", Phone: "+31612345678", Employed: true}
	apps := map[int64]reconi.ApplicationSummary{
		1: {ID: 1, Level: reconi.EH3},
		2: {ID: 2, Level: reconi.EH2},
		3: {ID: 3, Level: reconi.EH3},
	}
	have := func(app int64, state reconi.UserState, edit func(*reconi.User)) reconi.User {
		e := reconi.User{ApplicationID: app, Email: u.Email, FirstName: u.FirstName, LastName: u.LastName, Phone: u.Phone, State: state}
		if edit != nil {
			edit(&e)
		}
		return e
	}
	tests := []struct {
		name      string
		have      []reconi.User
		action    Action
		app       int64
		state     reconi.UserState
		conflicts []string
	}{
		{name: "nobody", action: ActionNew},
		{name: "issued at the level", have: []reconi.User{have(1, reconi.UserIssued, nil)}, action: ActionPresent, app: 1, state: reconi.UserIssued},
		{name: "issued at another level", have: []reconi.User{have(2, reconi.UserIssued, nil)}, action: ActionNew},
		{name: "in progress at another level", have: []reconi.User{have(2, reconi.UserFinalCheck, nil)}, action: ActionConflicting,
			conflicts: []string{"application 2 (EH2, final_check) is in progress at another level than the manifest's EH3: wait for it to end, or cancel it with reconi cancel 2 --email jan@example.nl"}},
		{name: "the latest application at the level", have: []reconi.User{have(3, reconi.UserOrdered, nil), have(1, reconi.UserIssued, nil)},
			action: ActionPresent, app: 3, state: reconi.UserOrdered},
		{name: "issued with another name", have: []reconi.User{have(1, reconi.UserIssued, func(e *reconi.User) { e.FirstName, e.LastName = "Johan", "Janssen" })},
			action: ActionConflicting, conflicts: []string{`application 1 (EH3, issued) has first name "Johan" where the manifest says "Jan", last name "Janssen" where the manifest says "Jansen"`}},
		{name: "issued at another level with another phone", have: []reconi.User{have(2, reconi.UserIssued, func(e *reconi.User) { e.Phone = "+31600000000" })},
			action: ActionConflicting, conflicts: []string{"application 2 (EH2, issued) has phone +31600000000 where the manifest says +31612345678"}},
		{name: "an application not listed", have: []reconi.User{have(9, reconi.UserInvited, nil)}, action: ActionNew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := compare(u, reconi.EH3, tt.have, apps)
			if got.Action != tt.action || got.ApplicationID != tt.app || got.State != tt.state || !reflect.DeepEqual(got.Conflicts, tt.conflicts) {
				t.Errorf("got %s (app %d, %s, %q), want %s (app %d, %s, %q)", got.Action, got.ApplicationID, got.State, got.Conflicts,
					tt.action, tt.app, tt.state, tt.conflicts)
			}
		})
	}
	for _, s := range reconi.UserStates {
		want := s != reconi.UserDraft && s != reconi.UserRejected && s != reconi.UserExpired && s != reconi.UserCancelled
		if counts(s) != want {
			t.Errorf("counts(%s) = %v, want %v", s, counts(s), want)
		}
	}
}
