package cli_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

const orgBranchWarning = "! restricting users to a branch is not advised: users bound to a branch number cannot log in at some providers (Belastingdienst, UWV)\n"

func TestOrgRegister(t *testing.T) {
	t.Parallel()
	t.Run("no terminal", func(t *testing.T) {
		t.Parallel()
		s := clitest.New(t)
		s.Run("org", "register", "--kvk", "69599084", "--name", "Test EMZ Dagobert", "--branch", "000037178598").Expect(t, cmd.ExitOK, ""+
			"Organisation:\tTest EMZ Dagobert\n"+
			"KvK number:\t69599084\n"+
			"Branches:\t000037178598\n", "")
	})
	t.Run("terminal", func(t *testing.T) {
		t.Parallel()
		s := clitest.New(t)
		s.RunWith(clitest.Options{TTY: true}, "org", "register", "--kvk", "68750110", "--name", "Test BV").Expect(t, cmd.ExitOK, ""+
			"Organisation: Test BV\n"+
			"KvK number:   68750110\n"+
			"Branches:     none registered\n",
			"✓ Registered Test BV (68750110)\n")
	})
	t.Run("json", func(t *testing.T) {
		t.Parallel()
		s := clitest.New(t)
		s.Run("org", "register", "--kvk", "01234567", "--name", "Nul BV", "--branch", "000037178598", "-o", "json").Expect(t, cmd.ExitOK, `{
  "kvk": "01234567",
  "name": "Nul BV",
  "branches": [
    {
      "number": "000037178598"
    }
  ],
  "created_at": "2000-01-01T00:00:00Z"
}
`, "")
	})
	t.Run("twice", func(t *testing.T) {
		t.Parallel()
		s := clitest.New(t)
		s.Register()
		s.Run("org", "register", "--kvk", clitest.KVK, "--name", "Other").Expect(t, cmd.ExitConflict, "",
			"error: organisation 69599084 is already registered as \"Test EMZ Dagobert\"\n")
	})

	bad := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"kvk too short", []string{"--kvk", "1234567", "--name", "X"},
			"error: kvk: \"1234567\" is not a KvK number: want exactly 8 digits, like 69599084\n"},
		{"kvk letters", []string{"--kvk", "6959908A", "--name", "X"},
			"error: kvk: \"6959908A\" is not a KvK number: want exactly 8 digits, like 69599084\n"},
		{"branch too short", []string{"--kvk", "69599084", "--name", "X", "--branch", "37178598"},
			"error: branch: \"37178598\" is not a branch number (vestigingsnummer): want exactly 12 digits, like 000037178598\n"},
		{"no name", []string{"--kvk", "69599084"},
			"error: --kvk and --name are required\nRun 'reconi org register --help' for usage.\n"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := clitest.New(t)
			s.CreateDatabase()
			code := cmd.ExitInvalid
			if strings.Contains(tt.stderr, "--help") {
				code = cmd.ExitUsage
			}
			s.Run(append([]string{"org", "register"}, tt.args...)...).Expect(t, code, "", tt.stderr)
			// Nothing half-written: the register is still empty.
			s.Run("org", "list", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
		})
	}
}

func TestOrgListAndShow(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.CreateDatabase()
	s.Run("org", "list").Expect(t, cmd.ExitOK, "", "")
	s.Register()
	s.MustRun("org", "register", "--kvk", "68750110", "--name", "Test BV")

	s.Run("org", "list").Expect(t, cmd.ExitOK, "68750110\tTest BV\t0\n69599084\tTest EMZ Dagobert\t1\n", "")
	s.RunWith(clitest.Options{TTY: true}, "org", "ls").Expect(t, cmd.ExitOK, ""+
		"KVK       NAME               BRANCHES\n"+
		"68750110  Test BV            0\n"+
		"69599084  Test EMZ Dagobert  1\n", "")
	s.Run("org", "list", "--jq", ".[].kvk").Expect(t, cmd.ExitOK, "68750110\n69599084\n", "")

	s.Run("org", "show", clitest.KVK).Expect(t, cmd.ExitOK, ""+
		"Organisation:\tTest EMZ Dagobert\n"+
		"KvK number:\t69599084\n"+
		"Branches:\t000037178598\n", "")
	s.Run("org", "show", "11111111").Expect(t, cmd.ExitNotFound, "",
		"error: organisation 11111111 is not in the register (an operator adds it with: reconi org register --kvk 11111111 --name NAME)\n")
}

