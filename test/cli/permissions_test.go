package cli_test

import (
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

const (
	permissionsBranchWarning = "! restricting users to a branch is not advised: users bound to a branch number cannot log in at some providers (Belastingdienst, UWV)\n"
	permissionsEH4Warning    = "! UWV Mijn Gegevensdiensten requires EH4: an EH3 means cannot be used there\n"
	belastingSvc             = "urn:etoegang:DV:00000001000000000001:services:1"
	rvoSvc                   = "urn:etoegang:DV:00000001000000000005:services:1"
)

// newDraft returns a sandbox with a current draft at level, optionally
// branch-restricted, holding one employed and one not employed user.
func permissionsNewDraft(t *testing.T, level string, branch bool) *clitest.Sandbox {
	t.Helper()
	s := clitest.New(t)
	s.Register()
	args := []string{"--level", level}
	if branch {
		args = append(args, "--branch", clitest.Branch)
	}
	s.Select(args...)
	s.MustRun("users", "add", "--first-name", "Jan", "--last-name", "Jansen", "--email", "jan@example.nl",
		"--phone", "0612345678", "--employed=true")
	s.MustRun("users", "add", "--first-name", "Sanne", "--last-name", "de Vries", "--email", "sanne@example.nl",
		"--phone", "0623456789", "--employed=false")
	return s
}

func TestPermissionsSetPrintsTheQuote(t *testing.T) {
	t.Parallel()
	t.Run("no terminal", func(t *testing.T) {
		t.Parallel()
		s := permissionsNewDraft(t, "EH3", false)
		s.Run("permissions", "set", "--all-services", "--validity", "3y").Expect(t, cmd.ExitOK, ""+
			"eHerkenning means EH3, 3 years\t2\t€90.00\t€180.00\n"+
			"Permission EH3, 3 years, included with the means (1 per user)\t2\t€0.00\t€0.00\n"+
			"Identification (remote) of users not employed\t1\t€10.00\t€10.00\n"+
			"Subtotal (excluding VAT)\t\t\t€190.00\n"+
			"VAT 21%\t\t\t€39.90\n"+
			"Total\t\t\t€229.90\n",
			permissionsEH4Warning)
	})
	t.Run("terminal", func(t *testing.T) {
		t.Parallel()
		s := permissionsNewDraft(t, "EH2+", false)
		s.RunWith(clitest.Options{TTY: true}, "permissions", "set", "--provider", "RVO", "--validity", "1y").Expect(t, cmd.ExitOK, ""+
			"ITEM                                                           QUANTITY  UNIT    AMOUNT\n"+
			"eHerkenning means EH2+, 1 year                                 2         €20.00  €40.00\n"+
			"Permission EH2+, 1 year, included with the means (1 per user)  2         €0.00   €0.00\n"+
			"Identification (remote) of users not employed                  1         €10.00  €10.00\n"+
			"Subtotal (excluding VAT)                                                         €50.00\n"+
			"VAT 21%                                                                          €10.50\n"+
			"Total                                                                            €60.50\n", "")
	})
}

// The quote follows the level, the number of users, the validity and the
// number of permissions.
func TestPermissionsQuoteFollowsTheDraft(t *testing.T) {
	t.Parallel()
	s := permissionsNewDraft(t, "EH3", false)
	total := func(args ...string) string {
		t.Helper()
		return s.MustRun(append([]string{"permissions", "set", "--jq", "[.quote.subtotal_cents, .quote.vat_cents, .quote.total_cents, .quote.currency] | @tsv"}, args...)...).Stdout
	}
	// 2 means at €45 (the permission included) + 1 identification at €10 = €100.
	if got, want := total("--all-services", "--validity", "1y"), "10000\t2100\t12100\tEUR\n"; got != want {
		t.Errorf("EH3, 1 year, all services: %q, want %q", got, want)
	}
	// 5 years: 2 × €135 + €10 = €280.
	if got, want := total("--all-services", "--validity", "5y"), "28000\t5880\t33880\tEUR\n"; got != want {
		t.Errorf("EH3, 5 years: %q, want %q", got, want)
	}
	// Two providers are two permissions per user, both included with a
	// new means: 2 × €135 + €10 = €280.
	if got, want := total("--provider", "RVO", "--provider", "Kadaster", "--validity", "5y"), "28000\t5880\t33880\tEUR\n"; got != want {
		t.Errorf("two providers: %q, want %q", got, want)
	}
	// No permissions: only the means and the identification.
	if got, want := total("--direct=false", "--validity", "5y"), "28000\t5880\t33880\tEUR\n"; got != want {
		t.Errorf("no permissions: %q, want %q", got, want)
	}
	// A third user, employed, adds a means and no identification.
	s.MustRun("users", "add", "--first-name", "Piet", "--last-name", "Bakker", "--email", "piet@example.nl",
		"--phone", "0634567890", "--employed=true")
	if got, want := total("--direct=false", "--validity", "5y"), "41500\t8715\t50215\tEUR\n"; got != want {
		t.Errorf("three users: %q, want %q", got, want)
	}
}

func TestPermissionsSetJSON(t *testing.T) {
	t.Parallel()
	s := permissionsNewDraft(t, "EH3", false)
	// Provider names are spelt as the catalogue spells them. Total: 2 means
	// at €90 (4 permissions included) + 1 identification at €10, plus 21% VAT.
	s.Run("permissions", "set", "--provider", "RVO", "--provider", "kadaster", "--validity", "3y",
		"--jq", "{permissions, validity_years, total: .quote.total_cents}").Expect(t, cmd.ExitOK,
		`{"permissions":{"direct":true,"providers":["RVO","Kadaster"],"scope":"providers"},"total":22990,"validity_years":3}`+"\n", "")
	s.Run("permissions", "set", "--service", rvoSvc, "--validity", "1y", "--jq", ".permissions").Expect(t, cmd.ExitOK,
		`{"direct":true,"scope":"services","service_uuids":["fcff33b9-3892-5b34-95b2-3433958720bc"],"services":["`+rvoSvc+`"]}`+"\n", "")
}

func TestPermissionsSetWarnings(t *testing.T) {
	t.Parallel()
	t.Run("direct false", func(t *testing.T) {
		t.Parallel()
		s := permissionsNewDraft(t, "EH2", false)
		s.Run("permissions", "set", "--direct=false", "--validity", "1y").Expect(t, cmd.ExitOK, ""+
			"eHerkenning means EH2, 1 year\t2\t€20.00\t€40.00\n"+
			"Identification (remote) of users not employed\t1\t€10.00\t€10.00\n"+
			"Subtotal (excluding VAT)\t\t\t€50.00\n"+
			"VAT 21%\t\t\t€10.50\n"+
			"Total\t\t\t€60.50\n",
			"! no permissions are added: the users cannot log in anywhere until permissions are granted to them\n")
	})
	t.Run("all services on a branch", func(t *testing.T) {
		t.Parallel()
		s := permissionsNewDraft(t, "EH3", true)
		r := s.Run("permissions", "set", "--all-services", "--validity", "1y", "-o", "json", "--jq", ".permissions.scope")
		r.Expect(t, cmd.ExitOK, "all_services\n", permissionsBranchWarning+permissionsEH4Warning)
	})
}

func TestPermissionsSetRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		level  string
		branch bool
		args   []string
		code   int
		stderr string
	}{
		{"Belastingdienst on a branch", "EH3", true, []string{"--provider", "Belastingdienst"}, cmd.ExitInvalid,
			"error: provider: none of Belastingdienst's services an EH3 means can use accepts users bound to a branch, and this draft is restricted to branch 000037178598; start a draft without --branch to grant Belastingdienst\n"},
		{"UWV on a branch", "EH3", true, []string{"--provider", "RVO", "--provider", "UWV"}, cmd.ExitInvalid,
			"error: provider: none of UWV's services an EH3 means can use accepts users bound to a branch, and this draft is restricted to branch 000037178598; start a draft without --branch to grant UWV\n"},
		{"Belastingdienst service on a branch", "EH3", true, []string{"--service", belastingSvc}, cmd.ExitInvalid,
			"error: service: Belastingdienst Mijn Belastingdienst Zakelijk (urn:etoegang:DV:00000001000000000001:services:1) does not accept users bound to a branch, and this draft is restricted to branch 000037178598; start a draft without --branch to grant it\n"},
		{"Belastingdienst above the level", "EH2+", false, []string{"--provider", "Belastingdienst"}, cmd.ExitInvalid,
			"error: provider: none of Belastingdienst's services can be used with an EH2+ means: the lowest level they need is EH3; start a draft at EH3 to grant Belastingdienst (see reconi services list --provider 'Belastingdienst')\n"},
		{"Kadaster above the level, after RVO", "EH2+", false, []string{"--provider", "RVO", "--provider", "kadaster"}, cmd.ExitInvalid,
			"error: provider: none of Kadaster's services can be used with an EH2+ means: the lowest level they need is EH3; start a draft at EH3 to grant Kadaster (see reconi services list --provider 'Kadaster')\n"},
		{"service above the level", "EH2+", false, []string{"--service", belastingSvc}, cmd.ExitInvalid,
			"error: service: Belastingdienst Mijn Belastingdienst Zakelijk (urn:etoegang:DV:00000001000000000001:services:1) requires EH3: an EH2+ means cannot be used there\n"},
		{"unknown service", "EH3", false, []string{"--service", "urn:etoegang:DV:00000001003214345000:services:1"}, cmd.ExitInvalid,
			"error: service: urn:etoegang:DV:00000001003214345000:services:1 is not in the service catalogue (see reconi services list)\n"},
		{"unknown provider", "EH3", false, []string{"--provider", "Gemeente"}, cmd.ExitInvalid,
			"error: provider: \"Gemeente\" is not in the service catalogue: want one of Belastingdienst, Douane, Kadaster, RVO, UWV\n"},
		{"validity not offered", "EH3", false, []string{"--all-services", "--validity", "2y"}, cmd.ExitInvalid,
			"error: validity: \"2y\" is not offered: want 1y, 3y or 5y (permissions are valid for at most 5 years)\n"},
		{"no validity", "EH3", false, []string{"--all-services", "--validity", ""}, cmd.ExitUsage,
			"error: --validity is required: 1y, 3y or 5y\nRun 'reconi permissions set --help' for usage.\n"},
		{"nothing chosen", "EH3", false, nil, cmd.ExitUsage,
			"error: choose what the users may use: --all-services, --provider NAME or --service ID (or --direct=false for nothing yet)\nRun 'reconi permissions set --help' for usage.\n"},
		{"two kinds", "EH3", false, []string{"--all-services", "--service", rvoSvc}, cmd.ExitUsage,
			"error: choose one of --all-services, --provider or --service, not --all-services and --service together\nRun 'reconi permissions set --help' for usage.\n"},
		{"direct false with a provider", "EH3", false, []string{"--direct=false", "--provider", "RVO"}, cmd.ExitUsage,
			"error: --direct=false adds no permissions, so --provider cannot be given with it\nRun 'reconi permissions set --help' for usage.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := permissionsNewDraft(t, tt.level, tt.branch)
			args := append([]string{"permissions", "set", "--validity", "3y"}, tt.args...)
			s.Run(args...).Expect(t, tt.code, "", tt.stderr)
			// Nothing was set.
			s.Run("status", "1", "--jq", "[.permissions, .validity_years]").Expect(t, cmd.ExitOK, "[null,0]\n", "")
		})
	}
}

func TestPermissionsSetNeedsADraft(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.CreateDatabase()
	s.Run("permissions", "set", "--all-services", "--validity", "3y").Expect(t, cmd.ExitInvalid, "",
		"error: draft: no draft selected: start one with 'reconi org select KVK --level LEVEL', carry on with one with 'reconi drafts use ID' (reconi drafts list), or name one with --draft ID\n")
	s.Run("permissions", "set", "--all-services", "--validity", "3y", "--draft", "3").Expect(t, cmd.ExitNotFound, "",
		"error: application 3 not found\n")
}
