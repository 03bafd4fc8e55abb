package main

import (
	"runtime"
	"runtime/debug"
)

// What a release build stamps with
//
//	-ldflags "-X main.version=1.4.0 -X main.commit=<full hash> -X main.date=<RFC 3339 UTC>"
//
// Left empty, they are filled from what the Go toolchain recorded in the
// binary (buildInfoOf), so that `go install ...@v1.4.0` and a build from
// a clone say where they came from too.
var version, commit, date string

// buildInfo says which build of embargo this is.
type buildInfo struct {
	Version  string `json:"version"`
	Commit   string `json:"commit"`             // "" when not known
	Date     string `json:"date"`               // RFC 3339; "" when not known
	Modified bool   `json:"modified,omitempty"` // built from a work tree with uncommitted changes
	Go       string `json:"go"`
	Platform string `json:"platform"` // GOOS/GOARCH
}

// currentBuild is this binary's build: the stamped values first, then the
// toolchain's record of the module version and VCS revision and time, and
// "dev" for a version nothing names.
func currentBuild() buildInfo {
	bi, _ := debug.ReadBuildInfo()
	return buildInfoOf(version, commit, date, bi)
}

// buildInfoOf is currentBuild with its inputs given: the stamped values
// and the toolchain's record (nil when the binary has none).
func buildInfoOf(version, commit, date string, bi *debug.BuildInfo) buildInfo {
	b := buildInfo{Version: version, Commit: commit, Date: date,
		Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		b.Go = bi.GoVersion
		// A module built in its own work tree is "(devel)" unless the
		// toolchain derived a version from a VCS tag.
		if v := bi.Main.Version; b.Version == "" && v != "" && v != "(devel)" {
			b.Version = v
		}
		stamped := commit != ""
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if b.Commit == "" {
					b.Commit = s.Value
				}
			case "vcs.time":
				if b.Date == "" {
					b.Date = s.Value
				}
			case "vcs.modified":
				// Only what the toolchain saw: a stamped commit says
				// nothing of the tree it was built from.
				b.Modified = !stamped && s.Value == "true"
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	return b
}
