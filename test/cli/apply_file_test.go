package cli_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

// onboarding has Jan (employed) and Sanne (not) at EH3 with all services
// for a year: €121.00 with VAT, as in newDraft.
const onboarding = `organization: "69599084"
level: EH3
users:
  - {first_name: Jan, last_name: Jansen, email: jan@example.nl, phone: "06 12345678", employed: true}
  - {first_name: Sanne, last_name: de Vries, email: sanne@example.nl, phone: "06 23456789", employed: false}
permissions: {all_services: true}
validity: 1y
`

// eh4Warning is what all services at EH3 warns about with the default
// catalogue.
const applyEH4Warning = "! UWV Mijn Gegevensdiensten requires EH4: an EH3 means cannot be used there\n"

func registered(t *testing.T) *clitest.Sandbox {
	t.Helper()
	s := clitest.New(t)
	s.Register()
	return s
}

// plainPlan is the plan of onboarding as printed without a terminal.
func plainPlan(file string) string {
	return "Manifest:\t" + file + "\n" +
		"Organisation:\tTest EMZ Dagobert (69599084)\n" +
		"Level:\tEH3\n" +
		"Branch:\tnone (all establishments)\n" +
		"Permissions:\tall services of all providers\n" +
		"Validity:\t1 year\n"
}

// Applying the same file twice creates nothing the second time.
func TestApplyFileTwice(t *testing.T) {
	t.Parallel()
	s := registered(t)
	file := s.WriteFile("onboarding.yaml", onboarding+"notify_email: hr@example.nl\n")

	s.Run("apply", "-f", file, "--agree-terms", "--idempotency-key", "pipeline-7", "--jq",
		`[.application.id, .application.state, (.application.users | map(.email + " " + .state)), .application.notify_email, .application.idempotency_key, .application.quote.total_cents, .plan.new]`).
		Expect(t, cmd.ExitOK, `[1,"submitted",["jan@example.nl invited","sanne@example.nl invited"],"hr@example.nl","pipeline-7",12100,2]`+"\n", applyEH4Warning)

	s.Run("apply", "-f", file, "--agree-terms").Expect(t, cmd.ExitOK,
		plainPlan(file)+
			"Users:\t0 to add, 2 already present (of 2 users)\n"+
			"\n"+
			"present\tjan@example.nl\tJan Jansen\tapplication 1, invited\n"+
			"present\tsanne@example.nl\tSanne de Vries\tapplication 1, invited\n",
		"Nothing to do: 0 to add, 2 already present (of 2 users)\n")
	// A rerun prints the application the users are in, so a pipeline's
	// APP=$(reconi apply -f ... --jq .application.id) is never null.
	s.Run("apply", "-f", file, "--agree-terms", "-o", "json", "--jq", "[.application.id, .applications, .plan.present, .plan.changes]").Expect(t, cmd.ExitOK,
		"[1,[1],2,false]\n", "Nothing to do: 0 to add, 2 already present (of 2 users)\n")
	// One application, with the two users: nothing more was made.
	s.Run("status", "--jq", ".[] | [.id, .state, .users_total] | @tsv").Expect(t, cmd.ExitOK, "1\tsubmitted\t2\n", "")

	// A user added to the file is applied on its own, in a new application.
	more := s.WriteFile("more.yaml", strings.Replace(onboarding, "users:\n", "users:\n  - {first_name: Piet, last_name: Puk, email: piet@example.nl, phone: \"06 87654321\", employed: true}\n", 1))
	s.Run("apply", "-f", more, "--agree-terms", "-o", "json", "--jq", `[.application.id, (.application.users | map(.email)), .plan.present]`).
		Expect(t, cmd.ExitOK, `[2,["piet@example.nl"],2]`+"\n", applyEH4Warning)
}

// A conflicting user makes apply refuse before anything is written.
func TestApplyFileConflict(t *testing.T) {
	t.Parallel()
	s := registered(t)
	file := s.WriteFile("onboarding.yaml", onboarding)
	s.MustRun("apply", "-f", file, "--agree-terms", "-o", "json")

	changed := s.WriteFile("changed.yaml", strings.NewReplacer("last_name: Jansen", "last_name: Janssen",
		"sanne@example.nl", "sanne.devries@example.nl").Replace(onboarding))
	s.Run("apply", "-f", changed, "--agree-terms").Expect(t, cmd.ExitInvalid, "",
		"error: 1 user of "+changed+" conflicts with what organisation 69599084 already has; nothing was applied\n"+
			`  jan@example.nl: application 1 (EH3, invited) has last name "Jansen" where the manifest says "Janssen"`+"\n")
	// Sanne's new address would have been new, but nothing was written:
	// no draft was started.
	s.Run("status", "--jq", ".[] | [.id, .state] | @tsv").Expect(t, cmd.ExitOK, "1\tsubmitted\n", "")
}

