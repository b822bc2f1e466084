package docs_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// repo is the repository's root; go test runs in test/docs.
const repo = "../.."

// maxTextFile is the size no documentation text file may exceed. The
// largest today are a few tens of kilobytes; docs/benchmarks.md once grew
// to 49 MB through an edit that repeated one block 29,000 times.
const maxTextFile = 1 << 20

// TestDocsTextFilesSmall fails when a text file under docs/, or README.md,
// is larger than 1 MiB. It checks the files git tracks (binary ones, such
// as the screenshots, are left out), or every file under docs/ when the
// tree is not a git checkout.
func TestDocsTextFilesSmall(t *testing.T) {
	names := docFiles(t)
	if len(names) == 0 {
		t.Fatal("no documentation file found")
	}
	checked := 0
	for _, name := range names {
		path := filepath.Join(repo, filepath.FromSlash(name))
		info, err := os.Stat(path)
		if os.IsNotExist(err) {
			continue // tracked but deleted in the work tree
		}
		if err != nil {
			t.Fatal(err)
		}
		if !info.Mode().IsRegular() || !isText(t, path) {
			continue
		}
		checked++
		if info.Size() > maxTextFile {
			t.Errorf("%s is %s, more than %s: a documentation file should be read, not scrolled (an edit that repeated a block?)",
				name, mib(info.Size()), mib(maxTextFile))
		}
	}
	t.Logf("%d text files checked", checked)
}

// docFiles lists README.md and the files under docs/, slash-separated and
// relative to the root: git's tracked files when git can list them.
func docFiles(t *testing.T) []string {
	t.Helper()
	cmd := exec.Command("git", "ls-files", "-z", "--", "README.md", "docs")
	cmd.Dir = repo
	if out, err := cmd.Output(); err == nil && len(out) > 0 {
		var names []string
		for n := range strings.SplitSeq(strings.TrimRight(string(out), "\x00"), "\x00") {
			names = append(names, n)
		}
		return names
	}
	t.Log("git cannot list the tracked files: checking every file under docs/")
	names := []string{"README.md"}
	err := filepath.WalkDir(filepath.Join(repo, "docs"), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(repo, p)
		names = append(names, filepath.ToSlash(rel))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// isText says whether the file is text as git decides it: no NUL byte in
// its first 8,000 bytes.
func isText(t *testing.T, path string) bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 8000)
	n, _ := f.Read(buf)
	return !bytes.Contains(buf[:n], []byte{0})
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
