package cli_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

// newDraft returns a sandbox with the example organisation and a draft at
// EH3, the current draft.
func usersNewDraft(t *testing.T) *clitest.Sandbox {
	t.Helper()
	s := clitest.New(t)
	s.Register()
	if id := s.Select("--level", "EH3"); id != 1 {
		t.Fatalf("first draft has ID %d, want 1", id)
	}
	return s
}

var jan = []string{"users", "add", "--first-name", "Jan", "--last-name", "Jansen", "--email", "jan@example.nl", "--phone", "06 12345678"}

func TestUsersAdd(t *testing.T) {
	t.Parallel()
	t.Run("no terminal", func(t *testing.T) {
		t.Parallel()
		s := usersNewDraft(t)
		s.Run(append(jan, "--employed=false")...).Expect(t, cmd.ExitOK,
			"1\tjan@example.nl\tJan Jansen\t+31612345678\tno\tdraft\n", "")
	})
	t.Run("terminal", func(t *testing.T) {
		t.Parallel()
		s := usersNewDraft(t)
		s.RunWith(clitest.Options{TTY: true}, append(jan, "--employed")...).Expect(t, cmd.ExitOK, ""+
			"ID  EMAIL           NAME        PHONE         EMPLOYED  STATE\n"+
			"1   jan@example.nl  Jan Jansen  +31612345678  yes       draft\n",
			"✓ Added jan@example.nl to draft 1\n")
	})
	t.Run("json", func(t *testing.T) {
		t.Parallel()
		s := usersNewDraft(t)
		s.Run(append(jan, "--employed=true", "--date-of-birth", "1985-04-12", "-o", "json")...).Expect(t, cmd.ExitOK, `{
  "id": 1,
  "application_id": 1,
  "email": "jan@example.nl",
  "first_name": "Jan",
  "last_name": "Jansen",
  "phone": "+31612345678",
  "date_of_birth": "1985-04-12",
  "employed": true,
  "state": "draft",
  "updated_at": "2000-01-01T00:00:00Z"
}
`, "")
	})
	t.Run("twice", func(t *testing.T) {
		t.Parallel()
		s := usersNewDraft(t)
		s.MustRun(append(jan, "--employed=true")...)
		s.Run(append(jan, "--employed=false")...).Expect(t, cmd.ExitConflict, "",
			"error: jan@example.nl is already a user of draft 1\n")
	})
	t.Run("landline", func(t *testing.T) {
		t.Parallel()
		s := usersNewDraft(t)
		s.Run("users", "add", "--first-name", "Jan", "--last-name", "Jansen", "--email", "jan@example.nl",
			"--phone", "020 1234567", "--employed=true").Expect(t, cmd.ExitInvalid, "", ""+
			"error: the user was not added\n"+
			"  phone: \"020 1234567\" is not a mobile number: the SMS code goes there, want a mobile number like 06 12345678\n")
		s.Run("users", "list", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
	})
	t.Run("employed missing", func(t *testing.T) {
		t.Parallel()
		s := usersNewDraft(t)
		s.Run(jan...).Expect(t, cmd.ExitUsage, "", ""+
			"error: missing --employed: every user needs a name, email, mobile number and whether they are employed\n"+
			"Run 'reconi users add --help' for usage.\n")
	})
	t.Run("employed not a boolean", func(t *testing.T) {
		t.Parallel()
		s := usersNewDraft(t)
		s.Run(append(jan, "--employed=maybe")...).Expect(t, cmd.ExitUsage, "", ""+
			"error: invalid argument \"maybe\" for \"--employed\" flag: want true/false, yes/no, ja/nee or 1/0\n"+
			"Run 'reconi users add --help' for usage.\n")
	})
	t.Run("no draft", func(t *testing.T) {
		t.Parallel()
		s := clitest.New(t)
		s.Run(append(jan, "--employed=true")...).Expect(t, cmd.ExitInvalid, "",
			"error: draft: no draft selected: start one with 'reconi org select KVK --level LEVEL', carry on with one with 'reconi drafts use ID' (reconi drafts list), or name one with --draft ID\n")
	})
}

func TestUsersImportExample(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	s.Run("users", "import", clitest.ExampleCSV(t)).Expect(t, cmd.ExitOK, "", "✓ Added 10 users to draft 1\n")

	// The example's phone numbers are stored as E.164 and its booleans in
	// every spelling it uses (true, yes, ja, false, nee, no) are read.
	s.Run("users", "list", "--jq", `.[] | [.email, .phone, .employed, .state] | join(" ")`).Expect(t, cmd.ExitOK, ""+
		"jan.jansen@example.nl +31612345678 true draft\n"+
		"sanne.devries@example.nl +31623456789 false draft\n"+
		"pieter.bakker@example.nl +31634567890 true draft\n"+
		"fatima.bouzid@example.nl +31644556677 true draft\n"+
		"kees.vanderberg@example.nl +31611223344 true draft\n"+
		"lotte.dejong@example.nl +31689012345 false draft\n"+
		"mohammed.elamrani@example.nl +31656789012 true draft\n"+
		"zoe.muller@example.nl +31658901234 false draft\n"+
		"anna.smit@example.nl +31655667788 false draft\n"+
		"daan.degraaf@example.nl +31633445566 true draft\n", "")

	// A second import of the same file adds nothing: every email is already
	// in the draft.
	r := s.Run("users", "import", clitest.ExampleCSV(t))
	if r.Code != cmd.ExitInvalid || r.Stdout != "" || !strings.HasPrefix(r.Stderr, "error: 10 of 10 rows are not valid; no user was added\n  line 2: email: ") {
		t.Errorf("second import: exit %d, stdout %q, stderr %q", r.Code, r.Stdout, r.Stderr)
	}
	s.Run("users", "list", "--jq", "length").Expect(t, cmd.ExitOK, "10\n", "")
}

const badCSV = `first_name,last_name,email,phone,date_of_birth,employed
Jan,Jansen,jan@example.nl,06 12345678,1985-04-12,true
,Bakker,pieter@example,020 1234567,1979-02-30,misschien
Sanne,de Vries,jan@example.nl,06 23456789,,nee
Kees,,kees@example.nl,+31 6 11223344,,ja
`

func TestUsersImportBadFile(t *testing.T) {
	t.Parallel()
	for _, dryRun := range []bool{false, true} {
		name := "import"
		if dryRun {
			name = "dry run"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := usersNewDraft(t)
			file := s.WriteFile("bad.csv", badCSV)
			args := []string{"users", "import", file}
			if dryRun {
				args = append(args, "--dry-run")
			}
			s.Run(args...).Expect(t, cmd.ExitInvalid, "", ""+
				"error: 3 of 4 rows are not valid; no user was added\n"+
				"  line 3: first_name: is empty: a name is required\n"+
				"  line 3: email: \"pieter@example\" has no valid domain: want an address like jan@example.nl\n"+
				"  line 3: phone: \"020 1234567\" is not a mobile number: the SMS code goes there, want a mobile number like 06 12345678\n"+
				"  line 3: date_of_birth: \"1979-02-30\" is not a date: want YYYY-MM-DD (or DD-MM-YYYY), a day that exists\n"+
				"  line 3: employed: \"misschien\" is not a yes/no value: want true/false, yes/no, ja/nee or 1/0\n"+
				"  line 4: email: duplicate email: also on line 2 of this file\n"+
				"  line 5: last_name: is empty: a name is required\n")
			// All or nothing: the good row on line 2 was not added either.
			s.Run("users", "list", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
		})
	}
}

func TestUsersImportDryRun(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	s.Run("users", "import", "--dry-run", clitest.ExampleCSV(t)).Expect(t, cmd.ExitOK, "",
		"✓ All 10 rows are valid; nothing was added (dry run)\n")
	// "added" is left out: a dry run reports the rows it would add there.
	s.Run("users", "import", "--dry-run", clitest.ExampleCSV(t), "--jq", "[.rows, .dry_run]").Expect(t, cmd.ExitOK, "[10,true]\n", "")
	s.Run("users", "list", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
}

func TestUsersImportTemplate(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	r := s.Run("users", "import", "--template")
	r.Expect(t, cmd.ExitOK, ""+
		"first_name,last_name,email,phone,date_of_birth,employed\n"+
		"Jan,Jansen,jan.jansen@example.nl,06 12345678,1985-04-12,true\n"+
		"Sanne,de Vries,sanne.devries@example.nl,06 87654321,1992-11-03,false\n", "")
	if _, err := os.Stat(s.DB); !os.IsNotExist(err) {
		t.Errorf("--template opened the database: %v", err)
	}

	// The template is a valid file: piped back in, it imports.
	s.Register()
	s.Select("--level", "EH2+")
	s.RunWith(clitest.Options{Stdin: r.Stdout}, "users", "import", "-").Expect(t, cmd.ExitOK, "", "✓ Added 2 users to draft 1\n")
}

func TestUsersImportStdin(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	// A Dutch spreadsheet export: semicolons, Dutch headers, ja/nee.
	csv := "Voornaam;Achternaam;E-mailadres;Mobiel;In dienst\r\nJan;Jansen;jan@example.nl;06-12345678;ja\r\nSanne;de Vries;sanne@example.nl;+31 6 23456789;nee\r\n"
	s.RunWith(clitest.Options{Stdin: csv}, "users", "import", "-").Expect(t, cmd.ExitOK, "", "✓ Added 2 users to draft 1\n")
	s.Run("users", "list").Expect(t, cmd.ExitOK, ""+
		"1\tjan@example.nl\tJan Jansen\t+31612345678\tyes\tdraft\n"+
		"2\tsanne@example.nl\tSanne de Vries\t+31623456789\tno\tdraft\n", "")
}

func TestUsersImportMissingFile(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	missing := s.Dir + "/nope.csv"
	s.Run("users", "import", missing).Expect(t, cmd.ExitInvalid, "",
		"error: file: open "+missing+": no such file or directory\n")
}

func TestUsersList(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	s.Run("users", "list").Expect(t, cmd.ExitOK, "",
		"! no users yet: add them with reconi users add or reconi users import FILE\n")
	s.Run("users", "list", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")

	s.MustRun(append(jan, "--employed=true", "--date-of-birth", "1985-04-12")...)
	s.MustRun("users", "add", "--first-name", "Zoë", "--last-name", "van der Berg", "--email", "zoe@example.nl",
		"--phone", "+31 6 23456789", "--employed=false")

	s.Run("users", "list").Expect(t, cmd.ExitOK, ""+
		"1\tjan@example.nl\tJan Jansen\t+31612345678\tyes\tdraft\n"+
		"2\tzoe@example.nl\tZoë van der Berg\t+31623456789\tno\tdraft\n", "")
	s.RunWith(clitest.Options{TTY: true}, "users", "list").Expect(t, cmd.ExitOK, ""+
		"ID  EMAIL           NAME              PHONE         EMPLOYED  STATE\n"+
		"1   jan@example.nl  Jan Jansen        +31612345678  yes       draft\n"+
		"2   zoe@example.nl  Zoë van der Berg  +31623456789  no        draft\n", "")
	s.Run("users", "list", "-o", "csv").Expect(t, cmd.ExitOK, ""+
		"id,application_id,email,first_name,last_name,phone,date_of_birth,employed,state,updated_at,deadline_at\n"+
		"1,1,jan@example.nl,Jan,Jansen,'+31612345678,1985-04-12,true,draft,2000-01-01T00:00:00Z,\n"+
		"2,1,zoe@example.nl,Zoë,van der Berg,'+31623456789,,false,draft,2000-01-01T00:00:00Z,\n", "")
	s.Run("users", "list", "--jq", `.[] | select(.employed == false) | .email`).Expect(t, cmd.ExitOK, "zoe@example.nl\n", "")
	s.Run("users", "list", "--jq", ".[").Expect(t, cmd.ExitUsage, "",
		"error: invalid --jq expression: unexpected EOF\nRun 'reconi users list --help' for usage.\n")

	// The JSON field names are part of the interface.
	r := s.MustRun("users", "list", "-o", "json")
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.Stdout), &list); err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("%d users, want 2", len(list))
	}
	for _, k := range []string{"id", "email", "first_name", "last_name", "phone", "employed", "state"} {
		if _, ok := list[1][k]; !ok {
			t.Errorf("a user in JSON has no %q: %v", k, list[1])
		}
	}
	if list[1]["employed"] != false || list[1]["first_name"] != "Zoë" || list[1]["id"] != 2.0 {
		t.Errorf("second user = %v", list[1])
	}
}

