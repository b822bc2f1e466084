package cli_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/cobra"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/internal/reconi"
	"github.com/reconi/reconi/test/cli/clitest"
)

type codedError struct{ code int }

func (e codedError) Error() string { return "coded" }
func (e codedError) ExitCode() int { return e.code }

func TestExitCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want int
	}{
		{nil, cmd.ExitOK},
		{errors.New("disk on fire"), cmd.ExitError},
		{cmdutil.FlagErrorf("--level is required"), cmd.ExitUsage},
		{fmt.Errorf("wrapped: %w", cmdutil.FlagErrorf("x")), cmd.ExitUsage},
		{errors.New(`unknown command "x" for "reconi"`), cmd.ExitUsage},
		{cmdutil.ErrCancel, cmd.ExitCancelled},
		{context.Canceled, cmd.ExitCancelled},
		{codedError{7}, 7},
		{reconi.Invalid("kvk", "bad"), cmd.ExitInvalid},
		{fmt.Errorf("import: %w", reconi.Invalid("kvk", "bad")), cmd.ExitInvalid},
		{reconi.Errorf(reconi.KindNotFound, "x"), cmd.ExitNotFound},
		{reconi.Errorf(reconi.KindConflict, "x"), cmd.ExitConflict},
		{reconi.ErrInFlight, cmd.ExitUnavailable},
		{reconi.Errorf(reconi.KindUnauthorized, "x"), cmd.ExitUnauthorized},
		{reconi.Errorf(reconi.KindForbidden, "x"), cmd.ExitUnauthorized},
		{reconi.Errorf(reconi.KindInternal, "x"), cmd.ExitError},
	}
	for _, tt := range tests {
		if got := cmd.ExitCode(tt.err); got != tt.want {
			t.Errorf("ExitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

// TestREADME runs the onboarding of docs/examples/onboard.sh, which the
// README points a newcomer to, without a terminal.
func TestREADME(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Run("org", "register", "--kvk", "69599084", "--name", "Test EMZ Dagobert", "--branch", "000037178598").Expect(t, cmd.ExitOK, ""+
		"Organisation:\tTest EMZ Dagobert\n"+
		"KvK number:\t69599084\n"+
		"Branches:\t000037178598\n", "")
	s.Run("org", "select", "69599084", "--level", "EH3").Expect(t, cmd.ExitOK, ""+
		"Organisation:\tTest EMZ Dagobert\n"+
		"KvK number:\t69599084\n"+
		"Branches:\t000037178598\n"+
		"Draft:\t1\n"+
		"Level:\tEH3 (urn:etoegang:core:assurance-class:loa3)\n"+
		"Branch:\tnone (all establishments)\n"+
		"Next:\treconi users add ... or reconi users import FILE\n", "")
	s.Run("users", "import", clitest.ExampleCSV(t)).Expect(t, cmd.ExitOK, "", "✓ Added 10 users to draft 1\n")
	s.Run("users", "add", "--first-name", "Eva", "--last-name", "Visser", "--email", "eva.visser@example.nl",
		"--phone", "06 21234567", "--employed=true").Expect(t, cmd.ExitOK,
		"11\teva.visser@example.nl\tEva Visser\t+31621234567\tyes\tdraft\n", "")
	s.Run("permissions", "set", "--all-services", "--validity", "3y").Expect(t, cmd.ExitOK, ""+
		"eHerkenning means EH3, 3 years\t11\t€90.00\t€990.00\n"+
		"Permission EH3, 3 years, included with the means (1 per user)\t11\t€0.00\t€0.00\n"+
		"Identification (remote) of users not employed\t4\t€10.00\t€40.00\n"+
		"Subtotal (excluding VAT)\t\t\t€1,030.00\n"+
		"VAT 21%\t\t\t€216.30\n"+
		"Total\t\t\t€1,246.30\n",
		"! UWV Mijn Gegevensdiensten requires EH4: an EH3 means cannot be used there\n")
	r := s.Run("apply", "--agree-terms", "--max-price", "2000")
	if r.Code != cmd.ExitOK || r.Stderr != "" || !strings.HasPrefix(r.Stdout, "Summary of draft 1\n") ||
		!strings.Contains(r.Stdout, "\nUsers:\t11 (7 employed, 4 to be identified)\n") ||
		!strings.Contains(r.Stdout, "\nTotal\t\t\t€1,246.30\n") {
		t.Errorf("apply: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	s.Run("status").Expect(t, cmd.ExitOK,
		"1\tTest EMZ Dagobert\t69599084\tEH3\tsubmitted\t11\t11 invited\t0000-00-00 00:00\n", "")
	s.RunWith(clitest.Options{TTY: true}, "status").Expect(t, cmd.ExitOK, ""+
		"ID  ORGANISATION       KVK       LEVEL  STATE      USERS  BY STATE    SUBMITTED\n"+
		"1   Test EMZ Dagobert  69599084  EH3    submitted  11     11 invited  0000-00-00 00:00\n", "")
	s.Run("status", "1", "--email", "eva.visser@example.nl", "--jq", `.users[] | [.email, .state] | @tsv`).Expect(t, cmd.ExitOK,
		"eva.visser@example.nl\tinvited\n", "")
}

// commandPaths lists every command of the tree, as arguments.
func commandPaths(t *testing.T) [][]string {
	t.Helper()
	ios, _, _, _ := output.Test()
	root := cmd.NewCmdRoot(&cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }})
	var paths [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string(nil), path...), sub.Name()))
		}
	}
	walk(root, nil)
	if len(paths) < 20 {
		t.Fatalf("found only %d commands: %q", len(paths), paths)
	}
	return paths
}

