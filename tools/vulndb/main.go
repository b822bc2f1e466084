// Command vulndb builds a Go vulnerability database that govulncheck reads
// with -db file:///path, from a folder of OSV entries such as data/osv of
// the golang.org/x/vulndb module (which the Go module proxy serves). It
// writes the v1 layout of https://go.dev/security/vuln/database#api:
//
//	index/db.json       {"modified": the newest entry's time}
//	index/modules.json  every module with its vulnerabilities' IDs, times and latest fixes
//	index/vulns.json    every ID with its time and aliases
//	ID/<GO-ID>.json     each entry, byte for byte
//
// Usage:
//
//	go run ./tools/vulndb -src DIR -out DIR [-modified RFC3339]
//
// -modified stands in for entries whose modified time is zero (the
// repository's files leave it to the deployed database). build.sh beside
// this file fetches the data, builds the database and runs govulncheck.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// entry is the part of an OSV entry the indexes need.
type entry struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases"`
	Affected []struct {
		Module struct {
			Path string `json:"name"`
		} `json:"package"`
		Ranges []struct {
			Type   string `json:"type"`
			Events []struct {
				Introduced string `json:"introduced"`
				Fixed      string `json:"fixed"`
			} `json:"events"`
		} `json:"ranges"`
	} `json:"affected"`
}

type moduleVuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Fixed    string    `json:"fixed,omitempty"`
}

type moduleMeta struct {
	Path  string       `json:"path"`
	Vulns []moduleVuln `json:"vulns"`
}

type vulnMeta struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
}

func main() {
	src := flag.String("src", "", "folder of OSV entries (<ID>.json)")
	out := flag.String("out", "", "folder to write the database to")
	modified := flag.String("modified", "", "time for entries without one (RFC 3339; default now)")
	flag.Parse()
	if *src == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: vulndb -src DIR -out DIR [-modified RFC3339]")
		os.Exit(2)
	}
	fallback := time.Now().UTC().Truncate(time.Second)
	if *modified != "" {
		t, err := time.Parse(time.RFC3339, *modified)
		if err != nil {
			fmt.Fprintln(os.Stderr, "vulndb: -modified:", err)
			os.Exit(2)
		}
		fallback = t.UTC()
	}
	n, err := build(*src, *out, fallback)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vulndb:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "vulndb: %d entries written to %s\n", n, *out)
}

// build writes the database of the entries in src to out, which is
// replaced. It returns how many entries it wrote.
func build(src, out string, fallback time.Time) (int, error) {
	files, err := filepath.Glob(filepath.Join(src, "*.json"))
	if err != nil {
		return 0, err
	}
	if len(files) == 0 {
		return 0, fmt.Errorf("no OSV entries (*.json) in %s", src)
	}
	if err := os.RemoveAll(out); err != nil {
		return 0, err
	}
	for _, d := range []string{"ID", "index"} {
		if err := os.MkdirAll(filepath.Join(out, d), 0o755); err != nil {
			return 0, err
		}
	}
	var db struct {
		Modified time.Time `json:"modified"`
	}
	modules := map[string]*moduleMeta{}
	var vulns []vulnMeta
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return 0, err
		}
		var e entry
		if err := json.Unmarshal(b, &e); err != nil {
			return 0, fmt.Errorf("%s: %w", f, err)
		}
		if e.ID == "" || filepath.Base(f) != e.ID+".json" {
			return 0, fmt.Errorf("%s: the file must be named after the entry's id (%q)", f, e.ID)
		}
		if e.Modified.IsZero() {
			e.Modified = fallback
		}
		if e.Modified.After(db.Modified) {
			db.Modified = e.Modified
		}
		for _, a := range e.Affected {
			if a.Module.Path == "" {
				return 0, fmt.Errorf("%s: an affected package without a module path", f)
			}
			m := modules[a.Module.Path]
			if m == nil {
				m = &moduleMeta{Path: a.Module.Path, Vulns: []moduleVuln{}}
				modules[a.Module.Path] = m
			}
			var fixes [][]string
			for _, r := range a.Ranges {
				if r.Type != "SEMVER" {
					continue
				}
				var ev []string
				for _, x := range r.Events {
					if x.Introduced != "" {
						ev = append(ev, "i"+x.Introduced)
					}
					if x.Fixed != "" {
						ev = append(ev, "f"+x.Fixed)
					}
				}
				fixes = append(fixes, ev)
			}
			m.Vulns = append(m.Vulns, moduleVuln{ID: e.ID, Modified: e.Modified, Fixed: latestFix(fixes)})
		}
		vulns = append(vulns, vulnMeta{ID: e.ID, Modified: e.Modified, Aliases: e.Aliases})
		if err := os.WriteFile(filepath.Join(out, "ID", e.ID+".json"), b, 0o644); err != nil {
			return 0, err
		}
	}

	list := make([]*moduleMeta, 0, len(modules))
	for _, m := range modules {
		sort.Slice(m.Vulns, func(i, j int) bool { return m.Vulns[i].ID < m.Vulns[j].ID })
		list = append(list, m)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Path < list[j].Path })
	sort.Slice(vulns, func(i, j int) bool { return vulns[i].ID < vulns[j].ID })
	for name, v := range map[string]any{"db.json": db, "modules.json": list, "vulns.json": vulns} {
		b, err := json.Marshal(v)
		if err != nil {
			return 0, err
		}
		if err := os.WriteFile(filepath.Join(out, "index", name), b, 0o644); err != nil {
			return 0, err
		}
	}
	return len(files), nil
}

