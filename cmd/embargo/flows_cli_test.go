package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// TestFlowsSARIFNeedsPolicy: -o sarif without --policy is refused before
// any input is read (a missing file is not even noticed) or any
// listener started.
func TestFlowsSARIFNeedsPolicy(t *testing.T) {
	for _, args := range [][]string{
		{"flows", "-o", "sarif", "testdata/no-such.log"},
		{"flows", "listen", "-o", "sarif", "--netflow", "127.0.0.1:0"},
	} {
		_, stderr, code := run(t, args...)
		if code != 2 || !strings.Contains(stderr, "-o sarif lists findings") || !strings.Contains(stderr, "give --policy") ||
			strings.Contains(stderr, "no-such.log") || strings.Contains(stderr, "listening") {
			t.Errorf("%v: exit %d, %s", args, code, stderr)
		}
	}
}

// TestFlowsProgress: on a terminal, flows rewrites one progress line as
// it reads each input and attributes the destinations, and clears it
// before the report; in a pipe, or with --quiet, standard error has no
// such line. script(1) gives the command a terminal.
func TestFlowsProgress(t *testing.T) {
	script := testtool.Command(t, "script", "bsdutils")
	dir := t.TempDir()
	report := filepath.Join(dir, "report.json")
	inputs := []string{zeekDir + "conn.log", zeekDir + "dns.log", "testdata/zeek-ru/conn.log"}
	term := func(extra ...string) string {
		t.Helper()
		args := append([]string{binary, "flows", "-o", "json", "--output-file", report}, append(inputs, extra...)...)
		for i, a := range args {
			args[i] = "'" + a + "'"
		}
		out, err := exec.Command(script, "-qec", strings.Join(args, " "), "/dev/null").CombinedOutput()
		var ee *exec.ExitError
		if err != nil && !(errors.As(err, &ee) && (ee.ExitCode() == 1 || ee.ExitCode() == 3)) {
			t.Fatalf("script: %v\n%s", err, out)
		}
		return string(out)
	}
	out := term()
	for _, want := range []string{"\r\033[Kreading ../../egress/zeek/testdata/conn.log (1 of 3): ",
		"\r\033[Kreading testdata/zeek-ru/conn.log (3 of 3): ", " records", "\r\033[Kattributing destinations: "} {
		if !strings.Contains(out, want) {
			t.Errorf("the terminal lacks %q:\n%q", want, out)
		}
	}
	if !strings.HasSuffix(strings.TrimRight(out, "\r\n"), "\r\033[K") {
		t.Errorf("the progress line is not cleared at the end:\n%q", out)
	}
	if data, err := os.ReadFile(report); err != nil || !strings.Contains(string(data), `"aggregates"`) {
		t.Errorf("no report: %v", err)
	}
	if out := term("--quiet"); strings.Contains(out, "reading") {
		t.Errorf("--quiet on a terminal:\n%q", out)
	}
	_, stderr, _ := run(t, append([]string{"flows", "-o", "json"}, inputs...)...)
	if strings.Contains(stderr, "reading") || strings.Contains(stderr, "\033[K") {
		t.Errorf("progress in a pipe:\n%q", stderr)
	}
}
