package backendtest

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

// "Applications in progress": the list, its filters, and the history of one
// application.

const minute = time.Minute

func (e *env) applications(t *testing.T, f reconi.ApplicationFilter) []reconi.ApplicationSummary {
	t.Helper()
	list, err := reconi.AllApplications(e.ctx, e.b, f)
	if err != nil {
		t.Fatalf("Applications(%+v): %v", f, err)
	}
	return list
}

func ids(list []reconi.ApplicationSummary) []int64 {
	out := make([]int64, len(list))
	for i, s := range list {
		out[i] = s.ID
	}
	return out
}

// byState renders users_by_state in a fixed order, treating nil and empty
// alike.
func byState(m map[reconi.UserState]int) string {
	parts := make([]string, 0, len(m))
	for s, n := range m {
		parts = append(parts, fmt.Sprintf("%s=%d", s, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

var _ = register("Applications", func(t *testing.T, e *env) {
	orgA := e.orgA(t)
	orgB := e.orgB(t)
	// 1: A, EH2+ draft with two users.
	a1 := e.draft(t, kvkA, "EH2+", "")
	e.addUser(t, a1.ID, user(1, true))
	e.addUser(t, a1.ID, user(2, false))
	// 2: A, EH3 submitted with carla, on branch A.
	t2 := e.clock.Advance(minute)
	a2 := e.draft(t, kvkA, "EH3", branchA)
	e.addUser(t, a2.ID, reconi.NewUser{FirstName: "Carla", LastName: "Smit", Email: "carla@example.nl", Phone: "0612345678", Employed: yes})
	e.setPermissions(t, a2.ID, reconi.PermissionsInput{Direct: true, Providers: []string{"RVO"}, ValidityYears: 1})
	submittedAt := e.clock.Advance(minute)
	e.submit(t, a2.ID)
	// 3: B, EH2 draft without users.
	t3 := e.clock.Advance(minute)
	a3 := e.draft(t, kvkB, "EH2", "")

	all := e.applications(t, reconi.ApplicationFilter{})
	eqSlice(t, "all", ids(all), []int64{a1.ID, a2.ID, a3.ID})
	if len(all) == 3 {
		want := []struct {
			org       reconi.OrgRef
			level     reconi.Level
			branch    reconi.BranchNumber
			state     reconi.AppState
			total     int
			byState   string
			created   time.Time
			submitted *time.Time
		}{
			{reconi.OrgRef{KVK: kvkA, Name: orgA.Name}, reconi.EH2Plus, "", reconi.AppDraft, 2, "draft=2", Start, nil},
			{reconi.OrgRef{KVK: kvkA, Name: orgA.Name}, reconi.EH3, branchA, reconi.AppSubmitted, 1, "invited=1", t2, &submittedAt},
			{reconi.OrgRef{KVK: kvkB, Name: orgB.Name}, reconi.EH2, "", reconi.AppDraft, 0, "", t3, nil},
		}
		for i, w := range want {
			g := all[i]
			what := fmt.Sprintf("application %d", g.ID)
			eq(t, what+" organization", g.Organization, w.org)
			eq(t, what+" level", g.Level, w.level)
			eq(t, what+" branch", g.Branch, w.branch)
			eq(t, what+" state", g.State, w.state)
			eq(t, what+" users_total", g.UsersTotal, w.total)
			eq(t, what+" users_by_state", byState(g.UsersByState), w.byState)
			sameTime(t, what+" created_at", g.CreatedAt, w.created)
			if (g.SubmittedAt == nil) != (w.submitted == nil) || (g.SubmittedAt != nil && !g.SubmittedAt.Equal(*w.submitted)) {
				t.Errorf("%s submitted_at = %v, want %v", what, g.SubmittedAt, w.submitted)
			}
		}
	}

	for _, tc := range []struct {
		f    reconi.ApplicationFilter
		want []int64
	}{
		{reconi.ApplicationFilter{KVK: kvkA}, []int64{a1.ID, a2.ID}},
		{reconi.ApplicationFilter{KVK: kvkB}, []int64{a3.ID}},
		{reconi.ApplicationFilter{State: "draft"}, []int64{a1.ID, a3.ID}},
		{reconi.ApplicationFilter{State: "Submitted"}, []int64{a2.ID}},
		{reconi.ApplicationFilter{State: "invited"}, []int64{a2.ID}},
		{reconi.ApplicationFilter{State: "issued"}, []int64{}},
		{reconi.ApplicationFilter{Email: "carla@example.nl"}, []int64{a2.ID}},
		{reconi.ApplicationFilter{Email: "CARLA@Example.NL"}, []int64{a2.ID}},
		{reconi.ApplicationFilter{Email: "user2@example.nl"}, []int64{a1.ID}},
		{reconi.ApplicationFilter{Email: "nobody@example.nl"}, []int64{}},
		{reconi.ApplicationFilter{KVK: kvkA, State: "draft"}, []int64{a1.ID}},
		{reconi.ApplicationFilter{KVK: kvkB, State: "submitted"}, []int64{}},
		{reconi.ApplicationFilter{KVK: kvkA, State: "draft", Email: "user1@example.nl"}, []int64{a1.ID}},
	} {
		got := e.applications(t, tc.f)
		eqSlice(t, fmt.Sprintf("applications %+v", tc.f), ids(got), tc.want)
	}
	// A filter on state or email keeps the counts of all users.
	if got := e.applications(t, reconi.ApplicationFilter{Email: "user2@example.nl"}); len(got) == 1 {
		eq(t, "users_total with an email filter", got[0].UsersTotal, 2)
		eq(t, "person_state with an email filter", got[0].PersonState, reconi.UserDraft)
	}
	if got := e.applications(t, reconi.ApplicationFilter{Email: "Carla@example.nl"}); len(got) == 1 {
		eq(t, "carla's state", got[0].PersonState, reconi.UserInvited)
	}
	if got := e.applications(t, reconi.ApplicationFilter{KVK: kvkA}); len(got) > 0 {
		eq(t, "person_state without an email filter", got[0].PersonState, "")
	}

	_, err := reconi.AllApplications(e.ctx, e.b, reconi.ApplicationFilter{State: "pending"})
	wantErr(t, err, reconi.KindInvalid, "state", "pending", "submitted", "invited", "issued", "expired")
	_, err = reconi.AllApplications(e.ctx, e.b, reconi.ApplicationFilter{KVK: "1234"})
	wantErr(t, err, reconi.KindInvalid, "kvk", "8 digits")
})

var _ = register("History", func(t *testing.T, e *env) {
	e.orgA(t)
	a := e.draft(t, kvkA, "EH3", "")
	t1 := e.clock.Advance(minute)
	e.addUser(t, a.ID, user(1, true))
	t2 := e.clock.Advance(minute)
	e.addUser(t, a.ID, user(2, false))
	t3 := e.clock.Advance(minute)
	e.addUser(t, a.ID, user(3, false))
	t4 := e.clock.Advance(minute)
	if err := e.b.RemoveUser(e.ctx, a.ID, "user3@example.nl"); err != nil {
		t.Fatal(err)
	}
	t5 := e.clock.Advance(minute)
	e.setPermissions(t, a.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 3})
	t6 := e.clock.Advance(minute)
	version := e.terms(t)
	e.submit(t, a.ID)

	got, err := reconi.AllEvents(e.ctx, e.b, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	type ev struct {
		email, from, to string
		why             []string
		at              time.Time
	}
	want := []ev{
		{"", "", "draft", []string{"draft started"}, Start},
		{"user1@example.nl", "", "draft", []string{"added"}, t1},
		{"user2@example.nl", "", "draft", []string{"added"}, t2},
		{"user3@example.nl", "", "draft", []string{"added"}, t3},
		{"user3@example.nl", "draft", "removed", []string{"removed"}, t4},
		{"", "draft", "draft", []string{"permissions", "all services", "3 years"}, t5},
		{"", "draft", "submitted", []string{"submitted", version, "€229.90"}, t6},
		{"user1@example.nl", "draft", "invited", []string{"invitation"}, t6},
		{"user2@example.nl", "draft", "invited", []string{"invitation"}, t6},
	}
	if len(got) != len(want) {
		for _, g := range got {
			t.Logf("%+v", g)
		}
		t.Fatalf("%d events, want %d", len(got), len(want))
	}
	for i, w := range want {
		g := got[i]
		what := fmt.Sprintf("event %d", i)
		eq(t, what+" application", g.ApplicationID, a.ID)
		eq(t, what+" email", g.Email, w.email)
		eq(t, what+" from", g.From, w.from)
		eq(t, what+" to", g.To, w.to)
		eq(t, what+" actor", g.Actor, e.me)
		sameTime(t, what+" at", g.At, w.at)
		for _, s := range w.why {
			if !contains(g.Reason, s) {
				t.Errorf("%s reason %q does not contain %q", what, g.Reason, s)
			}
		}
		if i > 0 && g.ID <= got[i-1].ID {
			t.Errorf("%s: id %d does not follow %d", what, g.ID, got[i-1].ID)
		}
	}
	// Events of users point at them.
	users := e.users(t, a.ID)
	eq(t, "user id of event 1", got[1].UserID, users[0].ID)
	eq(t, "user id of event 7", got[7].UserID, users[0].ID)
	eq(t, "user id of event 8", got[8].UserID, users[1].ID)

	// An import is one event.
	b := e.draft(t, kvkA, "EH3", "")
	if _, err := e.b.ImportUsers(e.ctx, b.ID, strings.NewReader(goodCSV), reconi.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	// A dry run or a refused import records nothing.
	other := strings.ReplaceAll(goodCSV, "@example.nl", "@example.com")
	other = strings.ReplaceAll(other, "@Example.NL", "@example.com")
	if _, err := e.b.ImportUsers(e.ctx, b.ID, strings.NewReader(other), reconi.ImportOptions{DryRun: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.b.ImportUsers(e.ctx, b.ID, strings.NewReader(goodCSV), reconi.ImportOptions{DryRun: true}); err == nil {
		t.Fatal("importing the same users again must fail")
	}
	got, err = reconi.AllEvents(e.ctx, e.b, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !contains(got[1].Reason, "2 users imported") || got[1].Actor != e.me {
		t.Errorf("history of an import = %+v", got)
	}

	_, err = reconi.AllEvents(e.ctx, e.b, 99999)
	wantErr(t, err, reconi.KindNotFound, "99999")
})

var _ = register("UnknownApplication", func(t *testing.T, e *env) {
	e.orgA(t)
	const id = 99999
	check := func(what string, err error) {
		t.Helper()
		if reconi.ErrorKind(err) != reconi.KindNotFound || !contains(err.Error(), "99999") {
			t.Errorf("%s of application %d: %v, want not found naming it", what, id, err)
		}
	}
	_, err := e.b.Application(e.ctx, id)
	check("Application", err)
	_, err = e.b.AddUser(e.ctx, id, user(1, true))
	check("AddUser", err)
	_, err = e.b.ImportUsers(e.ctx, id, strings.NewReader(goodCSV), reconi.ImportOptions{})
	check("ImportUsers", err)
	check("RemoveUser", e.b.RemoveUser(e.ctx, id, "user1@example.nl"))
	_, err = reconi.AllUsers(e.ctx, e.b, reconi.UserFilter{ApplicationID: id})
	check("Users", err)
	_, err = e.b.SetPermissions(e.ctx, id, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1})
	check("SetPermissions", err)
	_, err = e.b.Submit(e.ctx, id, reconi.Submission{AgreeTerms: true})
	check("Submit", err)
	_, err = reconi.AllEvents(e.ctx, e.b, id)
	check("History", err)
})

var _ = register("ApplicationCompleted", func(t *testing.T, e *env) {
	e.orgA(t)
	done := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, done.ID, user(1, true))
	e.addUser(t, done.ID, user(2, true))
	e.setPermissions(t, done.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1})
	e.submit(t, done.ID)
	open := e.draft(t, kvkA, "EH3", "")
	e.addUser(t, open.ID, user(3, true))
	e.setPermissions(t, open.ID, reconi.PermissionsInput{Direct: true, AllServices: true, ValidityYears: 1})
	e.submit(t, open.ID)
	draft := e.draft(t, kvkA, "EH3", "")

	// One user ended: still submitted.
	e.clock.Advance(minute)
	if _, err := e.b.Cancel(e.ctx, done.ID, "user1@example.nl", "left"); err != nil {
		t.Fatal(err)
	}
	eq(t, "one ended", e.app(t, done.ID).State, reconi.AppSubmitted)
	// The last one ended: completed, at that moment.
	last := e.clock.Advance(minute)
	if _, err := e.b.Cancel(e.ctx, done.ID, "", "no longer needed"); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(minute)
	a := e.app(t, done.ID)
	eq(t, "all ended", a.State, reconi.AppCompleted)
	if a.CompletedAt == nil {
		t.Fatal("completed without completed_at")
	}
	sameTime(t, "completed_at", *a.CompletedAt, last)
	if o := e.app(t, open.ID); o.State != reconi.AppSubmitted || o.CompletedAt != nil {
		t.Errorf("open application %s, completed at %v", o.State, o.CompletedAt)
	}

	list := e.applications(t, reconi.ApplicationFilter{KVK: kvkA})
	eqSlice(t, "all", ids(list), []int64{done.ID, open.ID, draft.ID})
	eq(t, "listed state", list[0].State, reconi.AppCompleted)
	if list[0].CompletedAt == nil {
		t.Fatal("listed without completed_at")
	}
	sameTime(t, "listed completed_at", *list[0].CompletedAt, last)
	if list[1].CompletedAt != nil || list[2].CompletedAt != nil {
		t.Errorf("completed_at on open applications: %+v", list[1:])
	}
	eqSlice(t, "open", ids(e.applications(t, reconi.ApplicationFilter{Open: true})), []int64{open.ID, draft.ID})
	eqSlice(t, "completed", ids(e.applications(t, reconi.ApplicationFilter{State: "completed"})), []int64{done.ID})
	eqSlice(t, "submitted", ids(e.applications(t, reconi.ApplicationFilter{State: "submitted"})), []int64{open.ID})
})
