// Command summary reads `go test -json` on standard input and writes what
// `go test` without -json would (each package's result line, the output
// of failed tests, build errors), then every skipped test with its
// reason: first those skipped for a tool that is not installed
// (EMBARGO_TEST_NO_INSTALL=1), then the others. It exits 1 when a test
// or a build failed. scripts/test runs it so that nothing is skipped
// without a word.
//
//	go test -json ./... | go run ./internal/testtool/summary
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/embargo-dev/embargo/internal/testtool"
)

// event is one line of `go test -json` (cmd/test2json), with the build
// events of Go 1.24.
type event struct {
	Action     string
	Package    string
	ImportPath string
	Test       string
	Output     string
}

// skipped is a test that did not run, and why.
type skipped struct {
	Package, Test, Reason string
}

func main() {
	failed, err := summarise(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "summary:", err)
		os.Exit(2)
	}
	if failed {
		os.Exit(1)
	}
}

// summarise writes the run read from r to w and reports whether anything
// failed.
func summarise(r io.Reader, w io.Writer) (failed bool, err error) {
	out := map[[2]string][]string{} // (package, test) → output lines
	var skips []skipped
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			// Not an event: go test's own message (a package that does
			// not load). Pass it on.
			fmt.Fprintln(w, string(line))
			continue
		}
		key := [2]string{e.Package, e.Test}
		switch e.Action {
		case "build-output":
			fmt.Fprint(w, e.Output)
		case "build-fail":
			failed = true
		case "output":
			if e.Test == "" {
				if packageLine(e.Output) {
					fmt.Fprint(w, e.Output)
				}
				continue
			}
			out[key] = append(out[key], e.Output)
		case "fail":
			failed = true
			writeFailed(w, out[key])
			delete(out, key)
		case "skip":
			if e.Test != "" {
				skips = append(skips, skipped{e.Package, e.Test, reason(out[key])})
			}
			delete(out, key)
		case "pass":
			delete(out, key)
		}
	}
	if err := sc.Err(); err != nil {
		return true, err
	}
	writeSkips(w, skips)
	return failed, nil
}

// writeFailed writes a failed test's output as go test does without -v:
// its "--- FAIL" line, then what it logged.
func writeFailed(w io.Writer, lines []string) {
	var head, logged []string
	for _, l := range lines {
		switch t := strings.TrimSpace(l); {
		case strings.HasPrefix(t, "=== "):
		case strings.HasPrefix(t, "--- FAIL"):
			head = append(head, l)
		default:
			logged = append(logged, l)
		}
	}
	fmt.Fprint(w, strings.Join(head, "")+strings.Join(logged, ""))
}

// packageLine reports whether a package's own output line is one go test
// prints without -v: its result ("ok", "FAIL", "?"), a panic, a timeout.
func packageLine(s string) bool {
	switch strings.TrimSpace(s) {
	case "PASS", "testing: warning: no tests to run":
		return false
	}
	return !strings.HasPrefix(s, "=== ")
}

// reason is what a skipped test said: its log lines without the
// framework's "=== RUN" and "--- SKIP" lines.
func reason(lines []string) string {
	var rs []string
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- SKIP") {
			continue
		}
		rs = append(rs, t)
	}
	if len(rs) == 0 {
		return "(no reason given)"
	}
	return strings.Join(rs, " ")
}

func writeSkips(w io.Writer, skips []skipped) {
	var tools, others []skipped
	for _, s := range skips {
		if strings.Contains(s.Reason, testtool.SkipPrefix) {
			tools = append(tools, s)
		} else {
			others = append(others, s)
		}
	}
	if len(tools) > 0 {
		fmt.Fprintf(w, "\n== %s NOT RUN: a tool they need is not installed and %s=1\n", tests(len(tools)), testtool.NoInstall)
		for _, s := range tools {
			fmt.Fprintf(w, "SKIP %s %s: %s\n", s.Package, s.Test, s.Reason)
		}
	}
	if len(others) > 0 {
		fmt.Fprintf(w, "\n== %s skipped by themselves\n", tests(len(others)))
		for _, s := range others {
			fmt.Fprintf(w, "SKIP %s %s: %s\n", s.Package, s.Test, s.Reason)
		}
	}
	if len(skips) == 0 {
		fmt.Fprintln(w, "\n== no test skipped")
	}
}

func tests(n int) string {
	if n == 1 {
		return "1 test"
	}
	return fmt.Sprintf("%d tests", n)
}
