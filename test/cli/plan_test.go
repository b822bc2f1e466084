package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/plan"
	"github.com/reconi/reconi/test/cli/clitest"
)

// Jan is employed, Sanne is not: at EH3 with all services for a year that
// is €45 × 2 (the permission included) + €10 = €100, €121.00 with VAT.
const planManifest = `organization: "69599084"
level: EH3
users:
  - {first_name: Jan, last_name: Jansen, email: jan@example.nl, phone: "06 12345678", employed: true}
  - {first_name: Sanne, last_name: de Vries, email: sanne@example.nl, phone: "06 23456789", employed: false}
permissions: {all_services: true}
validity: 1y
`

func newSandbox(t *testing.T, yaml string) (*clitest.Sandbox, string) {
	t.Helper()
	s := clitest.New(t)
	s.Register()
	return s, s.WriteFile("onboarding.yaml", yaml)
}

// The exit codes are those of terraform plan -detailed-exitcode: 2 while
// there is something to apply, 0 once it is applied, 1 for any error.
func TestPlanExitCodes(t *testing.T) {
	t.Parallel()
	s, file := newSandbox(t, planManifest)

	s.Run("plan", "-f", file).Expect(t, plan.ExitChanges, ""+
		"Manifest:\t"+file+"\n"+
		"Organisation:\tTest EMZ Dagobert (69599084)\n"+
		"Level:\tEH3\n"+
		"Branch:\tnone (all establishments)\n"+
		"Permissions:\tall services of all providers\n"+
		"Validity:\t1 year\n"+
		"Users:\t2 to add, 0 already present (of 2 users)\n"+
		"\n"+
		"new\tjan@example.nl\tJan Jansen\t\n"+
		"new\tsanne@example.nl\tSanne de Vries\t\n"+
		"\n"+
		"eHerkenning means EH3, 1 year\t2\t€45.00\t€90.00\n"+
		"Permission EH3, 1 year, included with the means (1 per user)\t2\t€0.00\t€0.00\n"+
		"Identification (remote) of users not employed\t1\t€10.00\t€10.00\n"+
		"Subtotal (excluding VAT)\t\t\t€100.00\n"+
		"VAT 21%\t\t\t€21.00\n"+
		"Total\t\t\t€121.00\n",
		"Changes to apply: 2 to add, 0 already present (of 2 users); apply them with: reconi apply -f "+file+" --agree-terms\n")
	// plan wrote nothing.
	s.Run("status", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")

	s.MustRun("apply", "-f", file, "--agree-terms")
	r := s.Run("plan", "-f", file, "--jq", `[.changes, .new, .present, (.users[] | [.action, .application_id, .state])]`)
	r.Expect(t, plan.ExitNoChanges, `[false,0,2,["present",1,"invited"],["present",1,"invited"]]`+"\n",
		"No changes: 0 to add, 2 already present (of 2 users)\n")

	// One more user in the file is a change again.
	more := s.WriteFile("onboarding.yaml", planManifest+`users_file: more.csv
`)
	s.WriteFile("more.csv", "first_name,last_name,email,phone,employed\nPiet,Puk,piet@example.nl,06 87654321,nee\n")
	s.Run("plan", "-f", more, "--jq", `[.users[] | .action]`).Expect(t, plan.ExitChanges, `["present","present","new"]`+"\n",
		"Changes to apply: 1 to add, 2 already present (of 3 users); apply them with: reconi apply -f "+more+" --agree-terms\n")
}

// Every error exits 1, usage mistakes included: 2 means changes.
func TestPlanErrorsExit1(t *testing.T) {
	t.Parallel()
	s, file := newSandbox(t, planManifest)
	bad := s.WriteFile("bad.yaml", strings.Replace(planManifest, "level: EH3", "level: EH5\ncolour: blue", 1))
	unknownOrg := s.WriteFile("org.yaml", strings.Replace(planManifest, "69599084", "12345678", 1))
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"invalid manifest", []string{"plan", "-f", bad}, "" +
			"error: " + bad + " is not valid (2 problems):\n" +
			"  " + bad + `:2: level: "EH5" is not an assurance level: want EH2, EH2+ or EH3` + "\n" +
			"  " + bad + ":3: colour: unknown field: want one of organization, level, branch, users, users_file, permissions, validity, max_price, notify_email\n"},
		{"no such file", []string{"plan", "-f", s.Dir + "/nope.yaml"},
			"error: file: open " + s.Dir + "/nope.yaml: no such file or directory\n"},
		{"unknown organisation", []string{"plan", "-f", unknownOrg},
			"error: organisation 12345678 is not in the register (an operator adds it with: reconi org register --kvk 12345678 --name NAME)\n"},
		{"no -f", []string{"plan"},
			"error: -f/--file is required: the onboarding manifest (YAML) to plan, or - for standard input\nRun 'reconi plan --help' for usage.\n"},
		{"unknown flag", []string{"plan", "-f", file, "--colour"},
			"error: unknown flag: --colour\nRun 'reconi plan --help' for usage.\n"},
		{"an argument", []string{"plan", "-f", file, "extra"},
			"error: reconi plan takes no arguments (got \"extra\")\nRun 'reconi plan --help' for usage.\n"},
		{"bad output", []string{"plan", "-f", file, "-o", "xml"},
			"error: invalid value \"xml\" for -o/--output: want one of table, json, yaml, csv\nRun 'reconi plan --help' for usage.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.Run(tt.args...).Expect(t, plan.ExitFailure, "", tt.stderr)
		})
	}
}

