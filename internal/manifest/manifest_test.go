package manifest_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reconi/reconi/internal/manifest"
	"github.com/reconi/reconi/internal/reconi"
)

var now = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// write puts files in a fresh folder and returns the folder.
func write(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadExample(t *testing.T) {
	m, err := manifest.Load(filepath.Join("..", "..", "docs", "examples", "onboarding.yaml"), now)
	if err != nil {
		t.Fatal(err)
	}
	if m.Organization != "69599084" || m.Level != reconi.EH3 || m.Branch != "" || m.UsersFile != "users.csv" {
		t.Errorf("manifest = %+v", m)
	}
	if len(m.Users) != 11 {
		t.Fatalf("%d users, want 11 (1 inline and the 10 of users.csv)", len(m.Users))
	}
	// Inline users come first, then the file's, parsed as the backend
	// stores them.
	first, second := m.Users[0], m.Users[1]
	if first.Email != "femke.vandijk@example.nl" || first.Phone != "+31621436587" || first.DateOfBirth != "1994-03-08" || !first.Employed {
		t.Errorf("first user = %+v", first)
	}
	if !strings.HasSuffix(first.Source, "onboarding.yaml:15") {
		t.Errorf("first user's source = %q", first.Source)
	}
	if second.Email != "jan.jansen@example.nl" || second.Phone != "+31612345678" || !strings.HasSuffix(second.Source, "users.csv:2") {
		t.Errorf("second user = %+v", second)
	}
	in := m.Permissions
	if !in.Direct || !in.AllServices || in.ValidityYears != 3 {
		t.Errorf("permissions = %+v", in)
	}
	if m.MaxPriceCents == nil || *m.MaxPriceCents != 250000 || m.NotifyEmail != "hr@example.nl" {
		t.Errorf("max price %v, notify %q", m.MaxPriceCents, m.NotifyEmail)
	}
	if s := m.Scope(); s.Scope != reconi.ScopeAllServices || s.Count() != 1 {
		t.Errorf("scope = %+v", s)
	}
}

const good = `organization: "69599084"
level: EH2+
users:
  - first_name: Jan
    last_name: Jansen
    email: jan@example.nl
    phone: "06 12345678"
    employed: true
permissions:
  providers: [RVO, Kadaster]
validity: 1y
`

func TestParseForms(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		check func(t *testing.T, m *manifest.Manifest)
	}{
		{"good", good, func(t *testing.T, m *manifest.Manifest) {
			if m.Level != reconi.EH2Plus || !slices.Equal(m.Permissions.Providers, []string{"RVO", "Kadaster"}) || m.Permissions.ValidityYears != 1 {
				t.Errorf("manifest = %+v", m)
			}
			if s := m.Scope(); s.Scope != reconi.ScopeProviders || s.Count() != 2 {
				t.Errorf("scope = %+v", s)
			}
		}},
		{"numbers unquoted, Dutch booleans, SAML level, euros with comma", `organization: 69599084
level: loa3
branch: 0000 3717 8598
users:
  - {first_name: Jan, last_name: "  van  der Berg ", email: jan@EXAMPLE.nl, phone: +31612345678, employed: ja, date_of_birth: 12-04-1985}
permissions: {direct: nee}
validity: 5
max_price: "249,95"
`, func(t *testing.T, m *manifest.Manifest) {
			u := m.Users[0]
			if m.Organization != "69599084" || m.Level != reconi.EH3 || m.Branch != "000037178598" {
				t.Errorf("manifest = %+v", m)
			}
			if u.LastName != "van der Berg" || u.Email != "jan@example.nl" || u.Phone != "+31612345678" || !u.Employed || u.DateOfBirth != "1985-04-12" {
				t.Errorf("user = %+v", u)
			}
			if m.Permissions.Direct || m.Permissions.ValidityYears != 5 || *m.MaxPriceCents != 24995 {
				t.Errorf("permissions %+v, max %d", m.Permissions, *m.MaxPriceCents)
			}
			if s := m.Scope(); s.Scope != reconi.ScopeNone || s.Count() != 0 {
				t.Errorf("scope = %+v", s)
			}
		}},
		{"services", strings.Replace(good, "providers: [RVO, Kadaster]", "services: [\"urn:etoegang:DV:00000001000000000005:services:1\"]", 1),
			func(t *testing.T, m *manifest.Manifest) {
				if s := m.Scope(); s.Scope != reconi.ScopeServices || len(s.Services) != 1 || s.Services[0] != "urn:etoegang:DV:00000001000000000005:services:1" {
					t.Errorf("scope = %+v", s)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := manifest.Parse("m.yaml", []byte(tt.yaml), now)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, m)
		})
	}
}

