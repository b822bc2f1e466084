package cli_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

// details lists what a round trip must keep of every user of a draft.
const details = `.[] | [.email, .first_name, .last_name, .phone, .date_of_birth // "", .employed] | @tsv`

// Export then import into a new draft gives the same users, names a
// spreadsheet would evaluate included; in the file they are made text.
func TestUsersExportRoundTrip(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	add := func(first, last, email, phone, employed string, extra ...string) {
		s.MustRun(append([]string{"users", "add", "--first-name", first, "--last-name", last, "--email", email,
			"--phone", phone, "--employed=" + employed}, extra...)...)
	}
	add("=HYPERLINK(\"http://evil\",\"x\")", "Jansen", "jan@example.nl", "06 12345678", "true", "--date-of-birth", "1985-04-12")
	add("Sanne", "@SUM(1+1)", "sanne@example.nl", "+31 6 23456789", "false")
	add("-Piet", "+Puk", "piet@example.nl", "0687654321", "true")
	add("'=quoted", "van der Berg, \"de\"", "kees@example.nl", "06 11223344", "false")

	r := s.Run("users", "export")
	r.Expect(t, cmd.ExitOK, ""+
		"first_name,last_name,email,phone,date_of_birth,employed\n"+
		"\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",Jansen,jan@example.nl,'+31612345678,1985-04-12,true\n"+
		"Sanne,'@SUM(1+1),sanne@example.nl,'+31623456789,,false\n"+
		"'-Piet,'+Puk,piet@example.nl,'+31687654321,,true\n"+
		"''=quoted,\"van der Berg, \"\"de\"\"\",kees@example.nl,'+31611223344,,false\n", "")
	before := s.MustRun("users", "list", "--jq", details).Stdout

	s.Select("--level", "EH2")
	file := s.WriteFile("export.csv", r.Stdout)
	s.Run("users", "import", file).Expect(t, cmd.ExitOK, "", "✓ Added 4 users to draft 2\n")
	s.Run("users", "list", "--jq", details).Expect(t, cmd.ExitOK, before, "")
	if !strings.Contains(before, "=HYPERLINK(\"http://evil\",\"x\")\tJansen") || !strings.Contains(before, "'=quoted") {
		t.Errorf("the users themselves changed:\n%s", before)
	}

	// Piped straight into another draft, as the help shows.
	third := s.Select("--level", "EH3")
	export := s.Run("users", "export", "--draft", "1")
	s.RunWith(clitest.Options{Stdin: export.Stdout}, "users", "import", "--draft", fmt.Sprint(third), "-").Expect(t, cmd.ExitOK, "", "✓ Added 4 users to draft 3\n")
	s.Run("users", "list", "--draft", fmt.Sprint(third), "--jq", details).Expect(t, cmd.ExitOK, before, "")
}

func TestUsersExportFormats(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	s.Run("users", "export").Expect(t, cmd.ExitOK, "first_name,last_name,email,phone,date_of_birth,employed\n", "")
	s.MustRun(append(jan, "--employed=true")...)
	second := s.Select("--level", "EH2")
	s.MustRun("users", "add", "--first-name", "Sanne", "--last-name", "de Vries", "--email", "sanne@example.nl",
		"--phone", "0623456789", "--employed=false")

	const header = "first_name,last_name,email,phone,date_of_birth,employed\n"
	// CSV on a terminal too: an export is a file.
	s.RunWith(clitest.Options{TTY: true}, "users", "export").Expect(t, cmd.ExitOK,
		header+"Sanne,de Vries,sanne@example.nl,'+31623456789,,false\n", "")
	s.Run("users", "export", "-o", "csv", "--org", clitest.KVK).Expect(t, cmd.ExitOK,
		header+"Jan,Jansen,jan@example.nl,'+31612345678,,true\nSanne,de Vries,sanne@example.nl,'+31623456789,,false\n", "")
	s.Run("users", "export", "--draft", "1", "-o", "json", "--jq", ".[] | [.id, .email, .phone] | @tsv").Expect(t, cmd.ExitOK,
		"1\tjan@example.nl\t+31612345678\n", "")
	s.Run("users", "export", "--jq", ".[].email").Expect(t, cmd.ExitOK, "sanne@example.nl\n", "")
	if second != 2 {
		t.Errorf("second draft %d", second)
	}
	s.Run("users", "export", "--org", clitest.KVK, "--draft", "1").Expect(t, cmd.ExitUsage, "",
		"error: --org and --draft cannot be used together\nRun 'reconi users export --help' for usage.\n")
	s.Run("users", "export", "--draft", "9").Expect(t, cmd.ExitNotFound, "", "error: application 9 not found\n")
}