// latestFix is the index's "fixed" of a module: the highest fixed version
// of its SEMVER ranges, or "" when the vulnerability was introduced again
// after it (then no version is known to be safe), as govulncheck's own
// index builder has it. Each range is its events, "i" or "f" and a version.
func latestFix(ranges [][]string) string {
	latest := ""
	for _, events := range ranges {
		for _, e := range events {
			if v := e[1:]; e[0] == 'f' && less(latest, v) {
				latest = v
			}
		}
		for _, e := range events {
			if v := e[1:]; e[0] == 'i' && v != "0" && less(latest, v) {
				latest = ""
				break
			}
		}
	}
	return latest
}

// less compares semantic versions without a "v" (1.26.9, 1.27.0-0,
// 0.0.0-20220315...); an invalid or empty version is below every valid one.
func less(a, b string) bool {
	va, okA := parse(a)
	vb, okB := parse(b)
	switch {
	case !okA:
		return okB
	case !okB:
		return false
	}
	for i := range 3 {
		if va.n[i] != vb.n[i] {
			return va.n[i] < vb.n[i]
		}
	}
	return comparePre(va.pre, vb.pre) < 0
}

type version struct {
	n   [3]uint64
	pre []string
}

func parse(s string) (version, bool) {
	var v version
	s, _, _ = strings.Cut(s, "+") // build metadata does not order
	core, pre, hasPre := strings.Cut(s, "-")
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return v, false
	}
	for i, p := range parts {
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil || (len(p) > 1 && p[0] == '0') {
			return v, false
		}
		v.n[i] = n
	}
	if hasPre {
		if pre == "" {
			return v, false
		}
		v.pre = strings.Split(pre, ".")
	}
	return v, true
}

// comparePre orders pre-release identifiers as semver 2.0.0 §11 does: none
// is above any; numeric ones compare as numbers and below alphanumeric
// ones; a longer list wins a tie.
func comparePre(a, b []string) int {
	switch {
	case len(a) == 0 && len(b) == 0:
		return 0
	case len(a) == 0:
		return 1
	case len(b) == 0:
		return -1
	}
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] == b[i] {
			continue
		}
		na, errA := strconv.ParseUint(a[i], 10, 64)
		nb, errB := strconv.ParseUint(b[i], 10, 64)
		switch {
		case errA == nil && errB == nil:
			if na < nb {
				return -1
			}
			return 1
		case errA == nil:
			return -1
		case errB == nil:
			return 1
		case a[i] < b[i]:
			return -1
		default:
			return 1
		}
	}
	switch {
	case len(a) < len(b):
		return -1
	case len(a) > len(b):
		return 1
	}
	return 0
}