// --help of every command works and opens nothing: no database file, no
// state.
func TestHelpNeverOpensTheDatabase(t *testing.T) {
	t.Parallel()
	ios, _, _, _ := output.Test()
	root := cmd.NewCmdRoot(&cmdutil.Factory{IOStreams: ios, Getenv: func(string) string { return "" }})
	for _, path := range commandPaths(t) {
		name := strings.Join(append([]string{"reconi"}, path...), " ")
		t.Run(name, func(t *testing.T) {
			c, _, err := root.Find(path)
			if err != nil {
				t.Fatal(err)
			}
			intro := c.Long
			if intro == "" {
				intro = c.Short
			}
			for _, args := range [][]string{append(path, "--help"), append(path, "-h"), append([]string{"help"}, path...)} {
				s := clitest.New(t)
				r := s.Run(args...)
				if r.Code != cmd.ExitOK || r.Stderr != "" {
					t.Errorf("reconi %s: exit %d, stderr %q", strings.Join(args, " "), r.Code, r.Stderr)
				}
				if !strings.HasPrefix(r.Stdout, strings.TrimSpace(intro)) || !strings.Contains(r.Stdout, "\nUsage:\n  "+name) {
					t.Errorf("reconi %s printed:\n%s", strings.Join(args, " "), r.Stdout)
				}
				for _, p := range []string{s.DB, filepath.Join(s.Getenv("XDG_DATA_HOME"), "reconi"), filepath.Join(s.Getenv("XDG_STATE_HOME"), "reconi")} {
					if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
						t.Errorf("reconi %s created %s", strings.Join(args, " "), p)
					}
				}
			}
		})
	}
}

// Shell completion never opens the database either.
func TestCompletionNeverOpensTheDatabase(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	for _, shell := range []string{"bash", "zsh", "fish", "powershell"} {
		r := s.Run("completion", shell)
		if r.Code != cmd.ExitOK || !strings.Contains(r.Stdout, "reconi") || r.Stderr != "" {
			t.Errorf("completion %s: exit %d, stderr %q", shell, r.Code, r.Stderr)
		}
	}
	s.Run("__complete", "org", "select", "69599084", "--level", "").Expect(t, cmd.ExitOK,
		"EH2\nEH2+\nEH3\n:4\n", "Completion ended with directive: ShellCompDirectiveNoFileComp\n")
	s.Run("__complete", "permissions", "set", "--validity", "").Expect(t, cmd.ExitOK,
		"1y\n3y\n5y\n:4\n", "Completion ended with directive: ShellCompDirectiveNoFileComp\n")
	s.Run("__complete", "status", "-o", "").Expect(t, cmd.ExitOK,
		"table\njson\nyaml\ncsv\n:4\n", "Completion ended with directive: ShellCompDirectiveNoFileComp\n")
	if _, err := os.Stat(s.DB); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("completion created the database: %v", err)
	}
}

