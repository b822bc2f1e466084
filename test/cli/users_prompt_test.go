package cli_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

// On a terminal users add asks for the details that are missing, checks
// every answer with the backend's rules and asks again until it passes.
func TestUsersAddAsks(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	r := s.RunWith(clitest.Options{TTY: true, Stdin: "" +
		"Jan\n" +
		"  \n" + "van der  Berg\n" + // empty, then a name
		"jan@example\n" + "jan@example.nl\n" +
		"020 1234567\n" + "06 12345678\n" +
		"30-02-1985\n" + "12-04-1985\n" +
		"n\n"}, "users", "add", "-o", "json", "--jq", "[.first_name, .last_name, .email, .phone, .date_of_birth, .employed]")
	if r.Code != cmd.ExitOK || r.Stdout != `["Jan","van der Berg","jan@example.nl","+31612345678","1985-04-12",false]`+"\n" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	for _, want := range []string{
		"First name",
		"last name: is empty: a name is required\n",
		`email: "jan@example" has no valid domain: want an address like jan@example.nl` + "\n",
		`phone: "020 1234567" is not a mobile number: the SMS code goes there, want a mobile number like 06 12345678` + "\n",
		`date of birth: "30-02-1985" is not a date`,
		"Is Jan employed by the organisation?",
	} {
		if !strings.Contains(r.Stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, r.Stderr)
		}
	}
}

// Only what is missing is asked, and the date of birth only when nothing
// was given.
func TestUsersAddAsksWhatIsMissing(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	r := s.RunWith(clitest.Options{TTY: true, Stdin: "0623456789\n"}, "users", "add", "--first-name", "Sanne", "--last-name", "de Vries",
		"--email", "sanne@example.nl", "--employed=false", "--jq", "[.phone, .employed, .date_of_birth]")
	if r.Code != cmd.ExitOK || r.Stdout != `["+31623456789",false,null]`+"\n" {
		t.Fatalf("exit %d, stdout %q, stderr:\n%s", r.Code, r.Stdout, r.Stderr)
	}
	if strings.Contains(r.Stderr, "First name") || strings.Contains(r.Stderr, "Date of birth") || strings.Contains(r.Stderr, "employed") {
		t.Errorf("asked for what was given:\n%s", r.Stderr)
	}
}

func TestUsersAddDoesNotAsk(t *testing.T) {
	t.Parallel()
	s := usersNewDraft(t)
	const missing = "error: missing --email, --phone, --employed: every user needs a name, email, mobile number and whether they are employed\n" +
		"Run 'reconi users add --help' for usage.\n"
	args := []string{"users", "add", "--first-name", "Jan", "--last-name", "Jansen"}
	s.RunWith(clitest.Options{Stdin: "x\n"}, args...).Expect(t, cmd.ExitUsage, "", missing)
	s.RunWith(clitest.Options{TTY: true, Stdin: "x\n"}, append(args, "--no-input")...).Expect(t, cmd.ExitUsage, "", missing)
	s.RunWith(clitest.Options{TTY: true, Stdin: "x\n", Env: map[string]string{"CI": "1"}}, args...).Expect(t, cmd.ExitUsage, "", missing)
	// The end of the input is a cancel.
	r := s.RunWith(clitest.Options{TTY: true, Stdin: "jan@example.nl\n"}, args...)
	if r.Code != cmd.ExitCancelled {
		t.Errorf("exit %d, stderr %s", r.Code, r.Stderr)
	}
	s.Run("users", "list", "-o", "json").Expect(t, cmd.ExitOK, "[]\n", "")
}

// users import of a large file shows a progress bar on stderr, on a
// terminal only.
func TestUsersImportProgress(t *testing.T) {
	t.Parallel()
	var csv strings.Builder
	csv.WriteString("first_name,last_name,email,phone,date_of_birth,employed\n")
	for i := range 1200 {
		fmt.Fprintf(&csv, "Someone,With A Longer Name %d,someone.number%d@example.nl,06 1%07d,1990-01-01,true\n", i, i, i)
	}
	if csv.Len() < 64<<10 {
		t.Fatalf("the file is %d bytes: too small for a bar", csv.Len())
	}
	for _, tty := range []bool{false, true} {
		t.Run(fmt.Sprintf("terminal %v", tty), func(t *testing.T) {
			t.Parallel()
			s := usersNewDraft(t)
			file := s.WriteFile("big.csv", csv.String())
			r := s.RunWith(clitest.Options{TTY: tty}, "users", "import", file)
			if r.Code != cmd.ExitOK {
				t.Fatalf("exit %d: %s", r.Code, r.Stderr)
			}
			const done = "✓ Added 1200 users to draft 1\n"
			if !tty {
				r.Expect(t, cmd.ExitOK, "", done)
				return
			}
			if !strings.Contains(r.Stderr, "Reading big.csv") || !strings.Contains(r.Stderr, "\x1b[2K\r") || !strings.HasSuffix(r.Stderr, "\x1b[2K\r"+done) {
				t.Errorf("no progress bar, or not cleared: %q", r.Stderr)
			}
			// Standard input has no size to measure against: no bar.
			s.Select("--level", "EH3")
			s.RunWith(clitest.Options{TTY: true, Stdin: csv.String()}, "users", "import", "-").Expect(t, cmd.ExitOK, "", "✓ Added 1200 users to draft 2\n")
		})
	}
}
