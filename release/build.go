package release

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Target is a platform a binary is built for, in Go's names.
type Target struct{ OS, Arch string }

func (t Target) String() string { return t.OS + "/" + t.Arch }

// Exe is the suffix of the target's executables.
func (t Target) Exe() string {
	if t.OS == "windows" {
		return ".exe"
	}
	return ""
}

// Targets are the platforms a release has binaries for.
var Targets = []Target{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"windows", "amd64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
}

// ParseTarget reads "os/arch", one of Targets.
func ParseTarget(s string) (Target, error) {
	for _, t := range Targets {
		if t.String() == s {
			return t, nil
		}
	}
	names := make([]string, len(Targets))
	for i, t := range Targets {
		names[i] = t.String()
	}
	return Target{}, fmt.Errorf("target %q: want one of %s", s, strings.Join(names, ", "))
}

// Build describes one build of cmd/embargo.
type Build struct {
	Module string // the repository's root, holding go.mod
	Target Target
	Stamp  Stamp
	Out    string // the binary to write
}

// buildEnv is the environment of a reproducible build: the caller's (for
// PATH, HOME and the Go caches) with everything that changes the output
// set explicitly. GOAMD64 and GOARM64 are pinned to the baseline so that a
// builder's defaults cannot raise the required processor; GOTOOLCHAIN=local
// keeps go from switching toolchains behind the build's back; GOFLAGS and
// GOEXPERIMENT are cleared.
func buildEnv(t Target) []string {
	drop := map[string]bool{"CGO_ENABLED": true, "GOOS": true, "GOARCH": true, "GOAMD64": true, "GOARM64": true,
		"GOFLAGS": true, "GOEXPERIMENT": true, "GOTOOLCHAIN": true, "GO386": true, "GOARM": true}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !drop[k] {
			env = append(env, kv)
		}
	}
	return append(env, "CGO_ENABLED=0", "GOOS="+t.OS, "GOARCH="+t.Arch, "GOAMD64=v1", "GOARM64=v8.0",
		"GOFLAGS=-mod=readonly", "GOEXPERIMENT=", "GOTOOLCHAIN=local")
}

// Run builds the binary: go build -trimpath with the stamp's -ldflags, no
// cgo, so that it is static and its bytes depend only on the source, the
// toolchain and the stamp.
func (b Build) Run(ctx context.Context) error {
	if err := b.Stamp.Validate(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(b.Out), 0o755); err != nil {
		return err
	}
	out, err := filepath.Abs(b.Out)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", b.Stamp.LDFlags(), "-o", out, "./cmd/embargo")
	cmd.Dir = b.Module
	cmd.Env = buildEnv(b.Target)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building embargo for %s: %v\n%s", b.Target, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// BinaryName is the released file name of the binary for t.
func BinaryName(version string, t Target) string {
	return fmt.Sprintf("embargo-%s-%s-%s%s", version, t.OS, t.Arch, t.Exe())
}
