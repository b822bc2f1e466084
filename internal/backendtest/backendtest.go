// Package backendtest is the contract suite of reconi.Backend: one set of
// assertions about the rules of the add-users wizard that every
// implementation must pass, the embedded service and the HTTP client alike.
//
// A test of an implementation calls Run with a constructor:
//
//	func TestBackend(t *testing.T) {
//		backendtest.Run(t, func(t *testing.T, now func() time.Time) backendtest.Harness {
//			st := ... // a fresh database under t.TempDir()
//			svc, err := service.New(ctx, st, service.WithClock(now))
//			...
//			return backendtest.Harness{Backend: svc, Ctx: reconi.WithActor(ctx, reconi.Actor{Name: "tester", Role: reconi.RoleLocal})}
//		})
//	}
//
// The suite only talks to the Backend interface, so what it checks is what a
// command sees, on either side of the wire.
package backendtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/reconi"
)

// Harness is one backend under test.
type Harness struct {
	// Backend is a fresh backend over an empty database: no organisations,
	// the default service catalogue, price list and terms.
	Backend reconi.Backend
	// Ctx is passed to every call. It must carry (or, over HTTP, stand for)
	// an actor allowed to do everything: the embedded RoleLocal actor, which
	// both runs the wizard and keeps the broker's data.
	Ctx context.Context
	// SweepMeans runs what serve's sweep does for issued means (expiry and
	// reminders) on the service behind the backend; cases that need it are
	// skipped without it.
	SweepMeans func(ctx context.Context, days []int) (expired, reminded int, err error)
}

// NewBackend makes a fresh Harness for one subtest. The backend must read the
// time from now, so that the suite can assert timestamps exactly. It is
// called once per subtest, possibly from parallel subtests; cleanup belongs
// in t.Cleanup.
type NewBackend func(t *testing.T, now func() time.Time) Harness

// Start is the moment the suite's clock shows when a subtest begins.
var Start = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

// Run runs the contract suite against the backends newBackend makes.
func Run(t *testing.T, newBackend NewBackend) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			clock := &Clock{t: Start}
			h := newBackend(t, clock.Now)
			if h.Backend == nil || h.Ctx == nil {
				t.Fatal("the harness has no Backend or no Ctx")
			}
			e := &env{b: h.Backend, ctx: h.Ctx, clock: clock, sweepMeans: h.SweepMeans}
			me, err := e.b.Whoami(e.ctx)
			if err != nil {
				t.Fatalf("Whoami: %v", err)
			}
			if me.Name == "" {
				t.Fatal("Whoami: the actor has no name, so history could not say who did what")
			}
			e.me = me.Name
			tc.fn(t, e)
		})
	}
}

// A case is one subtest of the suite.
type testCase struct {
	name string
	fn   func(t *testing.T, e *env)
}

// cases is filled by the files of this package, one area of the wizard each.
var cases []testCase

func register(name string, fn func(t *testing.T, e *env)) bool {
	cases = append(cases, testCase{name, fn})
	return true
}

// Clock is a clock that moves only when told to.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock on by d and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// env is what every case works with.
type env struct {
	b     reconi.Backend
	ctx   context.Context
	clock *Clock
	// me is the name the backend records for the suite's actor.
	me         string
	sweepMeans func(ctx context.Context, days []int) (expired, reminded int, err error)
}

// Fictitious numbers from the KvK test environment (DOMAIN.md), and more in
// the same format.
const (
	kvkA    = "69599084"
	kvkB    = "68750110"
	branchA = "000037178598"
	branchB = "000037178599"
)

// Default catalogue ServiceIDs (internal/service/defaults/catalogue.yaml).
const (
	svcBelastingdienst = "urn:etoegang:DV:00000001000000000001:services:1" // EH3, no branch users
	svcUWVWerkgevers   = "urn:etoegang:DV:00000001000000000002:services:1" // EH3, no branch users
	svcUWVGegevens     = "urn:etoegang:DV:00000001000000000002:services:2" // EH4
	svcDouane          = "urn:etoegang:DV:00000001000000000003:services:1" // EH3
	svcKadaster        = "urn:etoegang:DV:00000001000000000004:services:1" // EH3
	svcRVO             = "urn:etoegang:DV:00000001000000000005:services:1" // EH2+
)

var yes = func() *bool { b := true; return &b }()

var no = func() *bool { b := false; return &b }()

// orgA registers organisation A with branch A, and returns it.
func (e *env) orgA(t *testing.T) *reconi.Organization {
	t.Helper()
	return e.register(t, reconi.NewOrganization{KVK: kvkA, Name: "Bakkerij De Korenschoof", Branches: []string{branchA}})
}

// orgB registers organisation B with branch B.
func (e *env) orgB(t *testing.T) *reconi.Organization {
	t.Helper()
	return e.register(t, reconi.NewOrganization{KVK: kvkB, Name: "Transport Van Dijk B.V.", Branches: []string{branchB}})
}

