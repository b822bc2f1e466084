package cli_test

import (
	"os"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

func TestPricesShow(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.CreateDatabase()
	s.RunWith(clitest.Options{TTY: true}, "prices", "show").Expect(t, cmd.ExitOK, ""+
		"ITEM                             LEVEL  1 YEAR  3 YEARS  5 YEARS\n"+
		"means, per user                  EH2    €20.00  €50.00   €70.00\n"+
		"means, per user                  EH2+   €20.00  €50.00   €70.00\n"+
		"means, per user                  EH3    €45.00  €90.00   €135.00\n"+
		"permission, per user             EH2    €10.00  €15.00   €20.00\n"+
		"permission, per user             EH2+   €10.00  €20.00   €25.00\n"+
		"permission, per user             EH3    €15.00  €25.00   €35.00\n"+
		"permission, per user             EH4    €10.00  €25.00   €40.00\n"+
		"renewal, per means               EH2    €18.00  €45.00   €63.00\n"+
		"renewal, per means               EH2+   €18.00  €45.00   €63.00\n"+
		"renewal, per means               EH3    €40.50  €81.00   €121.50\n"+
		"link to another organisation     EH2    €10.00\n"+
		"link to another organisation     EH2+   €10.00\n"+
		"link to another organisation     EH3    €15.00\n"+
		"permissions included, new means         5\n"+
		"permissions included, renewal           25\n"+
		"identification (remote)                 €10.00\n"+
		"in-person surcharge                     €16.65\n"+
		"VAT                                     21%\n", "")
	s.Run("prices", "show", "--jq", "[.currency, .vat_percent, .permission.EH3[\"3\"], .identification.remote_cents] | @tsv").Expect(t, cmd.ExitOK,
		"EUR\t21\t2500\t1000\n", "")
}

// A new price list is used for the next quote.
func TestPricesLoad(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	example := s.MustRun("prices", "load", "--example").Stdout
	if _, err := os.Stat(s.DB); !os.IsNotExist(err) {
		t.Errorf("prices load --example opened the database: %v", err)
	}
	if !strings.Contains(example, "vat_percent: 21") {
		t.Fatalf("the example price list has no VAT of 21%%:\n%s", example)
	}
	file := s.WriteFile("prices.yaml", strings.Replace(example, "vat_percent: 21", "vat_percent: 9", 1))
	s.Run("prices", "load", file).Expect(t, cmd.ExitOK, "", "")
	s.Run("prices", "show", "--jq", ".vat_percent").Expect(t, cmd.ExitOK, "9\n", "")

	s.Register()
	s.Select("--level", "EH3")
	s.MustRun("users", "add", "--first-name", "Jan", "--last-name", "Jansen", "--email", "jan@example.nl",
		"--phone", "0612345678", "--employed=true")
	// €45 means, the permission included with it, 9% VAT.
	s.Run("permissions", "set", "--all-services", "--validity", "1y", "--jq", "[.quote.subtotal_cents, .quote.vat_percent, .quote.vat_cents, .quote.total_cents] | @tsv").Expect(t, cmd.ExitOK,
		"4500\t9\t405\t4905\n", "! UWV Mijn Gegevensdiensten requires EH4: an EH3 means cannot be used there\n")

	// A file written before included permissions, renewal and link prices
	// existed still loads, and charges every permission as before.
	old := example[:strings.Index(example, "# Permissions per user that come with a means")]
	s.Run("prices", "load", s.WriteFile("old.yaml", old)).Expect(t, cmd.ExitOK, "", "")
	s.Run("permissions", "set", "--all-services", "--validity", "1y", "--jq", "[.quote.lines[] | .rule + \" \" + (.total_cents | tostring)] | join(\", \")").Expect(t, cmd.ExitOK,
		"means 4500, extra_permission 1500\n", "! UWV Mijn Gegevensdiensten requires EH4: an EH3 means cannot be used there\n")
	if out := s.MustRun("prices", "show").Stdout; !strings.Contains(out, "renewal, per means (as new)\tEH3\t€45.00") ||
		!strings.Contains(out, "link to another organisation\tEH3\tas a new means") || !strings.Contains(out, "permissions included, new means\t\t0") {
		t.Errorf("prices show of an old list:\n%s", out)
	}

	s.Run("prices", "load", s.Dir+"/missing.yaml").Expect(t, cmd.ExitInvalid, "",
		"error: file: open "+s.Dir+"/missing.yaml: no such file or directory\n")
}