// users list --org lists the users of every application of an organisation,
// --draft those of one.
func TestUsersListOrgAndDraft(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	s.MustRun(append(jan, "--employed=true")...)
	second := s.Select("--level", "EH2")
	s.MustRun("users", "add", "--first-name", "Sanne", "--last-name", "de Vries", "--email", "sanne@example.nl",
		"--phone", "0623456789", "--employed=false")

	s.Run("users", "list", "--jq", ".[].email").Expect(t, cmd.ExitOK, "sanne@example.nl\n", "")
	s.Run("users", "list", "--draft", "1", "--jq", ".[].email").Expect(t, cmd.ExitOK, "jan@example.nl\n", "")
	s.Run("users", "list", "--org", clitest.KVK, "--jq", ".[] | [.application_id, .email] | @tsv").Expect(t, cmd.ExitOK,
		"1\tjan@example.nl\n2\tsanne@example.nl\n", "")
	if second != 2 {
		t.Errorf("second draft %d, want 2", second)
	}
	s.Run("users", "list", "--org", "12345678").Expect(t, cmd.ExitNotFound, "",
		"error: organisation 12345678 is not in the register (an operator adds it with: reconi org register --kvk 12345678 --name NAME)\n")
	s.Run("users", "list", "--draft", "99").Expect(t, cmd.ExitNotFound, "", "error: application 99 not found\n")
}

