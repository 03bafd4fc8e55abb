package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// runEnv runs the binary as run does, with env added to an environment
// that holds no EMBARGO_ setting of the developer's and reads no
// configuration file unless env names one (EMBARGO_CONFIG="" looks for
// the candidates again).
func runEnv(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	return runBinEnv(t, binary, env, args...)
}

// runBinEnv is runEnv with another build of embargo.
func runBinEnv(t *testing.T, bin string, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "EMBARGO_") && k != "EMBARGO_CACHE_DIR" && k != "EMBARGO_DATA_DIR" || k == "XDG_CONFIG_HOME" {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, "XDG_CONFIG_HOME="+t.TempDir(), "EMBARGO_CONFIG="+os.DevNull)
	cmd.Env = append(cmd.Env, env...)
	return runCmd(t, cmd)
}

// writeConfig writes a configuration file, and returns its name.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "embargo.yaml")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// outputKind says which format scan wrote: json, csv or table.
func outputKind(stdout string) string {
	switch {
	case strings.HasPrefix(stdout, "{"):
		return "json"
	case strings.HasPrefix(stdout, "status,"):
		return "csv"
	}
	return "table"
}

// packsOf are the ids of the packs a scan's JSON report was judged by.
func packsOf(t *testing.T, stdout string) []string {
	t.Helper()
	var rep struct {
		Policy *struct {
			Packs []struct{ ID string } `json:"packs"`
		} `json:"policy"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("not a JSON report: %v\n%s", err, stdout)
	}
	var ids []string
	if rep.Policy != nil {
		for _, p := range rep.Policy.Packs {
			ids = append(ids, p.ID)
		}
	}
	return ids
}

func TestConfigPrecedence(t *testing.T) {
	uk := []string{"uk-ncsc-2017-russia-av", "uk-ncsc-2017-russia-egress", "uk-tiktok-govdevices-2023"}
	de := []string{"de-bsi-2022-kaspersky"}
	tests := []struct {
		name   string
		file   string   // the configuration file's text; none when empty
		env    []string // added to the environment
		args   []string // after "scan"; the input is added
		output string   // which format scan wrote
		packs  []string // with -o json: the packs judged by
	}{
		{name: "built-in default", output: "table"},
		{name: "file over default", file: "scan:\n  output: json\n", output: "json"},
		{name: "environment over file", file: "scan:\n  output: json\n", env: []string{"EMBARGO_SCAN_OUTPUT=csv"}, output: "csv"},
		{name: "flag over environment", env: []string{"EMBARGO_SCAN_OUTPUT=csv"}, args: []string{"-o", "json"}, output: "json"},
		{name: "flag over file", file: "scan:\n  output: csv\n", args: []string{"-o", "json"}, output: "json"},
		{name: "an empty variable is unset", file: "scan:\n  output: json\n", env: []string{"EMBARGO_SCAN_OUTPUT="}, output: "json"},
		{name: "top-level setting", file: "policy: [uk]\n", args: []string{"-o", "json"}, output: "json", packs: uk},
		{name: "command's setting over top-level", file: "policy: [uk]\nscan:\n  policy: [de]\n", args: []string{"-o", "json"}, output: "json", packs: de},
		{name: "plain variable", env: []string{"EMBARGO_POLICY=de"}, args: []string{"-o", "json"}, output: "json", packs: de},
		{name: "command's variable over plain", env: []string{"EMBARGO_POLICY=de", "EMBARGO_SCAN_POLICY=uk"}, args: []string{"-o", "json"}, output: "json", packs: uk},
		{name: "plain variable over the file's command", file: "scan:\n  policy: [uk]\n", env: []string{"EMBARGO_POLICY=de"}, args: []string{"-o", "json"}, output: "json", packs: de},
		{name: "flag over both", file: "policy: [uk]\n", env: []string{"EMBARGO_POLICY=uk"}, args: []string{"-o", "json", "--policy", "de"}, output: "json", packs: de},
		{name: "list from a comma-separated variable", env: []string{"EMBARGO_SCAN_POLICY=de, uk"}, args: []string{"-o", "json"}, output: "json", packs: append(slices.Clone(de), uk...)},
		{name: "list from a YAML list", file: "scan:\n  policy:\n    - de\n    - uk\n", args: []string{"-o", "json"}, output: "json", packs: append(slices.Clone(de), uk...)},
		{name: "list from a comma-separated string", file: "scan:\n  policy: de,uk\n", args: []string{"-o", "json"}, output: "json", packs: append(slices.Clone(de), uk...)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := slices.Clone(tc.env)
			if tc.file != "" {
				env = append(env, "EMBARGO_CONFIG="+writeConfig(t, tc.file))
			}
			args := append(append([]string{"scan"}, tc.args...), "testdata/estate.cdx.json")
			stdout, stderr, code := runEnv(t, env, args...)
			if code == exitError {
				t.Fatalf("exit %d; stderr: %s", code, stderr)
			}
			if got := outputKind(stdout); got != tc.output {
				t.Fatalf("scan wrote %s, want %s", got, tc.output)
			}
			if tc.output == "json" {
				if diff := cmp.Diff(tc.packs, packsOf(t, stdout)); diff != "" {
					t.Errorf("packs (-want +got):\n%s", diff)
				}
			}
		})
	}
}

// TestConfigFileIsFound checks where the file is looked for: --config
// over $EMBARGO_CONFIG over $XDG_CONFIG_HOME/embargo/embargo.yaml.
func TestConfigFileIsFound(t *testing.T) {
	xdg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(xdg, "embargo"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(xdg, "embargo", "embargo.yaml"), []byte("scan:\n  output: json\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	csv := writeConfig(t, "scan:\n  output: csv\n")
	table := writeConfig(t, "scan:\n  output: table\n")
	tests := []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"the user's file", []string{"XDG_CONFIG_HOME=" + xdg, "EMBARGO_CONFIG="}, nil, "json"},
		{"EMBARGO_CONFIG over the user's file", []string{"XDG_CONFIG_HOME=" + xdg, "EMBARGO_CONFIG=" + csv}, nil, "csv"},
		{"--config over EMBARGO_CONFIG", []string{"XDG_CONFIG_HOME=" + xdg, "EMBARGO_CONFIG=" + csv}, []string{"--config", table}, "table"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append(slices.Clone(tc.args), "scan", "testdata/clean.cdx.json")
			stdout, stderr, code := runEnv(t, tc.env, args...)
			if code != exitOK {
				t.Fatalf("exit %d; stderr: %s", code, stderr)
			}
			if got := outputKind(stdout); got != tc.want {
				t.Errorf("scan wrote %s, want %s", got, tc.want)
			}
		})
	}
	stdout, _, _ := runEnv(t, []string{"XDG_CONFIG_HOME=" + xdg, "EMBARGO_CONFIG="}, "version", "-o", "json")
	var v struct{ Config string }
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(xdg, "embargo", "embargo.yaml"); v.Config != want {
		t.Errorf("version names the configuration %q, want %q", v.Config, want)
	}
}

func TestConfigCandidates(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/srv/conf")
	want := []string{"/srv/conf/embargo/embargo.yaml", "/etc/embargo/embargo.yaml"}
	if diff := cmp.Diff(want, configCandidates()); diff != "" {
		t.Errorf("candidates (-want +got):\n%s", diff)
	}
	t.Setenv("XDG_CONFIG_HOME", "relative/is/ignored")
	t.Setenv("HOME", "/home/u")
	want = []string{"/home/u/.config/embargo/embargo.yaml", "/etc/embargo/embargo.yaml"}
	if diff := cmp.Diff(want, configCandidates()); diff != "" {
		t.Errorf("candidates (-want +got):\n%s", diff)
	}
}

// TestConfigSettingsAreDefaults: a setting satisfies a required flag,
// and a judging setting is not a judging flag given without --policy.
func TestConfigSettingsAreDefaults(t *testing.T) {
	key := filepath.Join(t.TempDir(), "k.json")
	conf := writeConfig(t, "feed:\n  keygen:\n    out: "+key+"\n")
	if _, stderr, code := runEnv(t, []string{"EMBARGO_CONFIG=" + conf}, "feed", "keygen"); code != exitOK {
		t.Fatalf("feed keygen with --out from the file: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(key); err != nil {
		t.Errorf("the key was not written where the file said: %v", err)
	}
	if _, stderr, code := runEnv(t, []string{"EMBARGO_FEED_KEYGEN_OUT=" + key + ".2"}, "feed", "keygen"); code != exitOK {
		t.Fatalf("feed keygen with --out from the environment: exit %d: %s", code, stderr)
	}
	conf = writeConfig(t, "classification: OFFICIAL\n")
	if _, stderr, code := runEnv(t, []string{"EMBARGO_CONFIG=" + conf}, "scan", "testdata/clean.cdx.json"); code != exitOK {
		t.Errorf("a classification in the file without a policy: exit %d: %s", code, stderr)
	}
}

// TestConfigSubcommands: a setting of a command holds for its
// subcommands that have the flag.
func TestConfigSubcommands(t *testing.T) {
	for _, env := range [][]string{
		{"EMBARGO_CONFIG=" + writeConfig(t, "catalog:\n  output: json\n")},
		{"EMBARGO_CATALOG_OUTPUT=json"},
		{"EMBARGO_CATALOG_SEARCH_OUTPUT=json", "EMBARGO_CATALOG_OUTPUT=table"},
	} {
		stdout, stderr, code := runEnv(t, env, "catalog", "search", "kaspersky")
		if code != exitOK || !json.Valid([]byte(stdout)) {
			t.Errorf("%v: catalog search wrote no JSON (exit %d): %s%s", env, code, stdout, stderr)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		env  []string
		want string // in stderr; FILE stands for the file's name
	}{
		{"unknown flag", "scan:\n  output: json\n  outptu: json\n", nil, `FILE:3: unknown key "outptu": 'embargo scan' has no flag --outptu (did you mean output?)`},
		{"unknown command", "sacn:\n  output: json\n", nil, `FILE:1: unknown key "sacn": neither a command`},
		{"unknown subcommand's flag", "data:\n  update:\n    formta: mmdb\n", nil, `FILE:3: unknown key "formta": 'embargo data update' has no flag --formta (did you mean format?)`},
		{"output is not a shared setting", "output: json\n", nil, `FILE:1: unknown key "output"`},
		{"bool given a string", "scan:\n  quiet: \"yes\"\n", nil, "FILE:2: scan.quiet takes true or false, not a string"},
		{"number given a string", "discover:\n  workers: many\n", nil, "FILE:2: discover.workers takes a whole number, not a string"},
		{"list for one value", "scan:\n  output: [json, csv]\n", nil, "FILE:2: scan.output takes one string, not a list"},
		{"map for a value", "scan:\n  output: {a: b}\n", nil, "FILE:2: scan.output takes a value, not a map"},
		{"no value", "scan:\n  output:\n", nil, "FILE:2: scan.output has no value"},
		{"a command given a value", "scan: json\n", nil, `FILE:1: "scan" is a command: give it a map of its flags`},
		{"twice", "scan:\n  output: json\n  output: csv\n", nil, `FILE:3: "output" is given twice (first on line 2)`},
		{"not a map", "- scan\n", nil, "FILE:1: a configuration file is a map of settings and commands"},
		{"bad YAML", "scan:\n  output: [json\n", nil, "FILE:1: did not find expected ',' or ']'"},
		{"bad duration", "scan:\n  max-data-age: 30\n", nil, `FILE:2: --max-data-age: time: missing unit in duration "30"`},
		{"bad duration in the environment", "", []string{"EMBARGO_SCAN_MAX_DATA_AGE=a month"}, `EMBARGO_SCAN_MAX_DATA_AGE: --max-data-age: time: invalid duration "a month"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env, file := slices.Clone(tc.env), os.DevNull
			if tc.file != "" {
				file = writeConfig(t, tc.file)
				env = append(env, "EMBARGO_CONFIG="+file)
			}
			_, stderr, code := runEnv(t, env, "scan", "testdata/clean.cdx.json")
			if code != exitError {
				t.Errorf("exit %d, want %d", code, exitError)
			}
			if want := strings.ReplaceAll(tc.want, "FILE", file); !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		})
	}
	_, stderr, code := runEnv(t, nil, "--config", "testdata/no-such.yaml", "scan", "testdata/clean.cdx.json")
	if code != exitError || !strings.Contains(stderr, "testdata/no-such.yaml: no such file") {
		t.Errorf("a missing --config file: exit %d: %s", code, stderr)
	}
}