func TestNoArgumentsPrintsHelp(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	r := s.Run()
	if r.Code != cmd.ExitOK || r.Stderr != "" || !strings.HasPrefix(r.Stdout, "reconi is the eHerkenning broker's add-users wizard") ||
		!strings.Contains(r.Stdout, "\nThe add-users wizard, in order:\n") {
		t.Errorf("reconi: exit %d\nstdout:\n%s\nstderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
}

// TestJQFailsOnTheData: an expression that parses but fails on what the
// command prints is a usage mistake too (exit 2), not an internal error,
// and prints nothing to stdout.
func TestJQFailsOnTheData(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Register()
	s.Run("org", "list", "--jq", ".name").Expect(t, cmd.ExitUsage, "",
		"error: --jq: expected an object but got: array ([{\"branches\":[{\"number\":\" ...])\n")
}

var janFlags = []string{"--first-name", "Jan", "--last-name", "Jansen", "--email", "jan@example.nl", "--phone", "06 12345678", "--employed=true", "--draft", "1"}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args   []string
		stderr string
	}{
		{[]string{"bogus"}, "error: unknown command \"bogus\" for \"reconi\"\nRun 'reconi --help' for usage.\n"},
		{[]string{"users", "bogus"}, "error: unknown command \"bogus\" for \"reconi users\"\nRun 'reconi users --help' for usage.\n"},
		// A misspelt subcommand is suggested at every level, not only the root's.
		{[]string{"stauts"}, "error: unknown command \"stauts\" for \"reconi\"\n\nDid you mean this?\n\tstatus\n\nRun 'reconi --help' for usage.\n"},
		{[]string{"org", "selct"}, "error: unknown command \"selct\" for \"reconi org\"; did you mean select?\nRun 'reconi org --help' for usage.\n"},
		{[]string{"outbox", "rety", "1"}, "error: unknown command \"rety\" for \"reconi outbox\"; did you mean retry?\nRun 'reconi outbox --help' for usage.\n"},
		{[]string{"status", "--bogus"}, "error: unknown flag: --bogus\nRun 'reconi status --help' for usage.\n"},
		{[]string{"--no-input=maybe", "status"}, "error: invalid argument \"maybe\" for \"--no-input\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax\nRun 'reconi status --help' for usage.\n"},
		{[]string{"org", "show"}, "error: reconi org show wants the organisation's KvK number (got 0 arguments)\nRun 'reconi org show --help' for usage.\n"},
		{[]string{"users", "list", "extra"}, "error: reconi users list takes no arguments (got \"extra\")\nRun 'reconi users list --help' for usage.\n"},
		// A bad filter is found before the users are added.
		{append(append([]string{"users", "add"}, janFlags...), "--jq", ".[] |"), "error: invalid --jq expression: unexpected EOF\nRun 'reconi users add --help' for usage.\n"},
		{[]string{"users", "list", "--jq", "nosuchfunc(1)"}, "error: invalid --jq expression: function not defined: nosuchfunc/1\nRun 'reconi users list --help' for usage.\n"},
	}
	for _, tt := range tests {
		s := clitest.New(t)
		s.Run(tt.args...).Expect(t, cmd.ExitUsage, "", tt.stderr)
		if _, err := os.Stat(s.DB); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("reconi %s created the database", strings.Join(tt.args, " "))
		}
	}
}

// -o xml is a usage error on every command that prints data, found before
// anything is opened.
func TestUnknownOutputFormat(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		path string
		args []string
	}{
		{"org list", nil},
		{"org show", []string{"69599084"}},
		{"org select", []string{"69599084", "--level", "EH3"}},
		{"org register", []string{"--kvk", "69599084", "--name", "X"}},
		{"users list", nil},
		{"users import", []string{"users.csv"}},
		{"users add", []string{"--first-name", "J", "--last-name", "J", "--email", "j@example.nl", "--phone", "0612345678", "--employed"}},
		{"services list", nil},
		{"prices show", nil},
		{"status", nil},
		{"status", []string{"1"}},
		{"permissions set", []string{"--all-services", "--validity", "3y"}},
		{"apply", []string{"--agree-terms"}},
	} {
		s := clitest.New(t)
		s.Setenv("RECONI_DRAFT", "1")
		args := append(strings.Fields(tt.path), tt.args...)
		s.Run(append(args, "-o", "xml")...).Expect(t, cmd.ExitUsage, "", ""+
			"error: invalid value \"xml\" for -o/--output: want one of table, json, yaml, csv\n"+
			"Run 'reconi "+tt.path+" --help' for usage.\n")
		if _, err := os.Stat(s.DB); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("reconi %s -o xml created the database", strings.Join(args, " "))
		}
	}
}

