package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/test/cli/clitest"
)

// A profile's server applies beside --db: tokens and serve say where it
// comes from and how to leave it out, and --server ” does.
func TestServerSetBesideDB(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	s.CreateDatabase()
	if err := os.MkdirAll(filepath.Dir(s.ConfigFile()), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(s.ConfigFile(), []byte("profiles:\n  default:\n    server: http://127.0.0.1:1\n    token: rci_x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"tokens", "list"}, {"serve", "--addr", "127.0.0.1:0"}} {
		r := s.Run(args...)
		if r.Code != cmd.ExitUsage || !strings.Contains(r.Stderr, "the server http://127.0.0.1:1 is configured (by --server, RECONI_SERVER or profile \"default\" of ") ||
			!strings.Contains(r.Stderr, "add --server '' to use the database (--db or RECONI_DB) instead") {
			t.Errorf("%v: exit %d\n%s", args, r.Code, r.Stderr)
		}
	}
	s.Run("--server", "", "tokens", "list").Expect(t, cmd.ExitOK, "", "")
}