func TestPlanConflicts(t *testing.T) {
	t.Parallel()
	s, file := newSandbox(t, planManifest)
	s.MustRun("apply", "-f", file, "--agree-terms")
	// Jan has a new phone; Sanne is wanted at EH2 while in progress at EH3.
	changed := s.WriteFile("changed.yaml", strings.NewReplacer("06 12345678", "06 11223344", "level: EH3", "level: EH2").Replace(planManifest))
	r := s.Run("plan", "-f", changed, "-o", "json")
	if r.Code != plan.ExitFailure {
		t.Fatalf("exit %d, stderr %s", r.Code, r.Stderr)
	}
	// -o json: the error is JSON too, a row for each conflict.
	want := `{"error":{"kind":"invalid","message":"2 users of ` + changed + ` conflict with what organisation 69599084 already has; nothing was applied","rows":[` +
		`{"field":"jan@example.nl","message":"application 1 (EH3, invited) has phone +31612345678 where the manifest says +31611223344"},` +
		`{"field":"jan@example.nl","message":"application 1 (EH3, invited) is in progress at another level than the manifest's EH2: wait for it to end, or cancel it with reconi cancel 1 --email jan@example.nl"},` +
		`{"field":"sanne@example.nl","message":"application 1 (EH3, invited) is in progress at another level than the manifest's EH2: wait for it to end, or cancel it with reconi cancel 1 --email sanne@example.nl"}]}}` + "\n"
	if r.Stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", r.Stderr, want)
	}
	// The plan is still printed, so a pipeline can show it.
	var p struct {
		Conflicting int `json:"conflicting"`
		Users       []struct {
			Action    string   `json:"action"`
			Conflicts []string `json:"conflicts"`
		} `json:"users"`
	}
	if err := json.Unmarshal([]byte(r.Stdout), &p); err != nil {
		t.Fatal(err)
	}
	if p.Conflicting != 2 || p.Users[0].Action != "conflicting" || len(p.Users[0].Conflicts) != 2 {
		t.Errorf("plan = %+v", p)
	}

	// A quote above max_price is an error too.
	pricey := s.WriteFile("pricey.yaml", strings.NewReplacer("level: EH3", "level: EH2+", "jan@", "jan2@", "sanne@", "sanne2@").Replace(planManifest)+"max_price: 50\n")
	r = s.Run("plan", "-f", pricey, "--jq", ".quote.total_cents")
	r.Expect(t, plan.ExitFailure, "6050\n", `{"error":{"kind":"invalid","message":"max_price: the quote for 2 new users is €60.50 (VAT included), above the maximum of €50.00 in `+pricey+`; nothing was applied"}}`+"\n")
}

