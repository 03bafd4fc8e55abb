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

	"github.com/google/go-cmp/cmp"
)

var binary string

// TestMain builds the real binary once; the tests run it as a user would.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "embargo-cli")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "embargo")
	// Keep the first-seen state of scans with --policy out of the user's
	// home.
	os.Setenv("XDG_STATE_HOME", filepath.Join(dir, "state"))
	// And the IP data's table cache, and the data feed (none installed
	// unless a test installs one).
	os.Setenv("EMBARGO_CACHE_DIR", filepath.Join(dir, "cache"))
	os.Setenv("EMBARGO_DATA_DIR", filepath.Join(dir, "feed"))
	// Tables fit $COLUMNS when it is set: tests read them at the default.
	os.Unsetenv("COLUMNS")
	// No developer's or package's configuration file changes what the
	// tests see.
	os.Setenv("EMBARGO_CONFIG", os.DevNull)
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
	return runCmd(t, exec.Command(binary, args...))
}

// runCmd runs a prepared command of the binary and returns what it wrote
// and its exit code.
func runCmd(t *testing.T, cmd *exec.Cmd) (stdout, stderr string, code int) {
	t.Helper()
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

// scanReport runs a scan with -o json and decodes the parts the policy
// tests read.
type policyReport struct {
	Summary struct {
		Findings struct{ Open, Waived, Failing int } `json:"findings"`
	} `json:"summary"`
	Policy struct {
		Systems       string   `json:"systems"`
		Unregistered  []string `json:"unregistered_hosts"`
		UnusedWaivers []struct {
			ID string `json:"id"`
		} `json:"unused_waivers"`
	} `json:"policy"`
	Findings []struct {
		ID, System, Pack, Rule, Effect, State string
		FirstSeen                             string `json:"first_seen"`
		ItemName                              string `json:"item_name"`
	} `json:"findings"`
}

func scanJSON(t *testing.T, args ...string) (policyReport, int) {
	t.Helper()
	stdout, stderr, code := run(t, append([]string{"scan", "-o", "json"}, args...)...)
	var rep policyReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("%v: %v\nstderr: %s", args, err, stderr)
	}
	return rep, code
}

// The exit code follows unwaived findings at or above --fail-on, not
// mere attribution; the estate has an unknown, so "clear" is 3.
func TestPolicyExitCodes(t *testing.T) {
	estate := "testdata/estate.cdx.json"
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"BOD 17-01: a removal past its deadline is a breach", []string{estate, "--policy", "us-bod-17-01", "--no-state"}, 1},
		{"BOD 17-01: an overdue removal as a reminder", []string{estate, "--policy", "us-bod-17-01", "--overdue-is-reminder", "--no-state"}, 3},
		{"fail on remove-by", []string{estate, "--policy", "us-bod-17-01", "--fail-on", "remove-by", "--no-state"}, 1},
		{"NDAA s.1634 prohibits", []string{estate, "--policy", "us-ndaa18-s1634", "--no-state"}, 1},
		{"a national-security system is outside BOD 17-01", []string{estate, "--policy", "us-bod-17-01", "--tag", "national-security", "--fail-on", "warn", "--no-state"}, 3},
		{"NCSC: SECRET prohibits", []string{estate, "--policy", "uk-ncsc-2017-russia-av", "--classification", "SECRET", "--no-state"}, 1},
		{"NCSC: OFFICIAL warns", []string{estate, "--policy", "uk-ncsc-2017-russia-av", "--classification", "OFFICIAL", "--no-state"}, 3},
		{"waived on the register's SECRET desks", []string{estate, "--policy", "uk-ncsc-2017-russia-av", "--systems", "testdata/systems.yaml",
			"--host", "ws-0142", "--waivers", "testdata/waivers.yaml", "--no-state"}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, code := scanJSON(t, tt.args...); code != tt.want {
				t.Errorf("exit %d, want %d", code, tt.want)
			}
		})
	}
}

