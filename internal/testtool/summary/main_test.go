package main

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/internal/testtool"
)

const fakePkg = "github.com/embargo-dev/embargo/internal/testtool/testdata/fake"

// goTestJSON runs the real go test -json on a package, with env added.
func goTestJSON(t *testing.T, pkg string, env ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", "test", "-count=1", "-json", pkg)
	cmd.Env = append(append(os.Environ(), testtool.NoInstall+"="), env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("go test %s: %v\n%s", pkg, err, stderr.Bytes())
	}
	return out
}

func summary(t *testing.T, events []byte) (string, bool) {
	t.Helper()
	var b bytes.Buffer
	failed, err := summarise(bytes.NewReader(events), &b)
	if err != nil {
		t.Fatal(err)
	}
	return b.String(), failed
}

// lines checks that out has each pattern, in order, one per line.
func lines(t *testing.T, name, out string, patterns ...string) {
	t.Helper()
	rest := out
	for _, p := range patterns {
		loc := regexp.MustCompile("(?m)^" + p + "$").FindStringIndex(rest)
		if loc == nil {
			t.Errorf("%s: no line %q after what came before, in:\n%s", name, p, out)
			return
		}
		rest = rest[loc[1]:]
	}
}

// TestSummary runs the fake package of internal/testtool as
// scripts/test runs the tests: the failure is shown as go test shows it,
// and every skipped test is listed with its reason, those for a missing
// tool first and apart.
func TestSummary(t *testing.T) {
	out, failed := summary(t, goTestJSON(t, "../testdata/fake", "EMBARGO_TESTTOOL_FAKE=1", testtool.NoInstall+"=1"))
	if !failed {
		t.Error("a run with a failed test is not failed")
	}
	q := regexp.QuoteMeta
	lines(t, "no install", out,
		q("--- FAIL: TestFails (")+`.*`,
		`\s+fake_test.go:\d+: the detail`,
		`\s+fake_test.go:\d+: it broke`,
		`FAIL`,
		q("FAIL\t"+fakePkg+"\t")+`.*`,
		"",
		q("== 6 tests NOT RUN: a tool they need is not installed and EMBARGO_TEST_NO_INSTALL=1"),
		q("SKIP "+fakePkg+" TestCommand: fake_test.go:")+`\d+: `+q("missing tool: embargo-testtool-no-such-command is not installed (apt-get install embargo-fake-package)")+".*",
		q("SKIP "+fakePkg+" TestCommands: ")+".*",
		q("SKIP "+fakePkg+" TestFile: ")+".*",
		q("SKIP "+fakePkg+" TestGlob: ")+".*",
		q("SKIP "+fakePkg+" TestUnavailable: ")+".*"+q("missing tool: the fake lists (apt-get update); skipped, since EMBARGO_TEST_NO_INSTALL=1"),
		q("SKIP "+fakePkg+" TestSubtests/needs: ")+".*",
		"",
		q("== 1 test skipped by themselves"),
		q("SKIP "+fakePkg+" TestSkipsItself: fake_test.go:")+`\d+: not on this platform`,
	)
	if strings.Contains(out, "=== RUN") || strings.Contains(out, "TestPresent") {
		t.Errorf("what passed is shown:\n%s", out)
	}

	// Without the variable the missing tools fail, and are shown as
	// failures; nothing is listed as not run.
	out, failed = summary(t, goTestJSON(t, "../testdata/fake", "EMBARGO_TESTTOOL_FAKE=1"))
	if !failed || strings.Contains(out, "NOT RUN") {
		t.Errorf("failed %v:\n%s", failed, out)
	}
	lines(t, "install", out,
		q("--- FAIL: TestCommand (")+".*",
		`\s+fake_test.go:\d+: `+q("missing tool: embargo-testtool-no-such-command is not installed (apt-get install embargo-fake-package)")+".*"+
			q("; scripts/test does it, or set EMBARGO_TEST_NO_INSTALL=1 to skip the tests that need it"),
	)
}

// A package whose tests all pass gives its "ok" line, nothing else, and
// the run is not failed.
func TestSummaryPassing(t *testing.T) {
	out, failed := summary(t, goTestJSON(t, "../testdata/fake"))
	if failed {
		t.Errorf("failed:\n%s", out)
	}
	lines(t, "passing", out, regexp.QuoteMeta("ok  \t"+fakePkg+"\t")+".*", "", "== no test skipped")
}

// What is not an event (go test's own complaint about a package it cannot
// load) is passed on, and a build failure fails the run.
func TestSummaryBuildFailure(t *testing.T) {
	in := `go: warning: "./nothing/..." matched no packages
{"ImportPath":"example.com/broken","Action":"build-output","Output":"broken/x.go:3:1: syntax error\n"}
{"ImportPath":"example.com/broken","Action":"build-fail"}
{"Action":"start","Package":"example.com/broken"}
{"Action":"output","Package":"example.com/broken","Output":"FAIL\texample.com/broken [build failed]\n"}
{"Action":"fail","Package":"example.com/broken","FailedBuild":"example.com/broken"}
`
	out, failed := summary(t, []byte(in))
	if !failed {
		t.Error("a build failure is not a failed run")
	}
	lines(t, "build failure", out, regexp.QuoteMeta(`go: warning: "./nothing/..." matched no packages`), "broken/x.go:3:1: syntax error",
		regexp.QuoteMeta("FAIL\texample.com/broken [build failed]"))
}