// Every problem is reported at once, in file order, each naming the file,
// the line, the field path and what is allowed.
func TestParseProblems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string
		all  bool // keep the "missing" problems
	}{
		{"empty", "", []string{"m.yaml: the file is empty: want organization, level, branch, users, users_file, permissions, validity, max_price, notify_email"}, true},
		{"not YAML", "organization: [\n", []string{"m.yaml:1: not valid YAML: did not find expected node content"}, true},
		{"a list", "- a\n", []string{"m.yaml:1: want a mapping of organization, level, branch, users, users_file, permissions, validity, max_price, notify_email, not a list"}, true},
		{"duplicate key", "level: EH3\nlevel: EH2\n", []string{`m.yaml:2: level: given twice: also on line 1`}, false},
		{"nothing but an unknown field", "organisation: 69599084\n", []string{
			"m.yaml:1: organisation: unknown field: want one of organization, level, branch, users, users_file, permissions, validity, max_price, notify_email",
			"m.yaml:1: organization: missing: want the organisation's KvK number, like 69599084",
			"m.yaml:1: level: missing: want EH2, EH2+ or EH3",
			"m.yaml:1: users: missing: give users (a list), users_file (a CSV file) or both",
			"m.yaml:1: permissions: missing: want a mapping with all_services: true, providers, services or direct: false",
			"m.yaml:1: validity: missing: want 1y, 3y or 5y",
		}, true},
		{"bad values", `organization: "6959908"
level: EH4
branch: "123"
users:
  - first_name: ""
    last_name: Jansen
    emial: jan@example.nl
    phone: 020 1234567
    employed: misschien
    date_of_birth: 2030-01-01
  - first_name: Sanne
    last_name: [de, Vries]
    email: sanne@example
    phone: "06 23456789"
    employed: false
permissions:
  all_services: true
  services: [urn:x]
validity: 2y
max_price: lots
notify_email: hr
`, []string{
			`m.yaml:1: organization: "6959908" is not a KvK number: want exactly 8 digits, like 69599084`,
			`m.yaml:2: level: EH4 cannot be requested here: the legal representative and the authorization manager must appear in person; want EH2, EH2+ or EH3`,
			`m.yaml:3: branch: "123" is not a branch number (vestigingsnummer): want exactly 12 digits, like 000037178598`,
			`m.yaml:5: users[0].first_name: is empty: a name is required`,
			`m.yaml:5: users[0].email: is empty: want an address like jan@example.nl`,
			`m.yaml:7: users[0].emial: unknown field: want one of first_name, last_name, email, phone, date_of_birth, employed`,
			`m.yaml:8: users[0].phone: "020 1234567" is not a mobile number: the SMS code goes there, want a mobile number like 06 12345678`,
			`m.yaml:9: users[0].employed: "misschien" is not a yes/no value: want true/false, yes/no, ja/nee or 1/0`,
			`m.yaml:10: users[0].date_of_birth: "2030-01-01" is in the future`,
			`m.yaml:12: users[1].last_name: want a single value, not a list`,
			`m.yaml:13: users[1].email: "sanne@example" has no valid domain: want an address like jan@example.nl`,
			`m.yaml:17: permissions: choose one of all_services, providers or services, not all_services and services together`,
			`m.yaml:18: permissions.services[0]: "urn:x" is not a ServiceID: want urn:etoegang:DV:<OIN, 20 digits>:services:<index ≥ 1>`,
			`m.yaml:19: validity: "2y" is not offered: want 1y, 3y or 5y (permissions are valid for at most 5 years)`,
			`m.yaml:20: max_price: "lots" is not an amount in euros: want a number like 250 or 249.95`,
			`m.yaml:21: notify_email: "hr" is not an email address: want an address like jan@example.nl`,
		}, false},
		{"level unknown, EH1", "organization: \"69599084\"\nlevel: EH5\n", []string{
			`m.yaml:2: level: "EH5" is not an assurance level: want EH2, EH2+ or EH3`,
		}, false},
		{"retired EH1", "level: EH1\n", []string{
			`m.yaml:1: level: EH1 was retired on 1 July 2021; choose EH2, EH2+ or EH3`,
		}, false},
		{"permissions", "permissions:\n  direct: false\n  providers: []\n", []string{
			`m.yaml:2: permissions: direct: false adds no permissions, so providers cannot be given with it`,
			`m.yaml:3: permissions.providers: is empty: name at least one`,
		}, false},
		{"nothing chosen", "permissions: {}\n", []string{
			`m.yaml:1: permissions: choose what the users may use: all_services: true, providers (a list of names) or services (a list of ServiceIDs); or direct: false for nothing yet`,
		}, false},
		{"all_services false", "permissions: {all_services: false}\n", []string{
			`m.yaml:1: permissions.all_services: false chooses nothing: leave it out and give providers or services, or direct: false`,
		}, false},
		{"users not a list", "users: jan\n", []string{
			`m.yaml:1: users: want a list of users (first_name, last_name, email, phone, date_of_birth, employed), not the value "jan"`,
		}, false},
		{"no users", "users: []\n", []string{`m.yaml:1: users: no users: the manifest adds nobody`}, false},
		{"duplicate email", `users:
  - {first_name: Jan, last_name: Jansen, email: jan@example.nl, phone: "0612345678", employed: true}
  - {first_name: Jan, last_name: Jansen, email: JAN@example.nl, phone: "0612345678", employed: true}
`, []string{`m.yaml:3: users[1].email: duplicate email JAN@example.nl: also at m.yaml:2`}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := manifest.Parse("m.yaml", []byte(tt.yaml), now)
			var me *manifest.Error
			if !errors.As(err, &me) {
				t.Fatalf("error %v (%T), want a *manifest.Error", err, err)
			}
			var got []string
			for _, p := range me.Problems {
				got = append(got, p.String())
			}
			// Most cases leave out required fields to stay short; only
			// the first few are about that.
			if !tt.all {
				got = slices.DeleteFunc(got, func(s string) bool { return strings.Contains(s, ": missing: ") })
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
			// The error is an invalid input wherever it goes.
			if reconi.ErrorKind(err) != reconi.KindInvalid {
				t.Errorf("kind %q, want invalid", reconi.ErrorKind(err))
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	_, err := manifest.Parse("m.yaml", []byte("organization: x\n"), now)
	msg := err.Error()
	if !strings.HasPrefix(msg, "m.yaml is not valid (5 problems):\n  m.yaml:1: organization: \"x\" is not a KvK number") {
		t.Errorf("message:\n%s", msg)
	}
	e := &manifest.Error{File: "m.yaml"}
	for i := range 105 {
		e.Problems = append(e.Problems, manifest.Problem{File: "m.yaml", Line: i + 1, Path: "users", Message: "bad"})
	}
	if !strings.HasSuffix(e.Error(), "m.yaml:100: users: bad\n  ... and 5 more") {
		t.Errorf("a long list is not cut at 100:\n%s", e.Error()[len(e.Error())-80:])
	}
}

// users_file is read as users import reads it, relative to the manifest;
// its problems name the CSV file and line, and an email may not be both
// inline and in the file.
func TestUsersFile(t *testing.T) {
	dir := write(t, map[string]string{
		"m.yaml": strings.Replace(good, "validity: 1y\n", "validity: 1y\nusers_file: people.csv\n", 1),
		// Semicolons and Dutch headers, as Dutch Excel saves them.
		"people.csv": "Voornaam;Achternaam;E-mailadres;Mobiel;In dienst\n" +
			"Sanne;de Vries;sanne@example.nl;06 23456789;nee\n" +
			"Piet;;piet@example.nl;0612;ja\n" +
			"Jan;Jansen;jan@example.nl;06 12345678;ja\n" +
			"Kees;Berg;kees@example.nl;06 11223344;ja;extra\n",
	})
	_, err := manifest.Load(filepath.Join(dir, "m.yaml"), now)
	var me *manifest.Error
	if !errors.As(err, &me) {
		t.Fatalf("error %v, want a *manifest.Error", err)
	}
	csv := filepath.Join(dir, "people.csv")
	want := []string{
		csv + ":3: last_name: is empty: a name is required",
		csv + `:3: phone: "0612" is not a valid phone number: want a mobile number like 06 12345678 or +31 6 12345678`,
		csv + ":4: email: duplicate email jan@example.nl: also at " + filepath.Join(dir, "m.yaml") + ":4",
		csv + ":5: row: has values in columns the header does not name: does a value contain a semicolon without quotes around it?",
	}
	var got []string
	for _, p := range me.Problems {
		got = append(got, p.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}

	// A file that is fine adds its users after the inline ones.
	if err := os.WriteFile(csv, []byte("first_name,last_name,email,phone,employed\nSanne,de Vries,sanne@example.nl,'+31623456789,false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := manifest.Load(filepath.Join(dir, "m.yaml"), now)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Users) != 2 || m.Users[1].Email != "sanne@example.nl" || m.Users[1].Phone != "+31623456789" || m.Users[1].Employed {
		t.Errorf("users = %+v", m.Users)
	}

	// A header the importer cannot read, and a missing file.
	if err := os.WriteFile(csv, []byte("naam,telefoon\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = manifest.Load(filepath.Join(dir, "m.yaml"), now)
	if !errors.As(err, &me) || len(me.Problems) != 1 || !strings.HasPrefix(me.Problems[0].String(), csv+":1: missing required columns first_name") {
		t.Errorf("bad header: %v", err)
	}
	if err := os.Remove(csv); err != nil {
		t.Fatal(err)
	}
	_, err = manifest.Load(filepath.Join(dir, "m.yaml"), now)
	if !errors.As(err, &me) || len(me.Problems) != 1 || !strings.Contains(me.Problems[0].String(), "m.yaml:12: users_file: open "+csv+": no such file") {
		t.Errorf("missing file: %v", err)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := manifest.Load(filepath.Join(t.TempDir(), "nope.yaml"), now)
	if reconi.ErrorKind(err) != reconi.KindInvalid || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("error %v", err)
	}
}

// docs/manifest.schema.json and the parser agree on the fields, so an
// editor's completion never offers a field reconi refuses, nor misses one.
func TestSchemaInStep(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "manifest.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	type object struct {
		Properties           map[string]json.RawMessage `json:"properties"`
		Required             []string                   `json:"required"`
		AdditionalProperties *bool                      `json:"additionalProperties"`
	}
	var schema struct {
		object
		Defs map[string]object `json:"$defs"`
	}
	if err := json.Unmarshal(data, &schema); err != nil {
		t.Fatalf("the schema is not valid JSON: %v", err)
	}
	check := func(name string, o object, fields, required []string) {
		var keys []string
		for k := range o.Properties {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		fields = slices.Sorted(slices.Values(fields))
		if !slices.Equal(keys, fields) {
			t.Errorf("%s: the schema has %v, the parser %v", name, keys, fields)
		}
		if o.AdditionalProperties == nil || *o.AdditionalProperties {
			t.Errorf("%s: the schema allows other fields; the parser refuses them", name)
		}
		if !slices.Equal(slices.Sorted(slices.Values(o.Required)), slices.Sorted(slices.Values(required))) {
			t.Errorf("%s: the schema requires %v, the parser %v", name, o.Required, required)
		}
	}
	check("manifest", schema.object, manifest.Fields(), []string{"organization", "level", "permissions", "validity"})
	check("user", schema.Defs["user"], manifest.UserFields(), []string{"first_name", "last_name", "email", "phone", "employed"})
	check("permissions", schema.Defs["permissions"], manifest.PermissionFields(), nil)
}

// The README's example is docs/examples/onboarding.yaml, comments aside.
func TestREADMEExample(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "## Declarative onboarding for pipelines")
	if !ok {
		t.Fatal("the README has no section on declarative onboarding")
	}
	_, block, ok := strings.Cut(section, "```yaml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("the section has no YAML example")
	}
	example := filepath.Join("..", "..", "docs", "examples", "onboarding.yaml")
	fromREADME, err := manifest.Parse(example, []byte(block), now)
	if err != nil {
		t.Fatalf("the README's example is not valid: %v", err)
	}
	want, err := manifest.Load(example, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []*manifest.Manifest{fromREADME, want} {
		for i := range m.Users {
			m.Users[i].Source = "" // the lines differ by the comments
		}
	}
	if !reflect.DeepEqual(fromREADME, want) {
		t.Errorf("the README's example differs from %s:\n%+v\n%+v", example, fromREADME, want)
	}
}
