package cli_test

import (
	"encoding/json"
	"testing"

	"github.com/reconi/reconi/internal/buildinfo"
	"github.com/reconi/reconi/test/cli/clitest"
)

// The command end to end: the fields scripts rely on, and --version printing
// the very line `reconi version` prints.
func TestVersionCommand(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	want := buildinfo.Get()

	r := s.MustRun("version", "-o", "json")
	var fields map[string]string
	if err := json.Unmarshal([]byte(r.Stdout), &fields); err != nil {
		t.Fatalf("version -o json: %v\n%s", err, r.Stdout)
	}
	wantFields := map[string]string{
		"version": want.Version, "commit": want.Commit, "date": want.Date, "go": want.Go, "platform": want.Platform,
	}
	if len(fields) != len(wantFields) {
		t.Errorf("version -o json has fields %v, want exactly %v", fields, wantFields)
	}
	for k, v := range wantFields {
		if fields[k] != v || v == "" {
			t.Errorf("version -o json: %s = %q, want %q", k, fields[k], v)
		}
	}

	line := "reconi version " + want.Summary() + "\n"
	s.Run("version").Expect(t, 0, line, "")
	s.Run("--version").Expect(t, 0, line, "")
	s.Run("-v").Expect(t, 0, line, "")
}