// --draft and RECONI_DRAFT select a draft on every command, so two
// pipelines sharing a database and a profile never step on each other.
func TestDraftSelectionKeepsPipelinesApart(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Register()
	a := strings.TrimSpace(s.MustRun("org", "select", clitest.KVK, "--level", "EH3", "-o", "json", "--jq", ".id").Stdout)
	b := strings.TrimSpace(s.MustRun("org", "select", clitest.KVK, "--level", "EH2+", "-o", "json", "--jq", ".id").Stdout)
	if a != "1" || b != "2" {
		t.Fatalf("drafts %q and %q, want 1 and 2", a, b)
	}
	pipelineA := clitest.Options{Env: map[string]string{"RECONI_DRAFT": a}}
	run := func(o clitest.Options, args ...string) {
		t.Helper()
		if r := s.RunWith(o, args...); r.Code != cmd.ExitOK {
			t.Fatalf("reconi %s: exit %d, stderr %q", strings.Join(args, " "), r.Code, r.Stderr)
		}
	}
	// Interleaved: A by environment, B by flag.
	run(pipelineA, "users", "import", clitest.ExampleCSV(t))
	run(clitest.Options{}, "users", "add", "--draft", b, "--first-name", "Eva", "--last-name", "Visser",
		"--email", "eva@example.nl", "--phone", "0621234567", "--employed=true")
	run(pipelineA, "permissions", "set", "--provider", "Belastingdienst", "--validity", "1y")
	run(clitest.Options{}, "permissions", "set", "--draft", b, "--provider", "RVO", "--validity", "5y")
	run(pipelineA, "apply", "--agree-terms")

	s.Run("status", "--all", "--jq", ".[] | [.id, .level, .state, .users_total] | @tsv").Expect(t, cmd.ExitOK,
		"1\tEH3\tsubmitted\t10\n2\tEH2+\tdraft\t1\n", "")
	s.Run("status", "2", "--jq", "[.permissions.providers[0], .validity_years] | @tsv").Expect(t, cmd.ExitOK, "RVO\t5\n", "")
	// --draft wins over RECONI_DRAFT, and the current draft is still the
	// last one org select started.
	s.RunWith(pipelineA, "users", "list", "--draft", b, "--jq", ".[].email").Expect(t, cmd.ExitOK, "eva@example.nl\n", "")
	s.Run("users", "list", "--jq", ".[].email").Expect(t, cmd.ExitOK, "eva@example.nl\n", "")
	// The README's recipe.
	s.RunWith(pipelineA, "users", "list", "--jq", ".[] | select(.employed == false) | .email").Expect(t, cmd.ExitOK, ""+
		"sanne.devries@example.nl\nlotte.dejong@example.nl\nzoe.muller@example.nl\nanna.smit@example.nl\n", "")

	s.RunWith(clitest.Options{Env: map[string]string{"RECONI_DRAFT": "abc"}}, "users", "list").Expect(t, cmd.ExitInvalid, "",
		"error: draft: \"abc\" is not an application ID: want a positive number like 42\n")
}

// Two pipelines running at the same time on one database file both finish,
// each with its own users.
func TestConcurrentPipelines(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Register()
	ids := []string{fmt.Sprint(s.Select("--level", "EH3")), fmt.Sprint(s.Select("--level", "EH2+"))}
	const users = 8
	var wg sync.WaitGroup
	failures := make(chan string, 2*users+2)
	for p, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := clitest.Options{Env: map[string]string{"RECONI_DRAFT": id}}
			for i := range users {
				r := s.RunWith(o, "users", "add", "--first-name", "User", "--last-name", fmt.Sprint(i),
					"--email", fmt.Sprintf("p%d-u%d@example.nl", p, i), "--phone", fmt.Sprintf("06123456%02d", i), "--employed=true")
				if r.Code != cmd.ExitOK {
					failures <- r.Stderr
				}
			}
			if r := s.RunWith(o, "permissions", "set", "--all-services", "--validity", "1y", "-o", "json"); r.Code != cmd.ExitOK {
				failures <- r.Stderr
			}
		}()
	}
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}
	for p, id := range ids {
		r := s.MustRun("users", "list", "--draft", id, "--jq", `[.[] | select(.email | startswith("p`+fmt.Sprint(p)+`-"))] | length`)
		if r.Stdout != fmt.Sprintf("%d\n", users) {
			t.Errorf("draft %s holds %s users of its pipeline, want %d", id, strings.TrimSpace(r.Stdout), users)
		}
	}
}

