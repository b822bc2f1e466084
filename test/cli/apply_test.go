package cli_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

// newDraft returns a sandbox whose current draft 1 (EH3) has two users, one
// not employed, and all services for 1 year (the permission included with
// the means): a quote of €100.00 plus €21.00 VAT, €121.00 in all.
func applyNewDraft(t *testing.T) *clitest.Sandbox {
	t.Helper()
	s := clitest.New(t)
	s.Register()
	s.Select("--level", "EH3")
	s.MustRun("users", "add", "--first-name", "Jan", "--last-name", "Jansen", "--email", "jan@example.nl",
		"--phone", "0612345678", "--employed=true")
	s.MustRun("users", "add", "--first-name", "Sanne", "--last-name", "de Vries", "--email", "sanne@example.nl",
		"--phone", "0623456789", "--employed=false")
	s.MustRun("permissions", "set", "--all-services", "--validity", "1y")
	return s
}

// summary is what apply prints before it asks or submits, without a terminal.
func summary(s *clitest.Sandbox) string {
	terms := s.Terms()
	return "Summary of draft 1\n" +
		"Organisation:\tTest EMZ Dagobert (69599084)\n" +
		"Level:\tEH3\n" +
		"Branch:\tnone (all establishments)\n" +
		"Users:\t2 (1 employed, 1 to be identified)\n" +
		"Permissions:\tall services of all providers\n" +
		"Validity:\t1 year\n" +
		"\n" +
		"eHerkenning means EH3, 1 year\t2\t€45.00\t€90.00\n" +
		"Permission EH3, 1 year, included with the means (1 per user)\t2\t€0.00\t€0.00\n" +
		"Identification (remote) of users not employed\t1\t€10.00\t€10.00\n" +
		"Subtotal (excluding VAT)\t\t\t€100.00\n" +
		"VAT 21%\t\t\t€21.00\n" +
		"Total\t\t\t€121.00\n" +
		fmt.Sprintf("\n%s (version %s)\n\n%s\n\n", terms.Title, terms.Version, terms.Text)
}

// stillDraft checks that nothing was submitted.
// kept is what declining to agree says about draft 1.
const kept = "Nothing was submitted. Draft 1 is kept: resume it with 'reconi apply --draft 1' (or 'reconi drafts use 1', then the wizard or apply), or discard it with 'reconi drafts discard 1'.\n"

func stillDraft(t *testing.T, s *clitest.Sandbox) {
	t.Helper()
	s.Run("status", "--state", "draft", "--jq", ".[] | [.id, .state, .submitted_at] | @tsv").Expect(t, cmd.ExitOK, "1\tdraft\t\n", "")
	s.Run("users", "list", "--jq", ".[].state").Expect(t, cmd.ExitOK, "draft\ndraft\n", "")
}

func TestApplyWithoutTerminalNeedsAgreeTerms(t *testing.T) {
	t.Parallel()
	const refused = "error: --agree-terms is required when reconi cannot ask (no terminal, --no-input or CI); nothing was submitted\n" +
		"Run 'reconi apply --help' for usage.\n"
	tests := []struct {
		name string
		opts clitest.Options
		args []string
	}{
		{name: "no terminal", opts: clitest.Options{Stdin: "y\n"}},
		{name: "terminal, --no-input", opts: clitest.Options{TTY: true, Stdin: "y\n"}, args: []string{"--no-input"}},
		{name: "terminal, CI=true", opts: clitest.Options{TTY: true, Stdin: "y\n", Env: map[string]string{"CI": "true"}}},
		{name: "terminal, CI=1", opts: clitest.Options{TTY: true, Stdin: "y\n", Env: map[string]string{"CI": "1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := applyNewDraft(t)
			r := s.RunWith(tt.opts, append([]string{"apply"}, tt.args...)...)
			if tt.opts.TTY {
				if r.Code != cmd.ExitUsage || r.Stderr != refused {
					t.Errorf("exit %d, stderr %q; want %d, %q", r.Code, r.Stderr, cmd.ExitUsage, refused)
				}
			} else {
				r.Expect(t, cmd.ExitUsage, summary(s), refused)
			}
			stillDraft(t, s)
		})
	}
}

// CI=false and CI=0 are how CI systems say "not CI": the prompt still works.
func TestApplyCIFalsePrompts(t *testing.T) {
	t.Parallel()
	s := applyNewDraft(t)
	r := s.RunWith(clitest.Options{TTY: true, Stdin: "n\n", Env: map[string]string{"CI": "false"}}, "apply")
	if r.Code != cmd.ExitCancelled {
		t.Errorf("exit %d, want %d; stderr %q", r.Code, cmd.ExitCancelled, r.Stderr)
	}
}

func TestApplyOnTerminal(t *testing.T) {
	t.Parallel()
	const question = "Do you agree to the conditions (version %s) and submit draft 1 for €121.00? [y/N] "
	tests := []struct {
		stdin     string
		submitted bool
	}{
		{"y\n", true},
		{"yes\n", true},
		{"ja\n", true},
		{" Y \n", true},
		{"n\n", false},
		{"\n", false},
		{"", false}, // end of input
		{"yolo\n", false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.stdin), func(t *testing.T) {
			t.Parallel()
			s := applyNewDraft(t)
			version := s.Terms().Version
			r := s.RunWith(clitest.Options{TTY: true, Stdin: tt.stdin}, "apply")
			if tt.submitted {
				r.Expect(t, cmd.ExitOK, ttySummary(s), fmt.Sprintf(question, version)+
					"✓ Submitted application 1: 2 users invited; follow it with reconi status 1\n")
				s.Run("status", "--jq", ".[] | [.id, .state, .users_by_state.invited] | @tsv").Expect(t, cmd.ExitOK, "1\tsubmitted\t2\n", "")
				s.Run("users", "list", "--jq", ".[].state").Expect(t, cmd.ExitOK, "invited\ninvited\n", "")
				return
			}
			r.Expect(t, cmd.ExitCancelled, ttySummary(s), fmt.Sprintf(question, version)+kept)
			stillDraft(t, s)
		})
	}
}

