package buildinfo

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	platform := runtime.GOOS + "/" + runtime.GOARCH
	vcs := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/reconi/reconi", Version: "(devel)"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.time", Value: "2026-02-03T04:05:06Z"},
		},
	}
	for _, tc := range []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  Info
	}{
		{
			name:    "stamped by the release",
			version: "1.2.3", commit: "fedcba9876543210fedcba9876543210fedcba98", date: "2026-01-02T03:04:05Z",
			bi:   vcs,
			want: Info{"1.2.3", "fedcba9876543210fedcba9876543210fedcba98", "2026-01-02T03:04:05Z", "go1.26.8", platform},
		},
		{
			name: "go build in a checkout",
			bi:   vcs,
			want: Info{DevVersion, "0123456789abcdef0123456789abcdef01234567", "2026-02-03T04:05:06Z", "go1.26.8", platform},
		},
		{
			name: "go install at a version",
			bi:   &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}},
			want: Info{"v1.4.0", Unknown, Unknown, "go1.26.8", platform},
		},
		{
			name: "nothing recorded",
			want: Info{DevVersion, Unknown, Unknown, runtime.Version(), platform},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := resolve(tc.version, tc.commit, tc.date, tc.bi); got != tc.want {
				t.Errorf("resolve:\n got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestSummary(t *testing.T) {
	i := Info{"1.2.3", "fedcba9876543210fedcba9876543210fedcba98", "2026-01-02T03:04:05Z", "go1.26.8", "linux/arm64"}
	want := "1.2.3 (commit fedcba987654, built 2026-01-02T03:04:05Z, go1.26.8 linux/arm64)"
	if got := i.Summary(); got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
	i.Commit = Unknown
	want = "1.2.3 (commit unknown, built 2026-01-02T03:04:05Z, go1.26.8 linux/arm64)"
	if got := i.Summary(); got != want {
		t.Errorf("Summary() = %q, want %q", got, want)
	}
}