// A profile in the config file selects another database; the current draft
// is kept per profile.
func TestProfileSelectsDatabase(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Setenv("RECONI_DB", "") // the default database, under XDG_DATA_HOME
	teamDB := filepath.Join(s.Dir, "team.db")
	s.WriteFile("config/reconi/config.yaml", "profiles:\n  team:\n    db: "+teamDB+"\n")
	defaultDB := filepath.Join(s.Getenv("XDG_DATA_HOME"), "reconi", "reconi.db")

	s.Register()
	s.Select("--level", "EH3")
	if _, err := os.Stat(defaultDB); err != nil {
		t.Fatalf("the default database is not at %s: %v", defaultDB, err)
	}
	if _, err := os.Stat(teamDB); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the team database was opened without --profile team")
	}

	// Reading does not create it.
	s.Run("--profile", "team", "org", "list", "-o", "json").Expect(t, cmd.ExitNotFound, "",
		`{"error":{"kind":"not_found","message":"no database at `+teamDB+`: check --db (or RECONI_DB); reconi org register, org select, users add or import create it"}}`+"\n")
	s.MustRun("--profile", "team", "org", "register", "--kvk", "68750110", "--name", "Team BV")
	s.MustRun("--profile", "team", "org", "select", "68750110", "--level", "EH2")
	s.MustRun("--profile", "team", "users", "add", "--first-name", "Eva", "--last-name", "Visser",
		"--email", "eva@example.nl", "--phone", "0621234567", "--employed=true")
	s.MustRun("users", "add", "--first-name", "Jan", "--last-name", "Jansen",
		"--email", "jan@example.nl", "--phone", "0612345678", "--employed=true")

	s.Run("org", "list", "--jq", ".[].kvk").Expect(t, cmd.ExitOK, "69599084\n", "")
	s.Run("--profile", "team", "org", "list", "--jq", ".[].kvk").Expect(t, cmd.ExitOK, "68750110\n", "")
	s.RunWith(clitest.Options{Env: map[string]string{"RECONI_PROFILE": "team"}}, "status", "--all", "--jq", ".[] | [.organization.kvk, .level, .users_total] | @tsv").Expect(t, cmd.ExitOK,
		"68750110\tEH2\t1\n", "")
	s.Run("users", "list", "--jq", ".[].email").Expect(t, cmd.ExitOK, "jan@example.nl\n", "")
	s.Run("--profile", "team", "users", "list", "--jq", ".[].email").Expect(t, cmd.ExitOK, "eva@example.nl\n", "")

	// --db and RECONI_DB win over the profile.
	otherDB := filepath.Join(s.Dir, "other.db")
	s.Run("--profile", "team", "--db", otherDB, "org", "list", "-o", "json").Expect(t, cmd.ExitNotFound, "",
		`{"error":{"kind":"not_found","message":"no database at `+otherDB+`: check --db (or RECONI_DB); reconi org register, org select, users add or import create it"}}`+"\n")
	s.RunWith(clitest.Options{Env: map[string]string{"RECONI_DB": defaultDB}}, "--profile", "team", "org", "list", "--jq", ".[].kvk").Expect(t, cmd.ExitOK,
		"69599084\n", "")

	s.Run("--profile", "nope", "org", "list").Expect(t, cmd.ExitInvalid, "",
		"error: config: profile \"nope\" is not defined in "+s.ConfigFile()+" (under profiles:); reconi auth login --profile nope creates it\n")
}

func TestConfigFile(t *testing.T) {
	t.Parallel()
	t.Run("broken", func(t *testing.T) {
		s := clitest.New(t)
		s.WriteFile("config/reconi/config.yaml", "profiles: [\n")
		r := s.Run("org", "list")
		if r.Code != cmd.ExitInvalid || r.Stdout != "" || !strings.HasPrefix(r.Stderr, "error: config: config file "+s.ConfigFile()+": ") {
			t.Errorf("exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
		}
	})
	t.Run("--config and a top-level profile", func(t *testing.T) {
		s := clitest.New(t)
		s.Setenv("RECONI_DB", "")
		cfg := s.WriteFile("elsewhere.yaml", "profile: ci\nprofiles:\n  ci:\n    db: "+filepath.Join(s.Dir, "ci.db")+"\n")
		s.MustRun("--config", cfg, "org", "register", "--kvk", "68750110", "--name", "CI BV")
		if _, err := os.Stat(filepath.Join(s.Dir, "ci.db")); err != nil {
			t.Errorf("the profile's database was not used: %v", err)
		}
		s.RunWith(clitest.Options{Env: map[string]string{"RECONI_CONFIG": cfg}}, "org", "list", "--jq", ".[].name").Expect(t, cmd.ExitOK, "CI BV\n", "")
	})
}