// The JSON field names are part of the interface.
func TestPlanJSON(t *testing.T) {
	t.Parallel()
	s, file := newSandbox(t, strings.Replace(planManifest, "validity: 1y", "validity: 1y\nmax_price: 250,00\nnotify_email: hr@example.nl", 1))
	r := s.Run("plan", "-f", file, "-o", "json")
	if r.Code != plan.ExitChanges {
		t.Fatalf("exit %d: %s", r.Code, r.Stderr)
	}
	var p map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &p); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"file", "organization", "level", "branch", "permissions", "validity_years", "max_price_cents",
		"notify_email", "users", "new", "present", "conflicting", "quote", "changes"} {
		if _, ok := p[k]; !ok {
			t.Errorf("the plan in JSON has no %q", k)
		}
	}
	if p["max_price_cents"] != 25000.0 || p["notify_email"] != "hr@example.nl" || p["changes"] != true {
		t.Errorf("plan = %v", p)
	}
	u := p["users"].([]any)[1].(map[string]any)
	for k, want := range map[string]any{"action": "new", "email": "sanne@example.nl", "first_name": "Sanne", "last_name": "de Vries",
		"phone": "+31623456789", "employed": false, "source": file + ":5"} {
		if u[k] != want {
			t.Errorf("user %q = %v, want %v", k, u[k], want)
		}
	}
}

// A terminal gets the same plan as aligned tables.
func TestPlanTerminal(t *testing.T) {
	t.Parallel()
	s, file := newSandbox(t, planManifest)
	s.MustRun("users", "list", "--org", clitest.KVK) // nothing yet
	r := s.RunWith(clitest.Options{TTY: true}, "plan", "-f", file)
	r.Expect(t, plan.ExitChanges, ""+
		"Manifest:     "+file+"\n"+
		"Organisation: Test EMZ Dagobert (69599084)\n"+
		"Level:        EH3\n"+
		"Branch:       none (all establishments)\n"+
		"Permissions:  all services of all providers\n"+
		"Validity:     1 year\n"+
		"Users:        2 to add, 0 already present (of 2 users)\n"+
		"\n"+
		"ACTION  EMAIL             NAME            DETAIL\n"+
		"new     jan@example.nl    Jan Jansen\n"+
		"new     sanne@example.nl  Sanne de Vries\n"+
		"\n"+
		"ITEM                                                          QUANTITY  UNIT    AMOUNT\n"+
		"eHerkenning means EH3, 1 year                                 2         €45.00  €90.00\n"+
		"Permission EH3, 1 year, included with the means (1 per user)  2         €0.00   €0.00\n"+
		"Identification (remote) of users not employed                 1         €10.00  €10.00\n"+
		"Subtotal (excluding VAT)                                                        €100.00\n"+
		"VAT 21%                                                                         €21.00\n"+
		"Total                                                                           €121.00\n",
		"Changes to apply: 2 to add, 0 already present (of 2 users); apply them with: reconi apply -f "+file+" --agree-terms\n")
}

// - reads the manifest from standard input; a users_file is then relative
// to the working directory.
func TestPlanStdin(t *testing.T) {
	t.Parallel()
	s, _ := newSandbox(t, planManifest)
	s.RunWith(clitest.Options{Stdin: planManifest}, "plan", "-f", "-", "--jq", ".file, .new").Expect(t, plan.ExitChanges, "<stdin>\n2\n",
		"Changes to apply: 2 to add, 0 already present (of 2 users); apply them with: reconi apply -f <stdin> --agree-terms\n")
}
