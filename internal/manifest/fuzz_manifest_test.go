package manifest_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/reconi/reconi/internal/manifest"
	"github.com/reconi/reconi/internal/reconi"
)

// safeUsersFile is a users_file the fuzzer may name: a plain file name in
// the fixture's folder. Anything else (/dev/zero, a FIFO, ../../etc) is not
// the parser's business under fuzzing: the manifest is the operator's own
// file, and reading what it names is what users_file is for.
var safeUsersFile = regexp.MustCompile(`^[A-Za-z0-9_-][A-Za-z0-9_.-]*$`)

// namesUnsafeFile reports whether data has a top-level users_file the
// fuzzer should not open.
func namesUnsafeFile(data []byte) bool {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return false
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "users_file" {
			continue
		}
		v := root.Content[i+1]
		if v.Kind == yaml.AliasNode && v.Alias != nil {
			v = v.Alias
		}
		if v.Kind == yaml.ScalarNode && !safeUsersFile.MatchString(strings.TrimSpace(v.Value)) && v.Tag != "!!null" {
			return true
		}
	}
	return false
}

// FuzzParse: any manifest either parses into values the backend accepts,
// or fails with a *manifest.Error of kind invalid whose every problem says
// what is wrong; it never panics.
func FuzzParse(f *testing.F) {
	dir := f.TempDir()
	csv, err := os.ReadFile(filepath.Join("..", "..", "docs", "examples", "users.csv"))
	if err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "users.csv"), csv, 0o600); err != nil {
		f.Fatal(err)
	}
	example, err := os.ReadFile(filepath.Join("..", "..", "docs", "examples", "onboarding.yaml"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	f.Add([]byte("organization: '69599084'\nlevel: EH2+\nusers: [{first_name: A, last_name: B, email: a@example.nl, phone: '+31612345678', employed: no}]\npermissions: {direct: false}\nvalidity: 1y\n"))
	f.Add([]byte("organization: &k 69599084\nlevel: *k\nusers: *k\npermissions: [1]\nvalidity: 9y\nmax_price: -1\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Add([]byte("users_file: users.csv\nusers_file: users.csv\n"))
	f.Add([]byte("---\n...\n---\n"))
	f.Add([]byte("\xef\xbb\xbforganization: \"\\u0000\"\n"))

	file := filepath.Join(dir, "onboarding.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if namesUnsafeFile(data) {
			t.Skip("names a file outside the fixture")
		}
		m, err := manifest.Parse(file, data, now)
		if err != nil {
			var me *manifest.Error
			if !errors.As(err, &me) || len(me.Problems) == 0 {
				t.Fatalf("error %T %v: want a *manifest.Error with problems", err, err)
			}
			if reconi.ErrorKind(err) != reconi.KindInvalid {
				t.Fatalf("error kind %s, want invalid", reconi.ErrorKind(err))
			}
			for _, p := range me.Problems {
				if p.Message == "" || p.Line < 0 || p.File == "" {
					t.Fatalf("problem without a message, file or line: %+v", p)
				}
			}
			return
		}
		// Accepted: every value is what the backend would accept.
		if k, err := reconi.ParseKVK(string(m.Organization)); err != nil || k != m.Organization {
			t.Fatalf("organization %q accepted", m.Organization)
		}
		if !slices.Contains(reconi.WizardLevels, m.Level) {
			t.Fatalf("level %q accepted", m.Level)
		}
		if !slices.Contains(reconi.ValidityYears, m.Permissions.ValidityYears) {
			t.Fatalf("validity %d accepted", m.Permissions.ValidityYears)
		}
		if len(m.Users) == 0 {
			t.Fatal("a manifest without users accepted")
		}
		seen := map[string]bool{}
		for _, u := range m.Users {
			if e, err := reconi.ParseEmail(u.Email); err != nil || e != u.Email {
				t.Fatalf("user %+v: email accepted", u)
			}
			if p, err := reconi.ParseMobile(u.Phone); err != nil || p != u.Phone {
				t.Fatalf("user %+v: phone accepted", u)
			}
			if _, err := reconi.ParseName("first_name", u.FirstName); err != nil {
				t.Fatalf("user %+v: first name accepted", u)
			}
			if _, err := reconi.ParseName("last_name", u.LastName); err != nil {
				t.Fatalf("user %+v: last name accepted", u)
			}
			if key := strings.ToLower(u.Email); seen[key] {
				t.Fatalf("email %s accepted twice", u.Email)
			} else {
				seen[key] = true
			}
		}
		if m.MaxPriceCents != nil && *m.MaxPriceCents < 0 {
			t.Fatalf("max_price %d accepted", *m.MaxPriceCents)
		}
	})
}