// TestConfigNeverPrintsSecrets runs commands with secrets in the
// environment and in a file other users can read, and looks for them in
// everything printed.
func TestConfigNeverPrintsSecrets(t *testing.T) {
	const envSecret, fileSecret = "s3cret-from-env-6d1f", "s3cret-from-file-9b2e"
	conf := writeConfig(t, "agent:\n  token: "+fileSecret+"\nserve:\n  db: postgres://u:"+fileSecret+"@localhost/x\n")
	if err := os.Chmod(conf, 0o644); err != nil {
		t.Fatal(err)
	}
	target := "testdata/clean.cdx.json"
	state := t.TempDir() // never the machine's /var/lib/embargo-agent
	runs := []struct {
		env  []string
		args []string
		want string // in stderr
	}{
		{[]string{"EMBARGO_AGENT_TOKEN=" + envSecret}, []string{"agent", "--server", "http://127.0.0.1:9", "--state-dir", state, "--once", target}, ""},
		{[]string{"EMBARGO_CONFIG=" + conf}, []string{"agent", "--server", "http://127.0.0.1:9", "--state-dir", state, "--once", target},
			conf + ":2 sets --token, a secret, in a file other users can read: chmod 600 " + conf},
		{[]string{"EMBARGO_TOKEN=" + envSecret, "EMBARGO_METRICS_TOKEN=" + envSecret, "EMBARGO_DISCOVER_SNMP_COMMUNITY=" + envSecret}, []string{"agent", "--help"}, ""},
		{[]string{"EMBARGO_METRICS_TOKEN=" + envSecret}, []string{"serve", "--help"}, ""},
		{[]string{"EMBARGO_DISCOVER_SNMP_COMMUNITY=" + envSecret}, []string{"discover", "--help"}, ""},
		{[]string{"EMBARGO_CONFIG=" + conf, "EMBARGO_TOKEN=" + envSecret}, []string{"version"}, ""},
	}
	for _, r := range runs {
		stdout, stderr, _ := runEnv(t, r.env, r.args...)
		for _, s := range []string{envSecret, fileSecret} {
			if strings.Contains(stdout+stderr, s) {
				t.Errorf("%v %v printed a secret:\n%s\n%s", r.env, r.args, stdout, stderr)
			}
		}
		if !strings.Contains(stderr, r.want) {
			t.Errorf("%v %v: stderr lacks %q:\n%s", r.env, r.args, r.want, stderr)
		}
	}
	// The pages written by 'man' with a secret in the environment.
	dir := t.TempDir()
	if _, stderr, code := runEnv(t, []string{"EMBARGO_TOKEN=" + envSecret, "EMBARGO_METRICS_TOKEN=" + envSecret}, "man", "--dir", dir); code != exitOK {
		t.Fatalf("man: exit %d: %s", code, stderr)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "*.1"))
	if len(pages) == 0 {
		t.Fatal("man wrote no pages")
	}
	for _, p := range pages {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(envSecret)) {
			t.Errorf("%s holds a secret from the environment", p)
		}
	}
}
