package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var binary string

// TestMain builds the real binary once; the tests run it as a user would.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "embargo-cli")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "embargo")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func run(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return o.String(), e.String(), code
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"restricted found", []string{"scan", "testdata/estate.cdx.json"}, 1},
		{"nothing restricted", []string{"scan", "testdata/clean.cdx.json"}, 0},
		{"nothing restricted but an unknown", []string{"scan", "testdata/unknown.cdx.json"}, 3},
		{"unreadable input", []string{"scan", "testdata/broken.cdx.json"}, 2},
		{"missing input", []string{"scan", "testdata/nope.json"}, 2},
		{"one of two inputs broken", []string{"scan", "testdata/clean.cdx.json", "testdata/broken.cdx.json"}, 3},
		{"bad output format", []string{"scan", "-o", "pdf", "testdata/clean.cdx.json"}, 2},
		{"no arguments", []string{"scan"}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := run(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, stderr)
			}
		})
	}
}

func TestBrokenInputNamesFileAndPosition(t *testing.T) {
	_, stderr, _ := run(t, "scan", "testdata/broken.cdx.json")
	if !strings.Contains(stderr, "testdata/broken.cdx.json:2:") {
		t.Errorf("stderr does not name file and line: %q", stderr)
	}
}

func TestStdoutIsOnlyTheResult(t *testing.T) {
	stdout, _, _ := run(t, "scan", "-o", "json", "testdata/estate.cdx.json")
	var rep struct {
		Items   []json.RawMessage `json:"items"`
		Summary struct{ Attributed, Unknown int }
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, stdout)
	}
	if rep.Summary.Attributed < 2 || rep.Summary.Unknown != 1 {
		t.Errorf("summary %+v", rep.Summary)
	}
}

func TestExplain(t *testing.T) {
	stdout, _, _ := run(t, "scan", "-o", "json", "testdata/estate.cdx.json")
	var rep struct {
		Items []struct {
			ID          string          `json:"id"`
			Name        string          `json:"name"`
			Attribution json.RawMessage `json:"attribution"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	var id string
	for _, it := range rep.Items {
		if it.Name == "Kaspersky Endpoint Security for Windows" {
			id = it.ID
		}
	}
	if id == "" {
		t.Fatal("KES item not in the report")
	}
	reportFile := filepath.Join(t.TempDir(), "r.json")
	if err := os.WriteFile(reportFile, []byte(stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	fromScan, _, code := run(t, "explain", id, "testdata/estate.cdx.json")
	if code != 0 {
		t.Fatalf("explain exit %d", code)
	}
	fromReport, _, code := run(t, "explain", id[:8], "--report", reportFile)
	if code != 0 {
		t.Fatalf("explain --report exit %d", code)
	}
	if fromScan != fromReport {
		t.Errorf("explain differs between a rescan and the saved report:\n%s\n---\n%s", fromScan, fromReport)
	}
	for _, want := range []string{
		"Item " + id, `publisher "AO Kaspersky Lab"`, "Supplier  AO Kaspersky Lab (kaspersky-ao), incorporated in RU",
		"Control chain", "Controlling country  RU", "https://",
	} {
		if !strings.Contains(fromScan, want) {
			t.Errorf("explain output lacks %q:\n%s", want, fromScan)
		}
	}
}

func TestCatalogCommands(t *testing.T) {
	out, _, code := run(t, "catalog", "search", "Лаборатория Касперского")
	if code != 0 || !strings.Contains(out, "kaspersky-ao") {
		t.Errorf("search: exit %d\n%s", code, out)
	}
	out, _, code = run(t, "catalog", "show", "kaspersky-lab-inc")
	if code != 0 || !regexp.MustCompile(`controlled from RU`).MatchString(out) {
		t.Errorf("show: exit %d\n%s", code, out)
	}
	out, _, code = run(t, "catalog", "list", "-o", "json")
	if code != 0 || !json.Valid([]byte(out)) {
		t.Errorf("list -o json: exit %d", code)
	}
}

func TestPolicyCommands(t *testing.T) {
	out, _, code := run(t, "policy", "test")
	if code != 0 || !strings.Contains(out, " 0 failed") {
		t.Errorf("policy test of the built-in packs: exit %d\n%s", code, out)
	}
	out, _, code = run(t, "policy", "test", "testdata/wrong-example.pack.yaml")
	if code != 2 || !strings.Contains(out, "FAIL wrong-example: Kaspersky Anti-Virus claimed to pass") || !strings.Contains(out, "0 passed, 1 failed") {
		t.Errorf("policy test of a wrong pack: exit %d\n%s", code, out)
	}
	out, _, code = run(t, "policy", "show", "us-bod-17-01")
	if code != 0 || !strings.Contains(out, "rule bod-17-01-remove (remove-by, high)") {
		t.Errorf("policy show: exit %d\n%s", code, out)
	}
	out, _, code = run(t, "policy", "list", "-o", "json")
	if code != 0 || !json.Valid([]byte(out)) {
		t.Errorf("policy list -o json: exit %d", code)
	}
}