func TestPolicyRegisterAndWaivers(t *testing.T) {
	rep, _ := scanJSON(t, "testdata/estate.cdx.json", "--policy", "uk-ncsc-2017-russia-av", "--systems", "testdata/systems.yaml",
		"--host", "ws-0142", "--waivers", "testdata/waivers.yaml", "--no-state")
	got := map[string]string{}
	for _, f := range rep.Findings {
		if f.System != "secure-desks" || f.Rule != "ncsc-2017-secret" {
			t.Errorf("finding %s on %s by %s, want secure-desks and ncsc-2017-secret", f.ID, f.System, f.Rule)
		}
		got[f.ItemName] = f.State
	}
	want := map[string]string{
		"Kaspersky Endpoint Security for Windows": "waived",
		"/opt/kaspersky/klnagent64/bin/klnagent":  "open",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if len(rep.Policy.UnusedWaivers) != 1 || rep.Policy.UnusedWaivers[0].ID != "stale" {
		t.Errorf("unused waivers = %+v, want stale", rep.Policy.UnusedWaivers)
	}
	rep, _ = scanJSON(t, "testdata/estate.cdx.json", "--policy", "uk-ncsc-2017-russia-av", "--systems", "testdata/systems.yaml", "--no-state")
	if diff := cmp.Diff([]string{""}, rep.Policy.Unregistered); diff != "" {
		t.Errorf("an SBOM without --host is judged as the register's default (-want +got):\n%s", diff)
	}
}

// Bad policy input fails before scanning, with the file and line.
func TestPolicyBadInput(t *testing.T) {
	dir := t.TempDir()
	badSystems := filepath.Join(dir, "systems.yaml")
	os.WriteFile(badSystems, []byte("systems:\n  - id: a\n    classification: SEKRET\n"), 0o600)
	badPack := filepath.Join(dir, "pack.yaml")
	os.WriteFile(badPack, []byte("id: p\ntitle: t\ninstrument: us-bod-17-01\nrules:\n  - id: r\n    clause: a clause long enough to cite\n    effect: warn\n    severity: low\n    when: system.clasification == \"SECRET\"\n"), 0o600)
	estate := "testdata/estate.cdx.json"
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown pack", []string{"--policy", "us-bod-17-02"}, `no built-in policy pack "us-bod-17-02"`},
		{"bad classification", []string{"--policy", "us-bod-17-01", "--classification", "SEKRET"}, "SEKRET"},
		{"bad tag", []string{"--policy", "us-bod-17-01", "--tag", "National Security"}, "lower-case words"},
		{"bad fail-on", []string{"--policy", "us-bod-17-01", "--fail-on", "maybe"}, `--fail-on "maybe"`},
		{"judging flag without a policy", []string{"--classification", "SECRET"}, "give --policy too"},
		{"bad register", []string{"--policy", "us-bod-17-01", "--systems", badSystems}, badSystems + ":3"},
		{"bad CEL", []string{"--policy", badPack}, badPack + ":9:17"},
		{"register and one-off", []string{"--policy", "us-bod-17-01", "--systems", "testdata/systems.yaml", "--tag", "government-device"}, "one-off target"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := run(t, append([]string{"scan", estate, "--no-state"}, tt.args...)...)
			if code != 2 || stdout != "" || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 2, no output, and %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

// First sightings survive across runs in the state file, and explain
// prints a finding's whole chain from it or from a JSON report.
func TestPolicyStateAndExplain(t *testing.T) {
	state := filepath.Join(t.TempDir(), "findings.json")
	args := []string{"testdata/estate.cdx.json", "--policy", "us-bod-17-01", "--state", state}
	first, _ := scanJSON(t, args...)
	if len(first.Findings) == 0 {
		t.Fatal("no findings")
	}
	second, _ := scanJSON(t, args...)
	if diff := cmp.Diff(first.Findings, second.Findings); diff != "" {
		t.Errorf("findings changed between two runs (ids and first sightings must not) (-first +second):\n%s", diff)
	}
	var id string
	for _, f := range first.Findings {
		if f.Rule == "bod-17-01-remove" && f.ItemName == "Kaspersky Endpoint Security for Windows" {
			id = f.ID
		}
	}
	out, stderr, code := run(t, "explain", id[:9], "--state", state)
	if code != 0 {
		t.Fatalf("explain: exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"Item I-", "Evidence", "Supplier  AO Kaspersky Lab", "Controlling country  RU", "System     one-off",
		"Finding    " + id + ": remove-by, high severity, open", "Rule       bod-17-01-remove of pack us-bod-17-01",
		"Instrument us-bod-17-01", "Required action 3", "https://www.cisa.gov/binding-operational-directive-17-01",
		"Deadline   2017-12-12 (90 days after the instrument's effective date), overdue by", "Waiver     none",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}
	stdout, _, _ := run(t, "scan", "-o", "json", "--state", state, "testdata/estate.cdx.json", "--policy", "us-bod-17-01")
	reportFile := filepath.Join(t.TempDir(), "r.json")
	os.WriteFile(reportFile, []byte(stdout), 0o600)
	fromReport, _, code := run(t, "explain", id, "--report", reportFile)
	if code != 0 || fromReport != out {
		t.Errorf("explain --report (exit %d) differs from the state's:\n%s\n---\n%s", code, fromReport, out)
	}
	if _, stderr, code := run(t, "explain", "F-000000000000", "--state", state); code != 2 || !strings.Contains(stderr, "no finding") {
		t.Errorf("explain of an unknown finding: exit %d, %s", code, stderr)
	}
}
