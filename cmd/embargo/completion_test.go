package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/enforce"
	"github.com/embargo-dev/embargo/flows"
	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/scan"
)

// complete asks the binary, as a shell's completion script does, for
// the completions of the command line args (the last one being typed);
// it returns the values, without their descriptions, and the directive.
func complete(t *testing.T, env []string, args ...string) ([]string, string) {
	t.Helper()
	stdout, stderr, code := runEnv(t, env, append([]string{"__complete"}, args...)...)
	if code != exitOK {
		t.Fatalf("__complete %v: exit %d: %s", args, code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var values []string
	for _, l := range lines[:len(lines)-1] {
		v, _, _ := strings.Cut(l, "\t")
		values = append(values, v)
	}
	return values, lines[len(lines)-1]
}

func names[T interface{ Name() string }](xs []T) []string {
	var out []string
	for _, x := range xs {
		out = append(out, x.Name())
	}
	return out
}

func TestCompletionOfFlagValues(t *testing.T) {
	var packIDs []string
	packs, err := policy.Packs()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range packs {
		packIDs = append(packIDs, p.ID)
	}
	var collectors []string
	tags := map[string]bool{}
	for _, c := range scan.Collectors() {
		collectors = append(collectors, c.Name())
		for _, tag := range c.Tags() {
			tags[tag] = true
		}
	}
	for _, c := range collectors {
		delete(tags, c)
	}
	var tagNames []string
	for tag := range tags {
		tagNames = append(tagNames, tag)
	}
	sort.Strings(tagNames)
	var readers []string
	for _, r := range scan.Readers() {
		readers = append(readers, r.Name())
	}
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"scan", "-o", ""}, names(report.Encoders())},
		{[]string{"discover", "-o", ""}, names(report.Encoders())},
		{[]string{"flows", "-o", ""}, names(report.TrafficEncoders())},
		{[]string{"enforce", "-o", ""}, names(enforce.Emitters())},
		{[]string{"catalog", "search", "-o", ""}, []string{"table", "json"}},
		{[]string{"explain", "-o", "j"}, []string{"json"}},
		{[]string{"scan", "--format", ""}, append(readers, "image")},
		{[]string{"flows", "--format", ""}, names(flows.Readers())},
		{[]string{"scan", "--policy", ""}, append(append(policy.GroupNames(), "all"), packIDs...)},
		{[]string{"flows", "--policy", "us"}, []string{"us-federal", "us-asda-2023", "us-bis-kaspersky-fd-2024", "us-bod-17-01", "us-fcc-covered-list", "us-ndaa18-s1634", "us-ndaa19-s889", "us-no-tiktok-act-2022"}},
		{[]string{"enforce", "--policy", "uk,de"}, []string{"uk,de", "uk,de-bsi-2022-kaspersky"}},
		{[]string{"scan", "--select", ""}, append(collectors, tagNames...)},
		{[]string{"scan", "--select", "pe,winreg-s"}, []string{"pe,winreg-software", "pe,winreg-services"}},
		{[]string{"scan", "--fail-on", ""}, []string{"prohibit", "remove-by", "warn"}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			got, directive := complete(t, nil, tc.args...)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("completions (-want +got):\n%s", diff)
			}
			if directive != ":4" { // ShellCompDirectiveNoFileComp
				t.Errorf("directive %s, want :4 (no file completion)", directive)
			}
		})
	}
	// A pack file for --policy, a register for --systems: files.
	if _, directive := complete(t, nil, "scan", "--policy", "./packs/"); directive != ":0" {
		t.Errorf("--policy ./packs/: directive %s, want :0 (files)", directive)
	}
	if got, directive := complete(t, nil, "scan", "--systems", ""); directive != ":8" || !slices.Equal(got, []string{"yaml", "yml"}) {
		t.Errorf("--systems: %v %s, want YAML files", got, directive)
	}
}

