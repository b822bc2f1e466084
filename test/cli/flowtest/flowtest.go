// Package flowtest takes applications through the user's side in command
// tests, with the commands a person would type: submit an application,
// read the invitation link and SMS code from the outbox, and take the
// user's steps. It builds on clitest's sandbox.
package flowtest

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/clitest"
)

// Person is a user to add to a draft.
type Person struct {
	First, Last, Email, Phone string
	Employed                  bool
}

// The example users: Jan is employed by the organisation and is issued at
// once; Piet is not, and is identified and checked first.
var (
	Jan  = Person{First: "Jan", Last: "Jansen", Email: "jan@example.nl", Phone: "06 12345678", Employed: true}
	Piet = Person{First: "Piet", Last: "Puk", Email: "piet@example.nl", Phone: "06 87654321", Employed: false}
)

// E164 is how reconi stores the example phone numbers.
var E164 = map[string]string{Jan.Phone: "+31612345678", Piet.Phone: "+31687654321"}

// Submit registers the example organisation (once per sandbox), starts a
// draft at EH3, adds people (default Jan and Piet), sets all services for 3
// years and applies; it returns the application's ID.
func Submit(t testing.TB, s *clitest.Sandbox, people ...Person) int64 {
	t.Helper()
	if r := s.Run("org", "show", clitest.KVK); r.Code != 0 {
		s.Register()
	}
	if len(people) == 0 {
		people = []Person{Jan, Piet}
	}
	id := s.Select("--level", "EH3")
	for _, p := range people {
		s.MustRun("users", "add", "--first-name", p.First, "--last-name", p.Last, "--email", p.Email,
			"--phone", p.Phone, "--employed="+strconv.FormatBool(p.Employed))
	}
	s.MustRun("permissions", "set", "--all-services", "--validity", "3y")
	s.MustRun("apply", "--agree-terms")
	return id
}

// Outbox returns the messages `reconi outbox list -o json` prints for args.
func Outbox(t testing.TB, s *clitest.Sandbox, args ...string) []reconi.Message {
	t.Helper()
	r := s.MustRun(append([]string{"outbox", "list", "-o", "json"}, args...)...)
	var ms []reconi.Message
	if err := json.Unmarshal([]byte(r.Stdout), &ms); err != nil {
		t.Fatalf("outbox list -o json: %v\n%s", err, r.Stdout)
	}
	return ms
}

var (
	linkRE = regexp.MustCompile(`https?://\S+/invite/[A-Za-z0-9_-]+`)
	codeRE = regexp.MustCompile(`\b\d{6}\b`)
)

// Link returns the invitation link of the last invitation emailed to email
// for application appID.
func Link(t testing.TB, s *clitest.Sandbox, appID int64, email string) string {
	t.Helper()
	var link string
	for _, m := range Outbox(t, s, "--to", email, "--channel", "email", "--app", strconv.FormatInt(appID, 10)) {
		if l := linkRE.FindString(m.Body); l != "" {
			link = l
		}
	}
	if link == "" {
		t.Fatalf("no invitation link for %s in the outbox of application %d", email, appID)
	}
	return link
}

// Code returns the code of the last SMS to phone.
func Code(t testing.TB, s *clitest.Sandbox, phone string) string {
	t.Helper()
	ms := Outbox(t, s, "--to", phone, "--channel", "sms")
	if len(ms) == 0 {
		t.Fatalf("no SMS to %s in the outbox", phone)
	}
	code := codeRE.FindString(ms[len(ms)-1].Body)
	if code == "" {
		t.Fatalf("no code in the SMS to %s: %q", phone, ms[len(ms)-1].Body)
	}
	return code
}

// Step runs one of the user's steps with the link on standard input, as a
// user who keeps it out of the shell history does, and stops the test
// unless it exits 0.
func Step(t testing.TB, s *clitest.Sandbox, link string, args ...string) clitest.Result {
	t.Helper()
	r := s.RunWith(clitest.Options{Stdin: link + "\n"}, append([]string{"invite"}, args...)...)
	if r.Code != 0 {
		t.Fatalf("reconi invite %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), r.Code, r.Stdout, r.Stderr)
	}
	return r
}

// Order takes p through confirm, verify and order in application appID.
func Order(t testing.TB, s *clitest.Sandbox, appID int64, p Person) {
	t.Helper()
	link := Link(t, s, appID, p.Email)
	Step(t, s, link, "confirm", "-")
	Step(t, s, link, "verify", "-", "--code", Code(t, s, E164[p.Phone]))
	Step(t, s, link, "order", "-")
}

// UserID returns the ID of the user with email in application appID.
func UserID(t testing.TB, s *clitest.Sandbox, appID int64, email string) int64 {
	t.Helper()
	r := s.MustRun("status", strconv.FormatInt(appID, 10), "--email", email, "-o", "json", "--jq", ".users[0].id")
	id, err := strconv.ParseInt(strings.TrimSpace(r.Stdout), 10, 64)
	if err != nil {
		t.Fatalf("no user ID for %s: %q", email, r.Stdout)
	}
	return id
}

// State returns the state of the user with email in application appID.
func State(t testing.TB, s *clitest.Sandbox, appID int64, email string) reconi.UserState {
	t.Helper()
	r := s.MustRun("status", strconv.FormatInt(appID, 10), "--email", email, "-o", "json", "--jq", ".users[0].state")
	return reconi.UserState(strings.TrimSpace(r.Stdout))
}

// AtFinalCheck submits Jan and Piet; Jan is issued and Piet waits for the
// final check. It returns the application and Piet's user ID.
func AtFinalCheck(t testing.TB, s *clitest.Sandbox) (app, piet int64) {
	t.Helper()
	app = Submit(t, s)
	Order(t, s, app, Jan)
	Order(t, s, app, Piet)
	piet = UserID(t, s, app, Piet.Email)
	s.MustRun("identification", "complete", strconv.FormatInt(piet, 10), "--result", "passed")
	return app, piet
}
