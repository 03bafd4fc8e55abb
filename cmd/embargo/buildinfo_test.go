package main

import (
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestBuildInfoOf(t *testing.T) {
	vcs := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/embargo-dev/embargo", Version: "(devel)"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "4f2a9c0e"}, {Key: "vcs.time", Value: "2026-05-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	installed := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/embargo-dev/embargo", Version: "v1.4.0"}}
	platform := runtime.GOOS + "/" + runtime.GOARCH
	tests := []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  buildInfo
	}{
		{"stamped by a release build", "1.4.0", "0123abcd", "2026-06-01T00:00:00Z", vcs,
			buildInfo{Version: "1.4.0", Commit: "0123abcd", Date: "2026-06-01T00:00:00Z", Go: "go1.26.8", Platform: platform}},
		{"built in a clone", "", "", "", vcs,
			buildInfo{Version: "dev", Commit: "4f2a9c0e", Date: "2026-05-01T10:00:00Z", Modified: true, Go: "go1.26.8", Platform: platform}},
		{"go install ...@v1.4.0", "", "", "", installed,
			buildInfo{Version: "v1.4.0", Go: "go1.26.8", Platform: platform}},
		{"only the version stamped", "1.4.0", "", "", vcs,
			buildInfo{Version: "1.4.0", Commit: "4f2a9c0e", Date: "2026-05-01T10:00:00Z", Modified: true, Go: "go1.26.8", Platform: platform}},
		{"nothing recorded", "", "", "", nil,
			buildInfo{Version: "dev", Go: runtime.Version(), Platform: platform}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := buildInfoOf(tc.version, tc.commit, tc.date, tc.bi)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
