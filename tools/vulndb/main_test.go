package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// synthetic is an entry for a module that does not exist: enough to prove
// the layout, whatever real data is at hand.
const synthetic = `{
  "schema_version": "1.3.1",
  "id": "GO-0000-0001",
  "modified": "0001-01-01T00:00:00Z",
  "aliases": ["CVE-0000-0001"],
  "summary": "Synthetic vulnerability for the reconi vulndb pipeline",
  "affected": [{
    "package": {"name": "example.com/reconi-synthetic", "ecosystem": "Go"},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}, {"introduced": "1.3.0-0"}, {"fixed": "1.3.1"}]}],
    "ecosystem_specific": {"imports": [{"path": "example.com/reconi-synthetic", "symbols": ["Do"]}]}
  }]
}`

func TestBuild(t *testing.T) {
	src, out := t.TempDir(), filepath.Join(t.TempDir(), "db")
	if err := os.WriteFile(filepath.Join(src, "GO-0000-0001.json"), []byte(synthetic), 0o644); err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	n, err := build(src, out, when)
	if err != nil || n != 1 {
		t.Fatalf("build: %d, %v", n, err)
	}
	if b, err := os.ReadFile(filepath.Join(out, "ID", "GO-0000-0001.json")); err != nil || string(b) != synthetic {
		t.Errorf("the entry was not copied as it is: %v", err)
	}
	read := func(name string, v any) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(out, "index", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	var db struct{ Modified time.Time }
	read("db.json", &db)
	if !db.Modified.Equal(when) {
		t.Errorf("db modified %s", db.Modified)
	}
	var mods []moduleMeta
	read("modules.json", &mods)
	if len(mods) != 1 || mods[0].Path != "example.com/reconi-synthetic" || len(mods[0].Vulns) != 1 ||
		mods[0].Vulns[0].ID != "GO-0000-0001" || mods[0].Vulns[0].Fixed != "1.3.1" {
		t.Errorf("modules.json = %+v", mods)
	}
	var vulns []vulnMeta
	read("vulns.json", &vulns)
	if len(vulns) != 1 || vulns[0].Aliases[0] != "CVE-0000-0001" {
		t.Errorf("vulns.json = %+v", vulns)
	}

	// A file not named after its entry is refused, as govulncheck would.
	os.WriteFile(filepath.Join(src, "GO-0000-0002.json"), []byte(synthetic), 0o644)
	if _, err := build(src, out, when); err == nil {
		t.Error("a misnamed entry was accepted")
	}
}

func TestLatestFix(t *testing.T) {
	for _, c := range []struct {
		events []string
		want   string
	}{
		{[]string{"i0", "f1.26.9", "i1.27.0-0", "f1.27.2"}, "1.27.2"},
		{[]string{"i0", "f1.2.3", "i1.5.0"}, ""}, // introduced again, never fixed
		{[]string{"i0"}, ""},
		{[]string{"i0", "f0.0.0-20220315000000-abcdef123456"}, "0.0.0-20220315000000-abcdef123456"},
		{[]string{"i1.0.0", "f1.10.0", "f1.9.0"}, "1.10.0"},
	} {
		if got := latestFix([][]string{c.events}); got != c.want {
			t.Errorf("%v: %q, want %q", c.events, got, c.want)
		}
	}
	for _, c := range [][2]string{{"", "0.0.1"}, {"1.0.0-0", "1.0.0"}, {"1.0.0-alpha", "1.0.0-alpha.1"}, {"1.0.0-2", "1.0.0-10"},
		{"1.0.0-9", "1.0.0-a"}, {"1.9.0", "1.10.0"}, {"1.27.0-0", "1.27.2"}} {
		if !less(c[0], c[1]) || less(c[1], c[0]) {
			t.Errorf("want %s < %s", c[0], c[1])
		}
	}
}