func TestOrgSelect(t *testing.T) {
	t.Parallel()
	t.Run("no branch, no terminal", func(t *testing.T) {
		t.Parallel()
		s := clitest.New(t)
		s.Register()
		s.Run("org", "select", clitest.KVK, "--level", "EH3").Expect(t, cmd.ExitOK, ""+
			"Organisation:\tTest EMZ Dagobert\n"+
			"KvK number:\t69599084\n"+
			"Branches:\t000037178598\n"+
			"Draft:\t1\n"+
			"Level:\tEH3 (urn:etoegang:core:assurance-class:loa3)\n"+
			"Branch:\tnone (all establishments)\n"+
			"Next:\treconi users add ... or reconi users import FILE\n", "")
	})
	t.Run("no branch, terminal", func(t *testing.T) {
		t.Parallel()
		s := clitest.New(t)
		s.Register()
		s.RunWith(clitest.Options{TTY: true}, "org", "select", clitest.KVK, "--level", "EH2+").Expect(t, cmd.ExitOK, ""+
			"Organisation: Test EMZ Dagobert\n"+
			"KvK number:   69599084\n"+
			"Branches:     000037178598\n"+
			"Draft:        1\n"+
			"Level:        EH2+ (urn:etoegang:core:assurance-class:loa2plus)\n"+
			"Branch:       none (all establishments)\n"+
			"Next:         reconi users add ... or reconi users import FILE\n",
			"✓ Started draft 1 for Test EMZ Dagobert (69599084) at EH2+\n")
	})
	t.Run("branch, no terminal", func(t *testing.T) {
		t.Parallel()
		s := clitest.New(t)
		s.Register()
		s.Run("org", "select", clitest.KVK, "--level", "EH2", "--branch", clitest.Branch).Expect(t, cmd.ExitOK, ""+
			"Organisation:\tTest EMZ Dagobert\n"+
			"KvK number:\t69599084\n"+
			"Branches:\t000037178598\n"+
			"Draft:\t1\n"+
			"Level:\tEH2 (urn:etoegang:core:assurance-class:loa2)\n"+
			"Branch:\t000037178598\n"+
			"Next:\treconi users add ... or reconi users import FILE\n",
			orgBranchWarning)
	})
	t.Run("branch, terminal", func(t *testing.T) {
		t.Parallel()
		s := clitest.New(t)
		s.Register()
		r := s.RunWith(clitest.Options{TTY: true}, "org", "select", clitest.KVK, "--level", "EH3", "--branch", clitest.Branch)
		r.Expect(t, cmd.ExitOK, ""+
			"Organisation: Test EMZ Dagobert\n"+
			"KvK number:   69599084\n"+
			"Branches:     000037178598\n"+
			"Draft:        1\n"+
			"Level:        EH3 (urn:etoegang:core:assurance-class:loa3)\n"+
			"Branch:       000037178598\n"+
			"Next:         reconi users add ... or reconi users import FILE\n",
			orgBranchWarning+"✓ Started draft 1 for Test EMZ Dagobert (69599084) at EH3\n")
	})
	t.Run("branch, json: the warning stays on stderr", func(t *testing.T) {
		t.Parallel()
		s := clitest.New(t)
		s.Register()
		s.Run("org", "select", clitest.KVK, "--level", "EH3", "--branch", clitest.Branch, "--jq", "[.id, .branch]").Expect(t, cmd.ExitOK,
			"[1,\"000037178598\"]\n", orgBranchWarning)
	})

	refused := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"EH4", []string{"--level", "EH4"}, cmd.ExitInvalid,
			"error: level: EH4 cannot be requested here: the legal representative and the authorization manager must appear in person; choose EH2, EH2+ or EH3\n"},
		{"EH1", []string{"--level", "EH1"}, cmd.ExitInvalid,
			"error: level: EH1 was retired on 1 July 2021; choose EH2, EH2+ or EH3\n"},
		{"EH5", []string{"--level", "EH5"}, cmd.ExitInvalid,
			"error: level: \"EH5\" is not an assurance level: want EH2, EH2+, EH3 or EH4\n"},
		{"branch of another organisation", []string{"--level", "EH3", "--branch", "000000000001"}, cmd.ExitInvalid,
			"error: branch: 000000000001 is not a branch of Test EMZ Dagobert (69599084); its branches: 000037178598\n"},
		{"no level", nil, cmd.ExitUsage,
			"error: --level is required: EH2, EH2+ or EH3\nRun 'reconi org select --help' for usage.\n"},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := clitest.New(t)
			s.Register()
			s.Run(append([]string{"org", "select", clitest.KVK}, tt.args...)...).Expect(t, tt.code, "", tt.stderr)
			// No draft was started, and none became current.
			s.Run("status", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
			s.Run("users", "list").Expect(t, cmd.ExitInvalid, "",
				"error: draft: no draft selected: start one with 'reconi org select KVK --level LEVEL', carry on with one with 'reconi drafts use ID' (reconi drafts list), or name one with --draft ID\n")
		})
	}
	t.Run("unknown organisation", func(t *testing.T) {
		t.Parallel()
		s := clitest.New(t)
		s.Run("org", "select", "68750110", "--level", "EH3").Expect(t, cmd.ExitNotFound, "",
			"error: organisation 68750110 is not in the register (an operator adds it with: reconi org register --kvk 68750110 --name NAME)\n")
	})
}

