package testtool_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// fakeRun runs testdata/fake with the real go test, with or without
// EMBARGO_TEST_NO_INSTALL=1, and returns its JSON events.
func fakeRun(t *testing.T, noInstall bool) []byte {
	t.Helper()
	cmd := exec.Command("go", "test", "-count=1", "-json", "./testdata/fake")
	cmd.Env = append(os.Environ(), "EMBARGO_TESTTOOL_FAKE=1", testtool.NoInstall+"=")
	if noInstall {
		cmd.Env = append(cmd.Env, testtool.NoInstall+"=1")
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	// The fake package has a failing test: go test exits 1.
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("go test ./testdata/fake: %v\n%s", err, stderr.Bytes())
	}
	return out
}

// outcome is what one test of the fake package did, and said.
type outcome struct {
	Action string
	Said   string
}

// outcomes reads go test -json events: each test's final action and its
// output, joined.
func outcomes(t *testing.T, events []byte) map[string]outcome {
	t.Helper()
	got := map[string]outcome{}
	sc := bufio.NewScanner(bytes.NewReader(events))
	for sc.Scan() {
		var e struct{ Action, Test, Output string }
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("go test -json: %v: %s", err, sc.Bytes())
		}
		if e.Test == "" {
			continue
		}
		o := got[e.Test]
		switch e.Action {
		case "output":
			o.Said += e.Output
		case "pass", "fail", "skip":
			o.Action = e.Action
		}
		got[e.Test] = o
	}
	return got
}

// TestMissingTool: a missing tool fails the test, naming the package to
// install; with EMBARGO_TEST_NO_INSTALL=1 it skips it, saying the same.
// Nothing else changes: present tools pass, other failures fail.
func TestMissingTool(t *testing.T) {
	for _, noInstall := range []bool{false, true} {
		got := outcomes(t, fakeRun(t, noInstall))
		missing := "fail"
		if noInstall {
			missing = "skip"
		}
		actions := map[string]string{}
		for test, o := range got {
			actions[test] = o.Action
		}
		want := map[string]string{
			"TestPresent": "pass", "TestCommand": missing, "TestCommands": missing, "TestFile": missing, "TestGlob": missing,
			"TestUnavailable": missing, "TestSkipsItself": "skip", "TestFails": "fail",
			"TestSubtests": map[bool]string{false: "fail", true: "pass"}[noInstall], "TestSubtests/passes": "pass", "TestSubtests/needs": missing,
		}
		if diff := cmp.Diff(want, actions); diff != "" {
			t.Fatalf("%s=%v: (-want +got):\n%s", testtool.NoInstall, noInstall, diff)
		}
		for test, said := range map[string][]string{
			"TestCommand":     {"missing tool: embargo-testtool-no-such-command is not installed (apt-get install embargo-fake-package): exec: "},
			"TestCommands":    {"missing tool: embargo-testtool-no-such-command, embargo-testtool-no-such-command-2 is not installed (apt-get install embargo-fake-package embargo-fake-package-2)"},
			"TestFile":        {"missing tool: /nonexistent/embargo-fake.csv is not installed (apt-get install embargo-fake-data): stat /nonexistent/embargo-fake.csv: no such file or directory"},
			"TestGlob":        {"missing tool: /nonexistent/*/bin/initdb is not installed (apt-get install embargo-fake-server)"},
			"TestUnavailable": {"missing tool: the fake lists (apt-get update)"},
		} {
			tail := "; scripts/test does it, or set EMBARGO_TEST_NO_INSTALL=1 to skip the tests that need it"
			if noInstall {
				tail = "; skipped, since EMBARGO_TEST_NO_INSTALL=1"
			}
			for _, s := range append(said, tail) {
				if !strings.Contains(got[test].Said, s) {
					t.Errorf("%s=%v, %s said %q; want %q", testtool.NoInstall, noInstall, test, got[test].Said, s)
				}
			}
		}
		if strings.Contains(got["TestCommand"].Said, "went on") {
			t.Errorf("the test went on after a missing command: %q", got["TestCommand"].Said)
		}
	}
}

// The variable must be exactly "1": anything else still fails.
func TestNoInstallIsOne(t *testing.T) {
	cmd := exec.Command("go", "test", "-count=1", "-json", "-run", "^TestCommand$", "./testdata/fake")
	cmd.Env = append(os.Environ(), "EMBARGO_TESTTOOL_FAKE=1", testtool.NoInstall+"=yes")
	out, _ := cmd.Output()
	if got := outcomes(t, out)["TestCommand"].Action; got != "fail" {
		t.Errorf("%s=yes: %s, want fail", testtool.NoInstall, got)
	}
}

// TestFakeIsUnderTestdata: `go test ./...` never runs the fake package's
// failing test, since go's patterns leave testdata out.
func TestFakeIsUnderTestdata(t *testing.T) {
	out, err := exec.Command("go", "list", "./...").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "fake") || !strings.Contains(string(out), "internal/testtool/summary") {
		t.Errorf("go list ./... from internal/testtool:\n%s", out)
	}
}
