package cli_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

// A command that only reads never creates the database: a mistyped --db
// is "no database" and exit 4, with nothing left behind. A command that
// can put the first thing in it creates it.
func TestReadsNeverCreateTheDatabase(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	typo := filepath.Join(s.Dir, "typo", "recon.db")
	want := "error: no database at " + typo + ": check --db (or RECONI_DB); reconi org register, org select, users add or import create it\n"
	for _, args := range [][]string{
		{"status"}, {"users", "list", "--draft", "1"}, {"org", "list"}, {"org", "show", "69599084"}, {"services", "list"},
		{"outbox", "list"}, {"prices", "show"}, {"tokens", "list"}, {"review", "list"}, {"cancel", "1", "--yes"},
		{"plan", "-f", filepath.Join("..", "..", "docs", "examples", "onboarding.yaml")},
	} {
		r := s.Run(append([]string{"--db", typo}, args...)...)
		if r.Code != cmd.ExitNotFound && !(args[0] == "plan" && r.Code == 1) || r.Stderr != want {
			t.Errorf("reconi %s: exit %d, stderr %q; want exit 4, %q", strings.Join(args, " "), r.Code, r.Stderr, want)
		}
		if _, err := os.Stat(filepath.Dir(typo)); err == nil {
			t.Fatalf("reconi %s created %s", strings.Join(args, " "), filepath.Dir(typo))
		}
	}
	s.MustRun("--db", typo, "org", "register", "--kvk", "69599084", "--name", "Acme BV")
	s.Run("--db", typo, "org", "list").Expect(t, cmd.ExitOK, "69599084\tAcme BV\t0\n", "")
}

// A database reconi creates is private to its owner, and an existing one
// others may read opens with a warning on stderr.
func TestDatabaseIsPrivate(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	s := clitest.New(t)
	s.Register()
	fi, err := os.Stat(s.DB)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("new database: mode %04o, want 0600", fi.Mode().Perm())
	}
	if err := os.Chmod(s.DB, 0o644); err != nil {
		t.Fatal(err)
	}
	s.Run("org", "list").Expect(t, cmd.ExitOK, "69599084\t"+clitest.Name+"\t1\n",
		"! database "+s.DB+" can be read by other users (mode 0644): make it private with chmod go-rwx "+s.DB+"*\n")
}

// A --db that names what is not a reconi database gets one sentence, for
// reads and writes alike, and no lock file beside it.
func TestDatabaseThatIsNotOurs(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	notes := s.WriteFile("notes.txt", "my notes\n")
	folder := filepath.Join(s.Dir, "folder")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ db, want string }{
		{folder, "error: database " + folder + " is a directory, not a reconi database file\n"},
		{notes, "error: " + notes + " is not a reconi database (not an SQLite file)\n"},
	} {
		for _, args := range [][]string{{"org", "list"}, {"org", "register", "--kvk", "69599084", "--name", "Acme BV"}} {
			s.Run(append([]string{"--db", tt.db}, args...)...).Expect(t, cmd.ExitInvalid, "", tt.want)
			if _, err := os.Stat(tt.db + ".lock"); err == nil {
				t.Errorf("%s: a lock file was left beside it", tt.db)
			}
		}
	}
}
