package prices_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/internal/cmdtest"
	"github.com/reconi/reconi/cmd/prices"
)

func TestShowFlags(t *testing.T) {
	t.Parallel()
	f, _ := cmdtest.FlagFactory(t, nil)
	var got *prices.ShowOptions
	err := cmdtest.Exec(prices.NewCmdShow(f, func(_ context.Context, o *prices.ShowOptions) error {
		got = o
		return nil
	}), "-o", "yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got == nil || got.Output.Format != "yaml" {
		t.Errorf("got %+v", got)
	}

	f, _ = cmdtest.FlagFactory(t, nil)
	err = cmdtest.Exec(prices.NewCmdShow(f, func(context.Context, *prices.ShowOptions) error {
		t.Error("the run function was called")
		return nil
	}), "EH3")
	cmdtest.ErrWant{Flag: true, Contains: []string{"no arguments"}}.Check(t, err)
}

func TestLoadFlags(t *testing.T) {
	t.Parallel()
	f, _ := cmdtest.FlagFactory(t, nil)
	var got *prices.LoadOptions
	if err := cmdtest.Exec(prices.NewCmdLoad(f, func(_ context.Context, o *prices.LoadOptions) error {
		got = o
		return nil
	}), "prices.yaml"); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.File != "prices.yaml" {
		t.Errorf("got %+v", got)
	}

	f, _ = cmdtest.FlagFactory(t, nil)
	err := cmdtest.Exec(prices.NewCmdLoad(f, func(context.Context, *prices.LoadOptions) error {
		t.Error("the run function was called")
		return nil
	}))
	cmdtest.ErrWant{Flag: true, Contains: []string{"price list file"}}.Check(t, err)
}

func TestShow(t *testing.T) {
	t.Parallel()
	s := cmdtest.New(t)
	s.CreateDatabase()
	s.RunWith(cmdtest.Options{TTY: true}, "prices", "show").Expect(t, cmd.ExitOK, ""+
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
func TestLoad(t *testing.T) {
	t.Parallel()
	s := cmdtest.New(t)
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