func (e *env) register(t *testing.T, in reconi.NewOrganization) *reconi.Organization {
	t.Helper()
	o, err := e.b.RegisterOrganization(e.ctx, in)
	if err != nil {
		t.Fatalf("RegisterOrganization(%s): %v", in.KVK, err)
	}
	return o
}

// draft starts a draft; org must be registered.
func (e *env) draft(t *testing.T, kvk, level, branch string) *reconi.Application {
	t.Helper()
	a, err := e.b.CreateDraft(e.ctx, reconi.NewDraft{KVK: kvk, Level: level, Branch: branch})
	if err != nil {
		t.Fatalf("CreateDraft(%s, %s, %q): %v", kvk, level, branch, err)
	}
	return a
}

// user is a valid user; n makes the email and phone number unique.
func user(n int, employed bool) reconi.NewUser {
	return reconi.NewUser{
		FirstName: fmt.Sprintf("User%d", n),
		LastName:  "Jansen",
		Email:     fmt.Sprintf("user%d@example.nl", n),
		Phone:     fmt.Sprintf("06 %08d", 12000000+n),
		Employed:  &employed,
	}
}

func (e *env) addUser(t *testing.T, appID int64, in reconi.NewUser) *reconi.User {
	t.Helper()
	u, err := e.b.AddUser(e.ctx, appID, in)
	if err != nil {
		t.Fatalf("AddUser(%d, %s): %v", appID, in.Email, err)
	}
	return u
}

func (e *env) setPermissions(t *testing.T, appID int64, in reconi.PermissionsInput) *reconi.Application {
	t.Helper()
	a, err := e.b.SetPermissions(e.ctx, appID, in)
	if err != nil {
		t.Fatalf("SetPermissions(%d, %+v): %v", appID, in, err)
	}
	return a
}

func (e *env) terms(t *testing.T) string {
	t.Helper()
	terms, err := e.b.Terms(e.ctx)
	if err != nil {
		t.Fatalf("Terms: %v", err)
	}
	return terms.Version
}

func (e *env) submit(t *testing.T, appID int64) *reconi.Application {
	t.Helper()
	a, err := e.b.Submit(e.ctx, appID, reconi.Submission{AgreeTerms: true, TermsVersion: e.terms(t)})
	if err != nil {
		t.Fatalf("Submit(%d): %v", appID, err)
	}
	return a
}

func (e *env) app(t *testing.T, id int64) *reconi.Application {
	t.Helper()
	a, err := e.b.Application(e.ctx, id)
	if err != nil {
		t.Fatalf("Application(%d): %v", id, err)
	}
	return a
}

func (e *env) users(t *testing.T, appID int64) []reconi.User {
	t.Helper()
	us, err := reconi.AllUsers(e.ctx, e.b, reconi.UserFilter{ApplicationID: appID})
	if err != nil {
		t.Fatalf("Users(%d): %v", appID, err)
	}
	return us
}

// emails lists the emails of users, in order.
func emails(us []reconi.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Email
	}
	return out
}

// wantErr checks that err is a *reconi.Error of kind whose text (message and
// row problems) contains every one of want, and returns it.
func wantErr(t *testing.T, err error, kind reconi.Kind, want ...string) *reconi.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", kind)
	}
	if k := reconi.ErrorKind(err); k != kind {
		t.Fatalf("error kind %q, want %q; error: %v", k, kind, err)
	}
	var re *reconi.Error
	if !errors.As(err, &re) {
		t.Fatalf("%T is not a *reconi.Error", err)
	}
	text := re.Error()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("error %q does not contain %q", text, w)
		}
	}
	return re
}

// row is an expected problem in a bulk input: line, field and substrings of
// the message.
type row struct {
	line  int
	field string
	want  []string
}

// wantRows checks that the row problems of e are exactly rows, in order.
func wantRows(t *testing.T, e *reconi.Error, rows ...row) {
	t.Helper()
	got := make([]string, len(e.Rows))
	for i, r := range e.Rows {
		got[i] = fmt.Sprintf("%d/%s", r.Line, r.Field)
	}
	want := make([]string, len(rows))
	for i, r := range rows {
		want[i] = fmt.Sprintf("%d/%s", r.line, r.field)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("row problems (line/field) = %v, want %v\n%v", got, want, e)
	}
	for i, r := range rows {
		for _, w := range r.want {
			if !strings.Contains(e.Rows[i].Message, w) {
				t.Errorf("line %d, %s: message %q does not contain %q", r.line, r.field, e.Rows[i].Message, w)
			}
		}
	}
	if e.RowsOmitted != 0 {
		t.Errorf("RowsOmitted = %d, want 0", e.RowsOmitted)
	}
}

// sameTime compares times by instant: they may have crossed the wire.
func sameTime(t *testing.T, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(want) {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func eqSlice[T comparable](t *testing.T, what string, got, want []T) {
	t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) || len(got) != len(want) {
		t.Errorf("%s = %v, want %v", what, got, want)
		return
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("%s[%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
