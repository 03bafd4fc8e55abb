package release

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// root is the repository's root, seen from this package's folder.
const root = ".."

// testStamp is the stamp the tests build with.
var testStamp = Stamp{
	Version: "1.2.3-test.1",
	Commit:  "0123456789abcdef0123456789abcdef01234567",
	Date:    time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
}

// hostTarget is the linux target that runs here.
var hostTarget = Target{"linux", runtime.GOARCH}

// scratch is a folder shared by the tests, removed when they end.
var scratch string

func TestMain(m *testing.M) {
	var err error
	if scratch, err = os.MkdirTemp("", "embargo-release-test-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(scratch)
	os.Exit(code)
}

var hostBin struct {
	once sync.Once
	path string
	err  error
}

// hostBinary is the linux binary of this machine's architecture, built
// once with testStamp for the tests that package it.
func hostBinary(t *testing.T) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Fatalf("the release is built and packaged on linux, not %s", runtime.GOOS)
	}
	hostBin.once.Do(func() {
		hostBin.path = filepath.Join(scratch, "shared", BinaryName(testStamp.Version, hostTarget))
		hostBin.err = Build{Module: root, Target: hostTarget, Stamp: testStamp, Out: hostBin.path}.Run(context.Background())
	})
	if hostBin.err != nil {
		t.Fatal(hostBin.err)
	}
	return hostBin.path
}

// need is the path of a command a test uses as a witness; a missing one
// fails the test naming the Debian package that has it (testtool).
func need(t *testing.T, cmd, pkg string) string {
	t.Helper()
	return testtool.Command(t, cmd, pkg)
}

// runOut runs a command and returns its standard output, failing the test
// with its standard error.
func runOut(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// runCombined runs a command and returns all it printed.
func runCombined(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).CombinedOutput()
	return string(out), err
}
