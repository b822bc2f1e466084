package cli_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/reconi/reconi/cmd/gendocs"
	"github.com/reconi/reconi/test/cli/clitest"
)

// TestDocsUpToDate regenerates the man pages, the markdown reference and the
// completion scripts and fails unless the committed ones under docs/ and
// completions/ are the same, byte for byte, with no file left over (as the
// Go repository's own TestDocsUpToDate does for `go help`).
func TestDocsUpToDate(t *testing.T) {
	t.Parallel()
	const repo = "../.." // go test runs in test/cli
	gen := t.TempDir()
	clitest.New(t).MustRun("gen-docs", "--dir", gen)

	var problems []string
	manual := false // a stray file gen-docs will not remove
	for _, d := range []string{gendocs.ManDir, gendocs.MarkdownDir, gendocs.CompletionsDir} {
		want := files(t, filepath.Join(gen, filepath.FromSlash(d)))
		have := files(t, filepath.Join(repo, filepath.FromSlash(d)))
		for _, name := range union(want, have) {
			rel := d + "/" + name
			w, inWant := want[name]
			h, inHave := have[name]
			switch {
			case !inHave:
				problems = append(problems, rel+": missing")
			case !inWant && gendocs.Owned(rel):
				problems = append(problems, rel+": stale, no command generates it any more")
			case !inWant:
				problems = append(problems, rel+": not a generated file; delete it (rm "+rel+")")
				manual = true
			case !bytes.Equal(w, h):
				problems = append(problems, rel+": out of date, "+firstDiff(h, w))
			}
		}
	}
	if len(problems) == 0 {
		return
	}
	msg := "the generated documentation and completions are not up to date:\n\t" + strings.Join(problems, "\n\t") +
		"\nRegenerate them from the repository root with:\n\n\t" + gendocs.FixCommand + "\n"
	if manual {
		msg += "and delete the files marked \"not a generated file\" by hand.\n"
	}
	t.Error(msg)
}

// files reads the regular files under dir, by slash-separated relative path;
// a missing dir has none.
func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		b, err := os.ReadFile(p)
		m[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return m
}

func union(a, b map[string][]byte) []string {
	var names []string
	for n := range a {
		names = append(names, n)
	}
	for n := range b {
		if _, ok := a[n]; !ok {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// firstDiff names the first line where the committed file (have) and the
// generated one (want) differ.
func firstDiff(have, want []byte) string {
	h, w := strings.Split(string(have), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(h) || i < len(w); i++ {
		var hl, wl string
		if i < len(h) {
			hl = h[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if hl != wl || i >= len(h) || i >= len(w) {
			return fmt.Sprintf("line %d is %q, want %q", i+1, hl, wl)
		}
	}
	return "they differ"
}
