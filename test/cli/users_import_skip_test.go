package cli_test

import (
	"fmt"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

// --skip-existing adds the new rows and skips the people the draft has
// with the same data; the same email with other data stays a bad row.
func TestUsersImportSkipExisting(t *testing.T) {
	t.Parallel()
	for _, remote := range []bool{false, true} {
		t.Run(fmt.Sprintf("remote=%v", remote), func(t *testing.T) {
			t.Parallel()
			s := clitest.New(t)
			s.Register()
			if remote {
				s.UseServer()
			}
			s.Select("--level", "EH3")
			first := s.WriteFile("first.csv", "first_name,last_name,email,phone,employed\n"+
				"Jan,Jansen,jan@example.nl,06 12345678,ja\n"+
				"Sanne,de Vries,sanne@example.nl,06 23456789,nee\n")
			s.Run("users", "import", first).Expect(t, cmd.ExitOK, "", "✓ Added 2 users to draft 1\n")

			// The same people, written otherwise (phone, email case,
			// booleans), and one new.
			again := s.WriteFile("again.csv", "first_name,last_name,email,phone,employed\n"+
				"Jan,Jansen,JAN@example.nl,+31 6 1234 5678,yes\n"+
				"Piet,Puk,piet@example.nl,06 87654321,true\n"+
				"Sanne,de Vries,sanne@example.nl,0623456789,false\n")
			// Without the flag: refused, as before.
			s.Run("users", "import", again, "-o", "json", "--jq", ".").Expect(t, cmd.ExitInvalid, "",
				`{"error":{"kind":"invalid","message":"2 of 3 rows are not valid; no user was added","rows":[{"line":2,"field":"email","value":"JAN@example.nl","message":"jan@example.nl is already a user of draft 1"},{"line":4,"field":"email","value":"sanne@example.nl","message":"sanne@example.nl is already a user of draft 1"}]}}`+"\n")
			s.Run("users", "import", again, "--skip-existing", "--dry-run").Expect(t, cmd.ExitOK, "",
				"✓ All 3 rows are valid; nothing was added (dry run); skipped 2 rows already in the draft (lines 2, 4)\n")
			s.Run("users", "import", again, "--skip-existing").Expect(t, cmd.ExitOK, "",
				"✓ Added 1 user to draft 1; skipped 2 rows already in the draft (lines 2, 4)\n")
			s.Run("users", "list", "--jq", ".[].email").Expect(t, cmd.ExitOK, "jan@example.nl\nsanne@example.nl\npiet@example.nl\n", "")
			// A rerun adds nothing and skips all; JSON lists the lines.
			s.Run("users", "import", again, "--skip-existing", "-o", "json", "--jq", "[.rows, .added, (.skipped | map(.line)), .skipped[0].email]").
				Expect(t, cmd.ExitOK, `[3,0,[2,3,4],"JAN@example.nl"]`+"\n", "")
			s.Run("status", "1", "--jq", ".history[-1].reason").Expect(t, cmd.ExitOK, "0 users imported from CSV; 3 rows already present, skipped\n", "")

			// The same email with other data is an error naming the row
			// and the field; nothing is added.
			changed := s.WriteFile("changed.csv", "first_name,last_name,email,phone,employed\n"+
				"Kees,Klaassen,kees@example.nl,06 11223344,ja\n"+
				"Jan,Janssen,jan@example.nl,06 12345678,ja\n"+
				"Sanne,de Vries,sanne@example.nl,06 23456789,ja\n")
			s.Run("users", "import", changed, "--skip-existing").Expect(t, cmd.ExitInvalid, "", ""+
				"error: 2 of 3 rows are not valid; no user was added\n"+
				`  line 3: last_name: jan@example.nl is already a user of draft 1 with last name "Jansen": not the same person's data, so not skipped`+"\n"+
				`  line 4: employed: sanne@example.nl is already a user of draft 1 with employed "no": not the same person's data, so not skipped`+"\n")
			s.Run("users", "list", "--jq", "length").Expect(t, cmd.ExitOK, "3\n", "")
		})
	}
}
