// Package buildinfo says which reconi this is. Release builds stamp Version,
// Commit and Date with -ldflags -X (see .goreleaser.yaml); other builds fall
// back to what the Go toolchain recorded in the binary.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// Set at link time by releases:
//
//	-X github.com/reconi/reconi/internal/buildinfo.Version=1.2.3
//	-X github.com/reconi/reconi/internal/buildinfo.Commit=<full sha>
//	-X github.com/reconi/reconi/internal/buildinfo.Date=2026-01-02T03:04:05Z
var (
	Version string
	Commit  string
	Date    string
)

// Unknown is printed for what neither the linker nor the toolchain recorded.
const Unknown = "unknown"

// DevVersion is the version of a build from a source tree that carries no
// version: `go build`, `go run`.
const DevVersion = "dev"

// Info describes one build. The JSON field names are part of `reconi version
// -o json`'s interface.
type Info struct {
	Version  string `json:"version"`
	Commit   string `json:"commit"`
	Date     string `json:"date"`
	Go       string `json:"go"`
	Platform string `json:"platform"`
}

// Get returns the running binary's build information.
func Get() Info {
	bi, _ := debug.ReadBuildInfo()
	return resolve(Version, Commit, Date, bi)
}

// resolve prefers the stamped values and fills the gaps from the toolchain's
// record: the module version of `go install ...@v1.2.3`, and the VCS revision
// and commit time of a build from a git checkout.
func resolve(version, commit, date string, bi *debug.BuildInfo) Info {
	info := Info{
		Version:  version,
		Commit:   commit,
		Date:     date,
		Go:       runtime.Version(),
		Platform: runtime.GOOS + "/" + runtime.GOARCH,
	}
	if bi != nil {
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		if bi.GoVersion != "" {
			info.Go = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && info.Commit == "":
				info.Commit = s.Value
			case s.Key == "vcs.time" && info.Date == "":
				info.Date = s.Value
			}
		}
	}
	if info.Version == "" {
		info.Version = DevVersion
	}
	if info.Commit == "" {
		info.Commit = Unknown
	}
	if info.Date == "" {
		info.Date = Unknown
	}
	return info
}

// Summary is the one line after "reconi version ": what `reconi --version`
// and `reconi version` print.
func (i Info) Summary() string {
	commit := i.Commit
	if len(commit) > 12 {
		commit = commit[:12]
	}
	return fmt.Sprintf("%s (commit %s, built %s, %s %s)", i.Version, commit, i.Date, i.Go, i.Platform)
}