// ttySummary is the summary as a terminal shows it.
func ttySummary(s *clitest.Sandbox) string {
	terms := s.Terms()
	return "Summary of draft 1\n" +
		"Organisation: Test EMZ Dagobert (69599084)\n" +
		"Level:        EH3\n" +
		"Branch:       none (all establishments)\n" +
		"Users:        2 (1 employed, 1 to be identified)\n" +
		"Permissions:  all services of all providers\n" +
		"Validity:     1 year\n" +
		"\n" +
		"ITEM                                                          QUANTITY  UNIT    AMOUNT\n" +
		"eHerkenning means EH3, 1 year                                 2         €45.00  €90.00\n" +
		"Permission EH3, 1 year, included with the means (1 per user)  2         €0.00   €0.00\n" +
		"Identification (remote) of users not employed                 1         €10.00  €10.00\n" +
		"Subtotal (excluding VAT)                                                        €100.00\n" +
		"VAT 21%                                                                         €21.00\n" +
		"Total                                                                           €121.00\n" +
		fmt.Sprintf("\n%s (version %s)\n\n%s\n\n", terms.Title, terms.Version, terms.Text)
}

func TestApplyAgreeTerms(t *testing.T) {
	t.Parallel()
	s := applyNewDraft(t)
	before := time.Now()
	s.Run("apply", "--agree-terms").Expect(t, cmd.ExitOK, summary(s), "")
	after := time.Now()

	// Who agreed to which version of the conditions, and when.
	r := s.MustRun("status", "1", "-o", "json")
	var app struct {
		ID          int64      `json:"id"`
		State       string     `json:"state"`
		SubmittedAt *time.Time `json:"submitted_at"`
		Terms       *struct {
			Version  string    `json:"version"`
			AgreedBy string    `json:"agreed_by"`
			AgreedAt time.Time `json:"agreed_at"`
		} `json:"terms"`
		Users []struct {
			State string `json:"state"`
		} `json:"users"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &app); err != nil {
		t.Fatal(err)
	}
	if app.State != "submitted" || len(app.Users) != 2 || app.Users[0].State != "invited" || app.Users[1].State != "invited" {
		t.Errorf("after apply: %+v", app)
	}
	if app.Terms == nil || app.Terms.Version != s.Terms().Version || app.Terms.AgreedBy != clitest.Actor() {
		t.Fatalf("terms agreement = %+v, want version %s agreed by %s", app.Terms, s.Terms().Version, clitest.Actor())
	}
	for name, at := range map[string]time.Time{"submitted_at": deref(app.SubmittedAt), "terms.agreed_at": app.Terms.AgreedAt} {
		if at.Before(before.Add(-time.Second)) || at.After(after.Add(time.Second)) {
			t.Errorf("%s = %v, want between %v and %v", name, at, before, after)
		}
	}
}

func deref(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func TestApplyJSON(t *testing.T) {
	t.Parallel()
	s := applyNewDraft(t)
	r := s.Run("apply", "--agree-terms", "-o", "json", "--jq",
		"[.id, .state, .validity_years, .quote.total_cents, .quote.vat_cents, .quote.currency, .terms.version, (.users | map(.state) | join(\",\"))] | @tsv")
	r.Expect(t, cmd.ExitOK, "1\tsubmitted\t1\t12100\t2100\tEUR\t"+s.Terms().Version+"\tinvited,invited\n", "")

	// The field names of an application are part of the interface.
	var app map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s.MustRun("status", "1", "-o", "json").Stdout), &app); err != nil {
		t.Fatal(err)
	}
	hasKeys(t, "application", app, "id", "state", "organization", "level", "branch", "users", "permissions", "validity_years", "quote", "submitted_at")
	var org, quote, perms map[string]json.RawMessage
	var users []map[string]json.RawMessage
	for field, v := range map[string]any{"organization": &org, "quote": &quote, "permissions": &perms, "users": &users} {
		if err := json.Unmarshal(app[field], v); err != nil {
			t.Fatalf("%s: %v", field, err)
		}
	}
	hasKeys(t, "organization", org, "kvk", "name")
	hasKeys(t, "quote", quote, "total_cents", "vat_cents", "currency")
	hasKeys(t, "permissions", perms, "direct", "scope")
	if len(users) != 2 {
		t.Fatalf("%d users, want 2", len(users))
	}
	hasKeys(t, "user", users[0], "id", "email", "first_name", "last_name", "phone", "employed", "state")
}

func hasKeys(t *testing.T, what string, obj map[string]json.RawMessage, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, ok := obj[k]; !ok {
			t.Errorf("%s JSON has no %q", what, k)
		}
	}
}

func TestApplyMaxPrice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		max    string
		code   int
		stderr string
	}{
		// -o json: errors are JSON too.
		{"120,99", cmd.ExitInvalid, `{"error":{"kind":"invalid","message":"max_price: the quote is €121.00 (VAT included), above the maximum of €120.99; nothing was submitted"}}` + "\n"},
		{"100", cmd.ExitInvalid, `{"error":{"kind":"invalid","message":"max_price: the quote is €121.00 (VAT included), above the maximum of €100.00; nothing was submitted"}}` + "\n"},
		{"121.00", cmd.ExitOK, ""},
		{"2000", cmd.ExitOK, ""},
		{"NaN", cmd.ExitInvalid, `{"error":{"kind":"invalid","message":"max-price: \"NaN\" is not an amount in euros: want a number like 250 or 249.95"}}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.max, func(t *testing.T) {
			t.Parallel()
			s := applyNewDraft(t)
			r := s.Run("apply", "--agree-terms", "--max-price", tt.max, "-o", "json", "--jq", ".state")
			if tt.code == cmd.ExitOK {
				r.Expect(t, cmd.ExitOK, "submitted\n", "")
				return
			}
			r.Expect(t, tt.code, "", tt.stderr)
			stillDraft(t, s)
		})
	}
}