func TestApplyFileMaxPrice(t *testing.T) {
	t.Parallel()
	s := registered(t)
	file := s.WriteFile("onboarding.yaml", onboarding+"max_price: 120.99\n")
	s.Run("apply", "-f", file, "--agree-terms", "-o", "json").Expect(t, cmd.ExitInvalid, "",
		`{"error":{"kind":"invalid","message":"max_price: the quote for 2 new users is €121.00 (VAT included), above the maximum of €120.99 in `+file+`; nothing was applied"}}`+"\n")
	s.Run("status", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
	// --max-price takes the manifest's place.
	s.Run("apply", "-f", file, "--agree-terms", "--max-price", "121.00", "--jq", ".application.state").Expect(t, cmd.ExitOK, "submitted\n", applyEH4Warning)
}

func TestApplyFileUsage(t *testing.T) {
	t.Parallel()
	s := registered(t)
	file := s.WriteFile("onboarding.yaml", onboarding)
	bad := s.WriteFile("bad.yaml", strings.Replace(onboarding, "validity: 1y", "validity: 2y", 1))
	tests := []struct {
		name   string
		opts   clitest.Options
		args   []string
		code   int
		stderr string
	}{
		{"no terminal, no --agree-terms", clitest.Options{Stdin: "y\n"}, []string{"apply", "-f", file}, cmd.ExitUsage,
			"error: --agree-terms is required when reconi cannot ask (no terminal, --no-input or CI); nothing was applied\nRun 'reconi apply --help' for usage.\n"},
		{"terminal and --no-input", clitest.Options{TTY: true, Stdin: "y\n"}, []string{"apply", "-f", file, "--no-input"}, cmd.ExitUsage,
			"error: --agree-terms is required when reconi cannot ask (no terminal, --no-input or CI); nothing was applied\nRun 'reconi apply --help' for usage.\n"},
		{"with --draft", clitest.Options{}, []string{"apply", "-f", file, "--draft", "1", "--agree-terms"}, cmd.ExitUsage,
			"error: --draft cannot be used with -f: apply -f starts a draft of its own\nRun 'reconi apply --help' for usage.\n"},
		{"invalid manifest", clitest.Options{}, []string{"apply", "-f", bad, "--agree-terms"}, cmd.ExitInvalid,
			"error: " + bad + " is not valid:\n  " + bad + `:7: validity: "2y" is not offered: want 1y, 3y or 5y (permissions are valid for at most 5 years)` + "\n"},
		// With -o json the manifest's problems are rows, each with its source.
		{"invalid manifest, json", clitest.Options{}, []string{"apply", "-f", bad, "--agree-terms", "-o", "json"}, cmd.ExitInvalid,
			`{"error":{"kind":"invalid","message":"` + bad + ` is not valid","rows":[{"line":7,"source":"` + bad + `:7","field":"validity",` +
				`"message":"\"2y\" is not offered: want 1y, 3y or 5y (permissions are valid for at most 5 years)"}]}}` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.RunWith(tt.opts, tt.args...).Expect(t, tt.code, "", tt.stderr)
		})
	}
	s.Run("status", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
}

// On a terminal apply -f shows the plan and the conditions and asks.
func TestApplyFileOnTerminal(t *testing.T) {
	t.Parallel()
	for _, answer := range []string{"y\n", "n\n"} {
		t.Run(strings.TrimSpace(answer), func(t *testing.T) {
			t.Parallel()
			s := registered(t)
			file := s.WriteFile("onboarding.yaml", onboarding)
			terms := s.Terms()
			r := s.RunWith(clitest.Options{TTY: true, Stdin: answer}, "apply", "-f", file)
			if !strings.Contains(r.Stdout, "new     jan@example.nl    Jan Jansen\n") ||
				!strings.HasSuffix(r.Stdout, fmt.Sprintf("\n%s (version %s)\n\n%s\n\n", terms.Title, terms.Version, terms.Text)) {
				t.Errorf("stdout:\n%s", r.Stdout)
			}
			question := fmt.Sprintf("Do you agree to the conditions (version %s) and submit %s for 2 new users for €121.00? [y/N] ", terms.Version, file)
			if answer == "y\n" {
				if r.Code != cmd.ExitOK || r.Stderr != question+applyEH4Warning+"✓ Submitted application 1: 2 users invited; follow it with reconi status 1\n" {
					t.Errorf("exit %d, stderr:\n%s", r.Code, r.Stderr)
				}
				return
			}
			if r.Code != cmd.ExitCancelled || r.Stderr != question+"Nothing was applied.\n" {
				t.Errorf("exit %d, stderr:\n%s", r.Code, r.Stderr)
			}
			s.Run("status", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
		})
	}
}

// The plan checks the permissions against the catalogue as step 9 would:
// a provider the catalogue does not have stops apply before any draft is
// started.
func TestApplyFileStopped(t *testing.T) {
	t.Parallel()
	s := registered(t)
	file := s.WriteFile("onboarding.yaml", strings.Replace(onboarding, "{all_services: true}", "{providers: [Nope]}", 1))
	r := s.Run("apply", "-f", file, "--agree-terms")
	if r.Code != cmd.ExitInvalid || !strings.Contains(r.Stderr, file+":6: permissions.providers[0]: \"Nope\" is not a provider") {
		t.Errorf("exit %d, stderr %q", r.Code, r.Stderr)
	}
	s.Run("status", "--all", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
}

// The new users travel to the backend as one CSV import: a name a
// spreadsheet would take for a formula, and every phone number, pass the
// formula guard unchanged.
func TestApplyFileFormulaNames(t *testing.T) {
	t.Parallel()
	s := registered(t)
	file := s.WriteFile("onboarding.yaml", strings.Replace(onboarding, "first_name: Jan,", `first_name: "=HYPERLINK(\"x\")",`, 1))
	s.Run("apply", "-f", file, "--agree-terms", "--jq", `.application.users[] | [.first_name, .phone] | @tsv`).Expect(t, cmd.ExitOK,
		"=HYPERLINK(\"x\")\t+31612345678\nSanne\t+31623456789\n", applyEH4Warning)
}

// Large inputs show a progress bar on stderr, on a terminal only.
func TestApplyFileProgress(t *testing.T) {
	t.Parallel()
	var csv strings.Builder
	csv.WriteString("first_name,last_name,email,phone,employed\n")
	for i := range 1000 {
		fmt.Fprintf(&csv, "User,Number %d,user%d@example.nl,06 1%07d,true\n", i, i, i)
	}
	for _, tty := range []bool{false, true} {
		t.Run(fmt.Sprintf("terminal %v", tty), func(t *testing.T) {
			t.Parallel()
			s := registered(t)
			s.WriteFile("users.csv", csv.String())
			file := s.WriteFile("onboarding.yaml", "organization: \"69599084\"\nlevel: EH2+\nusers_file: users.csv\npermissions: {providers: [RVO]}\nvalidity: 1y\n")
			r := s.RunWith(clitest.Options{TTY: tty}, "apply", "-f", file, "--agree-terms", "--jq", ".application.users | length")
			if r.Code != cmd.ExitOK || r.Stdout != "1000\n" {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
			}
			if tty {
				if !strings.Contains(r.Stderr, "Adding users") || !strings.Contains(r.Stderr, "\x1b[2K") {
					t.Errorf("no progress bar on a terminal: %q", r.Stderr)
				}
			} else if r.Stderr != "" {
				t.Errorf("stderr without a terminal: %q", r.Stderr)
			}
		})
	}
}

// apply -f works the same against a server: the users travel as one
// streamed import over HTTP.
func TestApplyFileRemote(t *testing.T) {
	t.Parallel()
	s := registered(t)
	s.UseServer()

	file := s.WriteFile("onboarding.yaml", onboarding)
	s.Run("plan", "-f", file, "--jq", ".new").Expect(t, 2, "2\n",
		"Changes to apply: 2 to add, 0 already present (of 2 users); apply them with: reconi apply -f "+file+" --agree-terms\n")
	s.Run("apply", "-f", file, "--agree-terms", "--jq", "[.application.id, .application.state, (.application.users | length)]").
		Expect(t, cmd.ExitOK, `[1,"submitted",2]`+"\n", applyEH4Warning)
	s.Run("apply", "-f", file, "--agree-terms", "-o", "json", "--jq", "[.application.id, (.application.users | length)]").Expect(t, cmd.ExitOK, "[1,2]\n",
		"Nothing to do: 0 to add, 2 already present (of 2 users)\n")
	s.Run("plan", "-f", file, "--jq", ".present").Expect(t, 0, "2\n", "No changes: 0 to add, 2 already present (of 2 users)\n")
	s.Run("users", "export", "--org", clitest.KVK).Expect(t, cmd.ExitOK, ""+
		"first_name,last_name,email,phone,date_of_birth,employed\n"+
		"Jan,Jansen,jan@example.nl,'+31612345678,,true\n"+
		"Sanne,de Vries,sanne@example.nl,'+31623456789,,false\n", "")
}

// An --idempotency-key reused with another manifest is refused before
// anything is written (exit 5); with the same manifest it answers with the
// application it submitted. Embedded and over HTTP alike.
func TestApplyFileIdempotencyKeyReused(t *testing.T) {
	t.Parallel()
	for _, remote := range []bool{false, true} {
		t.Run(fmt.Sprintf("remote=%v", remote), func(t *testing.T) {
			t.Parallel()
			s := registered(t)
			if remote {
				s.UseServer()
			}
			file := s.WriteFile("onboarding.yaml", onboarding)
			s.Run("apply", "-f", file, "--agree-terms", "--idempotency-key", "run-1", "--jq", ".application.id").
				Expect(t, cmd.ExitOK, "1\n", applyEH4Warning)
			// The same manifest and key: the same application.
			s.Run("apply", "-f", file, "--agree-terms", "--idempotency-key", "run-1", "--jq", "[.application.id, .applications]").
				Expect(t, cmd.ExitOK, "[1,[1]]\n", "Already applied with this idempotency key: application 1\n")

			// Another manifest with the key: refused, nothing written.
			more := s.WriteFile("more.yaml", strings.Replace(onboarding, "users:\n", "users:\n  - {first_name: Piet, last_name: Puk, email: piet@example.nl, phone: \"06 87654321\", employed: true}\n", 1))
			s.Run("apply", "-f", more, "--agree-terms", "--idempotency-key", "run-1", "-o", "json").Expect(t, cmd.ExitConflict, "",
				`{"error":{"kind":"conflict","message":"idempotency key \"run-1\" was used for another request (application 1, from another manifest); nothing was applied: use a new key for a new request"}}`+"\n")
			s.Run("status", "--all", "--jq", ".[] | [.id, .state, .users_total] | @tsv").Expect(t, cmd.ExitOK, "1\tsubmitted\t2\n", "")

			// A new key applies it.
			s.Run("apply", "-f", more, "--agree-terms", "--idempotency-key", "run-2", "--jq", "[.application.id, (.application.users | map(.email))]").
				Expect(t, cmd.ExitOK, `[2,["piet@example.nl"]]`+"\n", applyEH4Warning)
		})
	}
}

// A draft submitted with a key another application of the organisation was
// submitted with is refused: the key names one request.
func TestApplyDraftIdempotencyKeyReused(t *testing.T) {
	t.Parallel()
	s := registered(t)
	s.MustRun("apply", "-f", s.WriteFile("onboarding.yaml", onboarding), "--agree-terms", "--idempotency-key", "run-1", "-o", "json")
	s.Select("--level", "EH3")
	s.MustRun("users", "add", "--first-name", "Piet", "--last-name", "Puk", "--email", "piet@example.nl",
		"--phone", "0687654321", "--employed=true")
	s.MustRun("permissions", "set", "--all-services", "--validity", "1y", "-o", "json")
	s.Run("apply", "--agree-terms", "--idempotency-key", "run-1", "-o", "json").Expect(t, cmd.ExitConflict, "",
		`{"error":{"kind":"conflict","message":"idempotency key \"run-1\" was used for another request (application 1): nothing was submitted; use a new key for a new request"}}`+"\n")
	s.Run("status", "--state", "draft", "--jq", ".[].id").Expect(t, cmd.ExitOK, "2\n", "")
}
