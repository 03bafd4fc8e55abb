// Package testtool is how tests ask for the Debian tools and files they
// use to make fixtures or as independent witnesses. A missing one fails
// the test with the apt-get command that installs it (scripts/test
// installs them all), never a silent pass; when the test run was told to
// install nothing (EMBARGO_TEST_NO_INSTALL=1), the test is skipped
// instead, and the skip says which tool and package it wanted, so that
// scripts/test can list every test that did not run and why.
package testtool

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// NoInstall is the environment variable that tells scripts/test to
// install nothing: "1" turns a missing tool from a failure into a skip.
const NoInstall = "EMBARGO_TEST_NO_INSTALL"

// SkipPrefix starts the message of every test skipped for a missing tool:
// what scripts/test's summary looks for.
const SkipPrefix = "missing tool:"

// Command returns the path of the command name, which Debian package pkg
// installs.
func Command(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name, pkg, err)
	}
	return p
}

// Commands checks every command of a "command package" list, such as
// {"dhcpd", "isc-dhcp-server"}, and ends the test once for all that are
// missing.
func Commands(t testing.TB, pairs ...[2]string) {
	t.Helper()
	var names, pkgs []string
	for _, p := range pairs {
		if _, err := exec.LookPath(p[0]); err != nil {
			names, pkgs = append(names, p[0]), append(pkgs, p[1])
		}
	}
	if len(names) > 0 {
		Missing(t, strings.Join(names, ", "), strings.Join(pkgs, " "), nil)
	}
}

// File returns path when it exists: a file a Debian package installs (a
// data set, a program outside PATH).
func File(t testing.TB, path, pkg string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		Missing(t, path, pkg, err)
	}
	return path
}

// Glob returns the files matching pattern when there is at least one
// (PostgreSQL's programs are under a versioned directory).
func Glob(t testing.TB, pattern, pkg string) []string {
	t.Helper()
	found, err := filepath.Glob(pattern)
	if err != nil || len(found) == 0 {
		Missing(t, pattern, pkg, err)
	}
	return found
}

// Missing ends the test for what is not installed: a failure that names
// the apt-get command to install it, or, when NoInstall is "1", a skip
// that says the same.
func Missing(t testing.TB, what, pkg string, err error) {
	t.Helper()
	Unavailable(t, what+" is not installed", "apt-get install "+pkg, err)
}

// Unavailable is Missing for what another command provides (the package
// lists that apt-get update fetches): fix is that command.
func Unavailable(t testing.TB, what, fix string, err error) {
	t.Helper()
	msg := fmt.Sprintf("%s %s (%s)", SkipPrefix, what, fix)
	if err != nil {
		msg += ": " + err.Error()
	}
	if os.Getenv(NoInstall) == "1" {
		t.Skipf("%s; skipped, since %s=1", msg, NoInstall)
	}
	t.Fatalf("%s; scripts/test does it, or set %s=1 to skip the tests that need it", msg, NoInstall)
}