// The draft's JSON field names are part of the interface.
func TestOrgSelectJSON(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Register()
	r := s.Run("org", "select", clitest.KVK, "--level", "EH3", "-o", "json")
	r.Expect(t, cmd.ExitOK, `{
  "id": 1,
  "state": "draft",
  "kind": "new",
  "organization": {
    "kvk": "69599084",
    "name": "Test EMZ Dagobert"
  },
  "level": "EH3",
  "branch": "",
  "users": [],
  "users_total": 0,
  "permissions": null,
  "validity_years": 0,
  "quote": {
    "lines": [],
    "subtotal_cents": 0,
    "vat_percent": 21,
    "vat_cents": 0,
    "total_cents": 0,
    "currency": "EUR"
  },
  "terms": null,
  "created_by": "$ACTOR",
  "created_at": "2000-01-01T00:00:00Z",
  "submitted_at": null
}
`, "")
	var draft map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.Stdout), &draft); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "state", "organization", "level", "branch", "users", "permissions", "validity_years", "quote"} {
		if _, ok := draft[k]; !ok {
			t.Errorf("draft JSON has no %q", k)
		}
	}
	var quote, orgRef map[string]any
	_ = json.Unmarshal(draft["quote"], &quote)
	_ = json.Unmarshal(draft["organization"], &orgRef)
	for _, k := range []string{"total_cents", "vat_cents", "currency"} {
		if _, ok := quote[k]; !ok {
			t.Errorf("quote JSON has no %q", k)
		}
	}
	keys := make([]string, 0, len(orgRef))
	for k := range orgRef {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if !slices.Equal(keys, []string{"kvk", "name"}) {
		t.Errorf("organization JSON has keys %q, want kvk and name", keys)
	}
}

// The draft org select starts becomes the current one: the next commands
// need no ID.
func TestOrgSelectMakesTheDraftCurrent(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.Register()
	s.Select("--level", "EH3")
	s.Select("--level", "EH2")
	s.MustRun("users", "add", "--first-name", "Jan", "--last-name", "Jansen", "--email", "jan@example.nl",
		"--phone", "0612345678", "--employed=true")
	s.Run("status", "--all", "--jq", ".[] | [.id, .level, .users_total] | @tsv").Expect(t, cmd.ExitOK, "1\tEH3\t0\n2\tEH2\t1\n", "")
}