func TestApplyTwice(t *testing.T) {
	t.Parallel()
	s := applyNewDraft(t)
	s.MustRun("apply", "--agree-terms")
	s.Run("apply", "--agree-terms").Expect(t, cmd.ExitConflict, "",
		"error: application 1 was already submitted on 0000-00-00 00:00 UTC\n")
	// Without --agree-terms the answer is the same: the conflict comes first.
	s.Run("apply").Expect(t, cmd.ExitConflict, "",
		"error: application 1 was already submitted on 0000-00-00 00:00 UTC\n")
	s.Run("status", "--jq", ".[] | [.state, .users_total] | @tsv").Expect(t, cmd.ExitOK, "submitted\t2\n", "")
}

// A pipeline that retries a whole apply with the same key gets the same
// application back; another key is a conflict.
func TestApplyIdempotencyKey(t *testing.T) {
	t.Parallel()
	s := applyNewDraft(t)
	s.Run("apply", "--agree-terms", "--idempotency-key", "run-1", "--jq", ".id").Expect(t, cmd.ExitOK, "1\n", "")
	s.Run("apply", "--agree-terms", "--idempotency-key", "run-1", "--jq", ".id").Expect(t, cmd.ExitOK, "1\n", "")
	s.Run("apply", "--agree-terms", "--idempotency-key", "run-2", "--jq", ".id").Expect(t, cmd.ExitConflict, "",
		`{"error":{"kind":"conflict","message":"application 1 was already submitted on 0000-00-00 00:00 UTC"}}`+"\n")
}

func TestApplyNeedsADraft(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Run("apply", "--agree-terms").Expect(t, cmd.ExitInvalid, "",
		"error: draft: no draft selected: start one with 'reconi org select KVK --level LEVEL', carry on with one with 'reconi drafts use ID' (reconi drafts list), or name one with --draft ID\n")
	s.Run("apply", "--agree-terms", "--draft", "5").Expect(t, cmd.ExitNotFound, "", "error: application 5 not found\n")
}

// A draft without users or without permissions cannot be submitted.
func TestApplyIncompleteDraft(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Register()
	s.Select("--level", "EH3")
	s.Run("apply", "--agree-terms", "-o", "json").Expect(t, cmd.ExitInvalid, "",
		`{"error":{"kind":"invalid","message":"users: draft 1 has no users: add them with reconi users add or reconi users import"}}`+"\n")
	s.MustRun("users", "add", "--first-name", "Jan", "--last-name", "Jansen", "--email", "jan@example.nl",
		"--phone", "0612345678", "--employed=true")
	s.Run("apply", "--agree-terms", "-o", "json").Expect(t, cmd.ExitInvalid, "",
		`{"error":{"kind":"invalid","message":"permissions: draft 1 has no permissions or validity yet: set them with reconi permissions set"}}`+"\n")
	// On a terminal, nobody is shown a summary or asked to agree to a
	// draft that cannot be submitted: the answer "y" is never read.
	s.RunWith(clitest.Options{TTY: true, Stdin: "y\n"}, "apply").Expect(t, cmd.ExitInvalid, "",
		"error: permissions: draft 1 has no permissions or validity yet: set them with reconi permissions set\n")
	s.Run("status", "--state", "draft", "--jq", ".[].state").Expect(t, cmd.ExitOK, "draft\n", "")
}
