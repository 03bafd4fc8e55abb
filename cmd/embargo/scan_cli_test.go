package main

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// runAt runs the binary in dir (the test's own when empty) with env
// added to the test's environment, less any COLUMNS of the shell that
// started the tests.
func runAt(t *testing.T, dir string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "COLUMNS=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	return runCmd(t, cmd)
}

// A table is fitted to $COLUMNS (the terminal's width when standard
// output is a terminal), --wide cuts nothing, and the location of an
// unknown is never cut.
func TestTableWidth(t *testing.T) {
	// An unknown whose location is longer than any terminal line.
	deep := filepath.Join(t.TempDir(), strings.Repeat("a-very-long-folder-name-", 5), "estate-with-an-unreadable-component.cdx.json")
	os.MkdirAll(filepath.Dir(deep), 0o755)
	estate, err := os.ReadFile("testdata/estate.cdx.json")
	if err != nil {
		t.Fatal(err)
	}
	writeFixture(t, deep, string(estate))

	for _, columns := range []int{100, 60} {
		out, stderr, code := runAt(t, "", []string{"COLUMNS=" + strconv.Itoa(columns)}, "scan", deep)
		if code != 1 {
			t.Fatalf("COLUMNS=%d: exit %d: %s", columns, code, stderr)
		}
		rows := 0
		for _, line := range strings.Split(out, "\n") {
			// The rows of the item tables: the item's line and its detail.
			if !strings.HasPrefix(line, "  I-") && !strings.HasPrefix(strings.TrimLeft(line, " "), "decided by") {
				continue
			}
			rows++
			if n := utf8.RuneCountInString(line); n > max(columns, 74) {
				t.Errorf("COLUMNS=%d: a row of %d columns:\n%s", columns, n, line)
			}
		}
		if rows != 8 {
			t.Errorf("COLUMNS=%d: %d rows of items, want 4 items of two lines:\n%s", columns, rows, out)
		}
		if !strings.Contains(out, "  "+deep+" /components/3: no name") {
			t.Errorf("COLUMNS=%d: the unknown's location is cut:\n%s", columns, out)
		}
	}

	// A wide terminal has room for one line an item, uncut.
	out, _, _ := runAt(t, "", []string{"COLUMNS=400"}, "scan", "testdata/estate.cdx.json")
	if !strings.Contains(out, "DECIDED BY") || !strings.Contains(out, "com.kaspersky.android-components/kaspresso  1.5.3") || strings.Contains(out, "…") {
		t.Errorf("COLUMNS=400:\n%s", out)
	}
	// --wide cuts nothing however narrow the terminal.
	out, _, _ = runAt(t, "", []string{"COLUMNS=40"}, "scan", "--wide", "testdata/estate.cdx.json")
	if strings.Contains(out, "…") || !strings.Contains(out, "purl_prefix pkg:maven/com.kaspersky.android-components/ (purl)") {
		t.Errorf("--wide:\n%s", out)
	}
	// The findings part too.
	out, _, _ = runAt(t, "", []string{"COLUMNS=70"}, "scan", "--no-state", "--policy", "us-bod-17-01", "testdata/estate.cdx.json")
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "    F-") && utf8.RuneCountInString(line) > 70 {
			t.Errorf("COLUMNS=70: a finding's line of %d columns:\n%s", utf8.RuneCountInString(line), line)
		}
	}
}

// --exclude-path takes a path as the scan prints it; one that can never
// match fails before the scan, naming the path and the target.
func TestExcludePathAsPrinted(t *testing.T) {
	status, err := os.ReadFile("../../inventory/dpkg/testdata/status")
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	os.MkdirAll(filepath.Join(work, "host", "var", "lib", "dpkg"), 0o755)
	writeFixture(t, filepath.Join(work, "host", "var", "lib", "dpkg", "status"), string(status))

	out, stderr, code := runAt(t, work, nil, "scan", "-o", "json", "host")
	var rep struct {
		Items []struct {
			Location struct{ Source string } `json:"location"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || len(rep.Items) == 0 {
		t.Fatalf("scan host: exit %d, %v: %s", code, err, stderr)
	}
	printed := path.Dir(rep.Items[0].Location.Source) // host/var/lib/dpkg
	for _, ex := range []string{printed, "var/lib/dpkg", filepath.Join(work, printed), rep.Items[0].Location.Source} {
		out, stderr, code := runAt(t, work, nil, "scan", "-o", "json", "--exclude-path", ex, "host")
		if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 0 || len(rep.Items) != 0 {
			t.Errorf("--exclude-path %s: exit %d, %d items, %v: %s", ex, code, len(rep.Items), err, stderr)
		}
	}
	for _, tc := range []struct{ ex, want string }{
		{"host/var/lib/dkpg", "--exclude-path host/var/lib/dkpg can never match: nothing in the target host is at host/var/lib/dkpg"},
		{"/etc", "--exclude-path /etc can never match: /etc is outside the target host"},
	} {
		out, stderr, code := runAt(t, work, nil, "scan", "--exclude-path", tc.ex, "host")
		if code != 2 || out != "" || !strings.Contains(stderr, tc.want) || strings.Contains(stderr, "no input could be read") {
			t.Errorf("--exclude-path %s: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.ex, code, out, stderr, tc.want)
		}
	}
}

// What the user asked for that cannot work says what was asked and what
// there is to choose from; what is harmless is accepted.
func TestScanUsageMessages(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "inventory.json")
	writeFixture(t, empty, "")
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"unknown --select", []string{"scan", "--select", "bogus", "testdata/clean.cdx.json"}, 2,
			[]string{`--select "bogus": no collector or tag has that name; collectors: aimodel,`, "winreg-software", "; tags: ai,", "windows"}},
		{"an empty file", []string{"scan", empty}, 2, []string{empty + ": the input is empty (0 bytes)"}},
		{"--no-state without --policy", []string{"scan", "--no-state", "testdata/clean.cdx.json"}, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := run(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d: %s", code, tc.code, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q: %s", w, stderr)
				}
			}
			if strings.Contains(stderr, "not a recognised inventory format") || strings.Contains(stderr, "give --policy too") {
				t.Errorf("stderr: %s", stderr)
			}
		})
	}
}

// On a terminal the table takes the terminal's width, whatever $COLUMNS
// says: script(1) runs the scan on a pseudo-terminal that stty makes 90
// columns wide.
func TestTableWidthOfTerminal(t *testing.T) {
	needTools(t, [2]string{"script", "bsdutils"}, [2]string{"stty", "coreutils"})
	shell := "stty cols 90 rows 40; COLUMNS=200 exec " + binary + " scan testdata/estate.cdx.json"
	cmd := exec.Command("script", "-q", "-e", "-c", shell, "/dev/null")
	raw, err := cmd.Output()
	var ee *exec.ExitError
	if err != nil && (!errors.As(err, &ee) || ee.ExitCode() != 1) {
		t.Fatalf("script: %v\n%s", err, raw)
	}
	rows := 0
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimRight(line, "\r")
		if !strings.HasPrefix(line, "  I-") && !strings.HasPrefix(strings.TrimLeft(line, " "), "decided by") {
			continue
		}
		rows++
		if n := utf8.RuneCountInString(line); n > 90 {
			t.Errorf("a row of %d columns on a terminal of 90:\n%s", n, line)
		}
	}
	if rows != 8 {
		t.Errorf("%d rows of items, want 4 items of two lines:\n%s", rows, raw)
	}
}
