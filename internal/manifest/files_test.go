package manifest_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reconi/reconi/internal/manifest"
)

const peopleCSV = "first_name,last_name,email,phone,employed\nSanne,de Vries,sanne@example.nl,06 23456789,nee\n"

// withUsersFile is the good manifest reading its users from name.
func withUsersFile(name string) string {
	return strings.Replace(good, "validity: 1y\n", "validity: 1y\nusers_file: "+name+"\n", 1)
}

// problems loads the manifest at path and returns its problems as text.
func problems(t *testing.T, path string, opts manifest.Options) []string {
	t.Helper()
	_, err := manifest.LoadWith(path, opts)
	if err == nil {
		return nil
	}
	var me *manifest.Error
	if !errors.As(err, &me) {
		t.Fatalf("error %v, want a *manifest.Error", err)
	}
	var out []string
	for _, p := range me.Problems {
		out = append(out, p.String())
	}
	return out
}

// A manifest reads users_file only inside its own folder: an absolute
// path, .. and a symbolic link out of the folder are refused, unless the
// caller allows files outside (--allow-outside-files).
func TestUsersFileStaysInTheManifestsFolder(t *testing.T) {
	outside := write(t, map[string]string{"people.csv": peopleCSV})
	dir := write(t, map[string]string{"in.csv": peopleCSV})
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "sub", "below.csv"), []byte(peopleCSV), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(outside, "people.csv"), filepath.Join(dir, "link.csv")); err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(dir, filepath.Join(outside, "people.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		ok   bool
	}{
		{"in.csv", true},
		{"sub/below.csv", true},
		{"sub/../in.csv", true},
		{filepath.Join(outside, "people.csv"), false},
		{rel, false},
		{"../" + filepath.Base(outside) + "/people.csv", false},
		{"link.csv", false},
	} {
		m := filepath.Join(dir, "m.yaml")
		if err := os.WriteFile(m, []byte(withUsersFile(tt.name)), 0o600); err != nil {
			t.Fatal(err)
		}
		got := problems(t, m, manifest.Options{Now: now})
		if tt.ok {
			if got != nil {
				t.Errorf("users_file %s: %v", tt.name, got)
			}
		} else {
			want := m + `:12: users_file: "` + tt.name + `" is outside the manifest's folder: want a file in ` + dir + " or below it (--allow-outside-files reads others)"
			if len(got) != 1 || got[0] != want {
				t.Errorf("users_file %s: %q\nwant %q", tt.name, got, want)
			}
		}
		if got := problems(t, m, manifest.Options{Now: now, AllowOutsideFiles: true}); got != nil {
			t.Errorf("users_file %s, outside files allowed: %v", tt.name, got)
		}
	}
}

// A users_file that is not a CSV file of users is reported without its
// contents: its first line could be a secret.
func TestUsersFileThatIsNotCSVIsNotQuoted(t *testing.T) {
	dir := write(t, map[string]string{
		"m.yaml":     withUsersFile("secret.txt"),
		"secret.txt": "root:$6$s3cr3tHash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n",
		"b.yaml":     withUsersFile("key.bin"),
		"key.bin":    "\x00\x01\x02s3cr3t-key-material\x00",
	})
	for m, want := range map[string]string{
		"m.yaml": "secret.txt:1: missing required columns first_name",
		"b.yaml": "key.bin: is not a CSV file: it holds binary data",
	} {
		got := problems(t, filepath.Join(dir, m), manifest.Options{Now: now})
		if len(got) != 1 || !strings.Contains(got[0], want) || strings.Contains(got[0], "s3cr3t") {
			t.Errorf("%s: %q, want one problem with %q and no contents", m, got, want)
		}
	}
}