func TestCompletionOfIDs(t *testing.T) {
	cat, err := catalog.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, e := range cat.Entities {
		if strings.HasPrefix(e.ID, "kaspersky") {
			want = append(want, e.ID)
		}
	}
	for _, p := range cat.Products {
		if strings.HasPrefix(p.ID, "kaspersky") {
			want = append(want, p.ID)
		}
	}
	got, _ := complete(t, nil, "catalog", "show", "kaspersky")
	if diff := cmp.Diff(want, got); diff != "" || len(want) < 2 {
		t.Errorf("catalog show kaspersky (-want +got):\n%s", diff)
	}
	if got, _ := complete(t, nil, "policy", "show", "us-bod"); !slices.Equal(got, []string{"us-bod-17-01"}) {
		t.Errorf("policy show us-bod: %v", got)
	}
	// explain: the items and findings of a report.
	stdout, _, _ := runEnv(t, nil, "scan", "-o", "json", "--policy", "us-federal", "--state", filepath.Join(t.TempDir(), "s.json"), "testdata/estate.cdx.json")
	rep := filepath.Join(t.TempDir(), "r.json")
	if err := os.WriteFile(rep, []byte(stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	got, _ = complete(t, nil, "explain", "--report", rep, "F-")
	if len(got) == 0 {
		t.Error("explain --report R F-: no findings")
	}
	for _, id := range got {
		if !strings.HasPrefix(id, "F-") || !strings.Contains(stdout, `"id": "`+id+`"`) {
			t.Errorf("explain --report R F-: %q is not a finding of the report", id)
		}
	}
	got, _ = complete(t, nil, "explain", "--report", rep, "I-")
	if len(got) < 3 {
		t.Errorf("explain --report R I-: %v", got)
	}
	// explain: the findings of the state file a scan kept.
	state := filepath.Join(t.TempDir(), "state.json")
	runEnv(t, nil, "scan", "--policy", "us-federal", "--state", state, "testdata/estate.cdx.json")
	fromState, _ := complete(t, nil, "explain", "--state", state, "")
	fromReport, _ := complete(t, nil, "explain", "--report", rep, "F-")
	sort.Strings(fromReport)
	if diff := cmp.Diff(fromReport, fromState); diff != "" {
		t.Errorf("the state's findings differ from the report's (-report +state):\n%s", diff)
	}
}

// TestCompletionScriptsInBash sources the bash script and completes as
// bash does when TAB is pressed.
func TestCompletionScriptsInBash(t *testing.T) {
	bash := testtool.Command(t, "bash", "bash")
	// cobra's bash script completes through bash-completion's functions.
	lib := testtool.File(t, "/usr/share/bash-completion/bash_completion", "bash-completion")
	script, stderr, code := runEnv(t, nil, "completion", "bash")
	if code != exitOK || !strings.Contains(script, "__start_embargo") {
		t.Fatalf("completion bash: exit %d: %s", code, stderr)
	}
	file := filepath.Join(t.TempDir(), "embargo.bash")
	if err := os.WriteFile(file, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	tab := func(line string) []string {
		t.Helper()
		words := strings.Fields(line)
		if strings.HasSuffix(line, " ") {
			words = append(words, "")
		}
		words[0] = binary
		quoted := make([]string, len(words))
		for i, w := range words {
			quoted[i] = "'" + w + "'"
		}
		prog := `source "$2"
source "$1"
COMP_WORDS=(` + strings.Join(quoted, " ") + `)
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="${COMP_WORDS[*]}"
COMP_POINT=${#COMP_LINE}
COMP_TYPE=9
__start_embargo
printf '%s\n' "${COMPREPLY[@]}"`
		cmd := exec.Command(bash, "-c", prog, "bash", file, lib)
		cmd.Env = append(os.Environ(), "EMBARGO_CONFIG="+os.DevNull)
		// Outside a real completion, bash-completion's compopt complains
		// on standard error; the completions are on standard output.
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return strings.Fields(string(out))
	}
	for line, want := range map[string][]string{
		"embargo scan -o ":                  names(report.Encoders()),
		"embargo scan --policy us-fe":       {"us-federal"},
		"embargo catalog show kaspersky-ao": {"kaspersky-ao"},
		"embargo ver":                       {"version"},
		"embargo data up":                   {"update"},
	} {
		if got := tab(line); !slices.Equal(got, want) {
			t.Errorf("%sTAB: %v, want %v", line, got, want)
		}
	}
	for shell, want := range map[string]string{"zsh": "#compdef embargo", "fish": "complete -c embargo", "powershell": "Register-ArgumentCompleter"} {
		out, stderr, code := runEnv(t, nil, "completion", shell)
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("completion %s: exit %d, lacks %q: %s", shell, code, want, stderr)
		}
	}
	if _, stderr, code := runEnv(t, nil, "completion", "tcsh"); code != exitError || !strings.Contains(stderr, `no completion for the shell "tcsh"`) {
		t.Errorf("completion tcsh: exit %d: %s", code, stderr)
	}
}
