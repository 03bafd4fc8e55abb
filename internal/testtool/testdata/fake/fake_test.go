// Package fake is a test package for internal/testtool's own tests: they
// run it with `go test -json` (with and without EMBARGO_TEST_NO_INSTALL=1)
// and read what each test did. It is under testdata, so that `go test
// ./...` never runs it, and runs nothing unless EMBARGO_TESTTOOL_FAKE=1.
package fake

import (
	"os"
	"testing"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// missing is a command no machine has.
const missing = "embargo-testtool-no-such-command"

func TestMain(m *testing.M) {
	if os.Getenv("EMBARGO_TESTTOOL_FAKE") != "1" {
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestPresent(t *testing.T) {
	if p := testtool.Command(t, "sh", "dash"); p == "" {
		t.Error("no path for sh")
	}
	testtool.File(t, "/", "base-files")
	testtool.Glob(t, "/*", "base-files")
	testtool.Commands(t, [2]string{"sh", "dash"})
}

func TestCommand(t *testing.T) {
	testtool.Command(t, missing, "embargo-fake-package")
	t.Log("went on after a missing command")
}

func TestCommands(t *testing.T) {
	testtool.Commands(t, [2]string{"sh", "dash"}, [2]string{missing, "embargo-fake-package"}, [2]string{missing + "-2", "embargo-fake-package-2"})
}

func TestFile(t *testing.T) {
	testtool.File(t, "/nonexistent/embargo-fake.csv", "embargo-fake-data")
}

func TestGlob(t *testing.T) {
	testtool.Glob(t, "/nonexistent/*/bin/initdb", "embargo-fake-server")
}

func TestUnavailable(t *testing.T) {
	testtool.Unavailable(t, "the fake lists", "apt-get update", nil)
}

func TestSkipsItself(t *testing.T) {
	t.Skip("not on this platform")
}

func TestFails(t *testing.T) {
	t.Log("the detail")
	t.Error("it broke")
}

func TestSubtests(t *testing.T) {
	t.Run("passes", func(t *testing.T) {})
	t.Run("needs", func(t *testing.T) { testtool.Command(t, missing, "embargo-fake-package") })
}