func TestUsersRemove(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	s.MustRun(append(jan, "--employed=true")...)
	s.MustRun("users", "add", "--first-name", "Sanne", "--last-name", "de Vries", "--email", "sanne@example.nl",
		"--phone", "0623456789", "--employed=false")

	s.Run("users", "remove", "jan@example.nl").Expect(t, cmd.ExitOK, "", "")
	s.Run("users", "list", "--jq", ".[].email").Expect(t, cmd.ExitOK, "sanne@example.nl\n", "")
	s.Run("users", "remove", "jan@example.nl").Expect(t, cmd.ExitNotFound, "",
		"error: \"jan@example.nl\" is not a user of draft 1\n")
	s.Run("users", "remove", "2").Expect(t, cmd.ExitNotFound, "",
		"error: \"2\" is not a user of draft 1: name the user by email (reconi users list)\n")
	s.RunWith(clitest.Options{TTY: true}, "users", "rm", "sanne@example.nl").Expect(t, cmd.ExitOK, "",
		"✓ Removed sanne@example.nl from draft 1\n")
	s.Run("users", "list", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")

	// Only a draft can lose users.
	s.MustRun(append(jan, "--employed=true")...)
	s.MustRun("permissions", "set", "--all-services", "--validity", "1y")
	s.MustRun("apply", "--agree-terms", "-o", "json")
	s.Run("users", "remove", "jan@example.nl").Expect(t, cmd.ExitConflict, "",
		"error: application 1 was submitted on 0000-00-00 00:00 UTC and can no longer be changed\n")
	s.Run("users", "list", "--jq", ".[] | [.email, .state] | @tsv").Expect(t, cmd.ExitOK, "jan@example.nl\tinvited\n", "")
}

// The history records who removed whom.
func TestUsersRemoveIsRecorded(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	s.MustRun(append(jan, "--employed=true")...)
	s.MustRun("users", "remove", "jan@example.nl")
	r := s.MustRun("status", "1", "--jq", `.history[] | select(.email == "jan@example.nl") | [.from, .to, .actor, .reason] | @tsv`)
	want := []string{"\tdraft\t$ACTOR\tuser added", "draft\tremoved\t$ACTOR\tuser removed from draft"}
	for i := range want {
		want[i] = strings.ReplaceAll(want[i], "$ACTOR", clitest.Actor())
	}
	if got := strings.Split(strings.TrimSuffix(r.Stdout, "\n"), "\n"); !slices.Equal(got, want) {
		t.Errorf("history of jan = %q, want %q", got, want)
	}
}

// With -o json or --jq a failing command writes its error as one JSON
// object on stderr, rows and all, and exits as it would without.
func TestUsersImportBadFileJSON(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	file := s.WriteFile("bad.csv", badCSV)
	for _, flags := range [][]string{{"-o", "json"}, {"--jq", ".added"}} {
		r := s.Run(append([]string{"users", "import", file}, flags...)...)
		if r.Code != cmd.ExitInvalid || r.Stdout != "" {
			t.Fatalf("%q: exit %d, stdout %q", flags, r.Code, r.Stdout)
		}
		var got struct {
			Error struct {
				Kind    string `json:"kind"`
				Message string `json:"message"`
				Rows    []struct {
					Line    int    `json:"line"`
					Field   string `json:"field"`
					Value   string `json:"value"`
					Message string `json:"message"`
				} `json:"rows"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(r.Stderr), &got); err != nil || strings.Count(r.Stderr, "\n") != 1 {
			t.Fatalf("%q: stderr is not one JSON object: %v\n%s", flags, err, r.Stderr)
		}
		e := got.Error
		if e.Kind != "invalid" || e.Message != "3 of 4 rows are not valid; no user was added" || len(e.Rows) != 7 {
			t.Fatalf("%q: %+v", flags, e)
		}
		if r := e.Rows[2]; r.Line != 3 || r.Field != "phone" || r.Value != "020 1234567" || !strings.Contains(r.Message, "want a mobile number") {
			t.Errorf("%q: row 2 is %+v", flags, r)
		}
	}
	// Other kinds too; usage errors stay text.
	s.Run("org", "show", "12345678", "-o", "json").Expect(t, cmd.ExitNotFound, "",
		`{"error":{"kind":"not_found","message":"organisation 12345678 is not in the register (an operator adds it with: reconi org register --kvk 12345678 --name NAME)"}}`+"\n")
	s.Run("users", "list", "-o", "json", "extra").Expect(t, cmd.ExitUsage, "",
		"error: reconi users list takes no arguments (got \"extra\")\nRun 'reconi users list --help' for usage.\n")
}

// Counts of one are said in the singular.
func TestUsersImportOneRow(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	one := s.WriteFile("one.csv", "first_name,last_name,email,phone,employed\nJan,Jansen,jan@example.nl,06 12345678,ja\n")
	s.Run("users", "import", "--dry-run", one).Expect(t, cmd.ExitOK, "", "✓ The 1 row is valid; nothing was added (dry run)\n")
	s.Run("users", "import", one).Expect(t, cmd.ExitOK, "", "✓ Added 1 user to draft 1\n")
	s.Run("users", "import", one).Expect(t, cmd.ExitInvalid, "", ""+
		"error: 1 of 1 row is not valid; no user was added\n"+
		"  line 2: email: jan@example.nl is already a user of draft 1\n")
}

// --errors-file writes the failing rows as they were, with an error column;
// fixed, that file imports.
func TestUsersImportErrorsFile(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	// A Dutch export: semicolons, a quoted cell with the delimiter in it.
	file := s.WriteFile("bad.csv", "Voornaam;Achternaam;E-mailadres;Mobiel;In dienst\n"+
		"Jan;Jansen;jan@example.nl;06 12345678;ja\n"+
		"Piet;\"de Boer; jr\";piet@example;06 23456789;nee\n"+
		"Kees;;kees@example.nl;020 1234567;ja\n")
	errorsFile := s.Dir + "/errors.csv"
	r := s.Run("users", "import", file, "--errors-file", errorsFile)
	if r.Code != cmd.ExitInvalid || !strings.Contains(r.Stderr, "! wrote 2 failing rows to "+errorsFile+": no user was added; fix them there and import them with the other rows\n") {
		t.Fatalf("exit %d\n%s", r.Code, r.Stderr)
	}
	got, err := os.ReadFile(errorsFile)
	if err != nil {
		t.Fatal(err)
	}
	want := "Voornaam;Achternaam;E-mailadres;Mobiel;In dienst;error\n" +
		"Piet;\"de Boer; jr\";piet@example;06 23456789;nee;\"email: \"\"piet@example\"\" has no valid domain: want an address like jan@example.nl\"\n" +
		"Kees;;kees@example.nl;020 1234567;ja;\"last_name: is empty: a name is required; phone: \"\"020 1234567\"\" is not a mobile number: the SMS code goes there, want a mobile number like 06 12345678\"\n"
	if string(got) != want {
		t.Errorf("errors file:\n%s\nwant:\n%s", got, want)
	}

	// Fixed, the errors file imports; its error column is ignored. (The
	// import added nothing, Jan neither: he is imported with the rest.)
	fixed := strings.NewReplacer("piet@example;", "piet@example.nl;", "Kees;;", "Kees;Bakker;", "020 1234567;", "06 34567890;").Replace(string(got)) +
		"Jan;Jansen;jan@example.nl;06 12345678;ja;\n"
	s.Run("users", "import", s.WriteFile("fixed.csv", fixed)).Expect(t, cmd.ExitOK, "",
		"! ignored columns: error\n✓ Added 3 users to draft 1\n")

	// With -o json, stderr is the error object alone; the file is written.
	os.Remove(errorsFile)
	r = s.Run("users", "import", file, "--errors-file", errorsFile, "-o", "json")
	if r.Code != cmd.ExitInvalid || !strings.HasPrefix(r.Stderr, `{"error":`) {
		t.Errorf("-o json: exit %d\n%s", r.Code, r.Stderr)
	}
	if _, err := os.Stat(errorsFile); err != nil {
		t.Error(err)
	}

	// Standard input cannot be read twice.
	s.RunWith(clitest.Options{Stdin: badCSV}, "users", "import", "-", "--errors-file", errorsFile).Expect(t, cmd.ExitUsage, "", ""+
		"error: --errors-file copies rows from the input file: it needs a file, not standard input\n"+
		"Run 'reconi users import --help' for usage.\n")
}
