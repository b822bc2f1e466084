package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd"
	"github.com/reconi/reconi/cmd/cmdutil"
	"github.com/reconi/reconi/cmd/gendocs"
	"github.com/reconi/reconi/internal/output"
	"github.com/reconi/reconi/test/cli/clitest"
)

func TestGenDocsWritesFiles(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	dir := t.TempDir()
	r := s.MustRun("gen-docs", "--dir", dir)
	if r.Stdout != "" {
		t.Errorf("gen-docs printed on stdout: %q", r.Stdout)
	}

	for _, name := range []string{
		"completions/reconi.bash", "completions/reconi.zsh", "completions/reconi.fish", "completions/reconi.ps1",
		"docs/man/reconi.1", "docs/man/reconi-version.1", "docs/man/reconi-org-select.1",
		"docs/man/reconi-completion.1", "docs/man/reconi-completion-bash.1",
		"docs/cli/reconi.md", "docs/cli/reconi_version.md", "docs/cli/reconi_org_select.md",
		"docs/cli/reconi_completion.md", "docs/cli/reconi_completion_zsh.md",
	} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was not written: %v", name, err)
		}
	}
	// Hidden commands and help stay out of the documentation.
	for _, name := range []string{
		"docs/man/reconi-gen-docs.1", "docs/cli/reconi_gen-docs.md",
		"docs/man/reconi-help.1", "docs/cli/reconi_help.md",
		"docs/man/reconi-__complete.1", "docs/cli/reconi___complete.md",
	} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s was written", name)
		}
	}

	man := read(t, filepath.Join(dir, "docs/man/reconi-version.1"))
	if want := `.TH "RECONI-VERSION" "1" "Nov 2026" "reconi" "reconi manual"`; !strings.Contains(man, want) {
		t.Errorf("man page header is not %s:\n%s", want, man)
	}
	for _, name := range []string{"docs/man/reconi.1", "docs/cli/reconi.md", "docs/cli/reconi_version.md"} {
		if text := read(t, filepath.Join(dir, name)); strings.Contains(text, "Auto generated") {
			t.Errorf("%s carries cobra's auto-generated tag", name)
		}
	}
	if root := read(t, filepath.Join(dir, "docs/cli/reconi.md")); !strings.Contains(root, "-v, --version") {
		t.Errorf("docs/cli/reconi.md does not list --version:\n%s", root)
	}
	if bash := read(t, filepath.Join(dir, "completions/reconi.bash")); !strings.Contains(bash, "__start_reconi") {
		t.Errorf("completions/reconi.bash is not reconi's bash completion")
	}
}

// A second run writes nothing; a page of a removed command goes, files
// gen-docs does not own stay.
func TestGenDocsSync(t *testing.T) {
	t.Parallel()
	s := clitest.New(t)
	dir := t.TempDir()
	s.MustRun("gen-docs", "--dir", dir)
	stale := filepath.Join(dir, "docs/man/reconi-removed.1")
	staleMD := filepath.Join(dir, "docs/cli/reconi_removed.md")
	mine := filepath.Join(dir, "docs/man/README")
	for _, p := range []string{stale, staleMD, mine} {
		if err := os.WriteFile(p, []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	r := s.MustRun("gen-docs", "--dir", dir)
	if !strings.Contains(r.Stderr, ": 0 written, 2 removed,") {
		t.Errorf("second run: stderr %q, want 0 written, 2 removed", r.Stderr)
	}
	for _, p := range []string{stale, staleMD} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("stale %s was kept", p)
		}
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("gen-docs removed a file it does not own: %v", err)
	}
}

// The output does not depend on whether the tree ran (cobra adds help,
// completion and --version when it does), nor on the environment.
func TestGenDocsGenerateDeterministic(t *testing.T) {
	t.Parallel()
	fresh := func(env map[string]string) map[string][]byte {
		ios, _, _, _ := output.Test()
		f := &cmdutil.Factory{IOStreams: ios, Getenv: func(k string) string { return env[k] }}
		files, err := gendocs.Generate(cmd.NewCmdRoot(f))
		if err != nil {
			t.Fatal(err)
		}
		return files
	}
	// cmd.Run sets cobra's process-wide command sorting, which orders the
	// SEE ALSO lists; run it first so the fresh trees are listed alike.
	dir := t.TempDir()
	s := clitest.New(t)
	s.MustRun("gen-docs", "--dir", dir)

	a := fresh(map[string]string{"HOME": "/home/a", "XDG_CONFIG_HOME": "/a/config", "XDG_DATA_HOME": "/a/data", "USER": "a"})
	b := fresh(map[string]string{"HOME": `C:\Users\b`, "RECONI_DB": "/b/reconi.db", "RECONI_PROFILE": "b", "CI": "true"})

	if len(a) != len(b) {
		t.Fatalf("%d files with one environment, %d with another", len(a), len(b))
	}
	for name, want := range a {
		if string(b[name]) != string(want) {
			t.Errorf("%s differs between environments", name)
		}
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Errorf("reconi gen-docs did not write %s: %v", name, err)
		} else if string(got) != string(want) {
			t.Errorf("%s differs between reconi gen-docs and Generate on a tree that never ran", name)
		}
	}
}

func read(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
