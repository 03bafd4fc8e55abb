package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestEnvNamesAreUnambiguous checks that every variable the commands
// read names one flag of one command (or one shared setting), and none
// is a variable embargo reads for something else.
func TestEnvNamesAreUnambiguous(t *testing.T) {
	root := newRoot()
	type target struct{ path, flag string }
	names := map[string]target{}
	add := func(name string, tg target) {
		if prev, ok := names[name]; ok && prev != tg {
			t.Errorf("%s sets both %v and %v", name, prev, tg)
		}
		names[name] = tg
	}
	walkCommands(root, func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			if !settable(c, f) {
				return
			}
			for i, name := range envNames(c, f.Name) {
				levels := ancestors(c)
				if i < len(levels) {
					add(name, target{commandPath(levels[i]), f.Name})
				} else {
					add(name, target{"", f.Name})
				}
			}
		})
	})
	if len(names) < 200 {
		t.Fatalf("only %d variables: the walk missed commands", len(names))
	}
	for name := range names {
		for _, other := range []string{"EMBARGO_CONFIG", "EMBARGO_CACHE_DIR", "EMBARGO_DATA_DIR"} {
			if name == other {
				t.Errorf("%s sets a flag, but embargo reads it for something else", name)
			}
		}
		for _, prefix := range []string{"EMBARGO_TEST_", "EMBARGO_BENCH_", "EMBARGO_KEEP_"} {
			if strings.HasPrefix(name, prefix) {
				t.Errorf("%s sets a flag, but the tests read %s*", name, prefix)
			}
		}
	}
	// The names the agent and the server documented before.
	for name, want := range map[string]target{
		"EMBARGO_SERVER": {"", "server"}, "EMBARGO_TOKEN": {"", "token"}, "EMBARGO_FINGERPRINT": {"", "fingerprint"},
		"EMBARGO_METRICS_TOKEN": {"", "metrics-token"}, "EMBARGO_SCAN_OUTPUT": {"scan", "output"},
		"EMBARGO_DATA_UPDATE_FORMAT": {"data update", "format"}, "EMBARGO_CATALOG_OUTPUT": {"catalog", "output"},
	} {
		if got := names[name]; got != want {
			t.Errorf("%s sets %v, want %v", name, got, want)
		}
	}
}

// TestGlobalSettingsMeanOneThing checks that a shared setting has one
// type wherever it applies, and that each exception is a real flag.
func TestGlobalSettingsMeanOneThing(t *testing.T) {
	root := newRoot()
	for name, except := range globalSettings {
		types := map[string][]string{}
		walkCommands(root, func(c *cobra.Command) {
			if f := c.LocalFlags().Lookup(name); f != nil && isGlobal(commandPath(c), name) {
				types[f.Value.Type()] = append(types[f.Value.Type()], commandPath(c))
			}
		})
		if len(types) != 1 {
			t.Errorf("the shared setting %s has the types %v", name, types)
		}
		for _, path := range except {
			c, _, err := root.Find(strings.Fields(path))
			if err != nil || commandPath(c) != path || c.LocalFlags().Lookup(name) == nil {
				t.Errorf("the exception %q of %s is not a command with that flag", path, name)
			}
		}
	}
}

// TestNoCommandHasAFlagNamedAsASubcommand: the file would not know
// which was meant.
func TestNoCommandHasAFlagNamedAsASubcommand(t *testing.T) {
	walkCommands(newRoot(), func(c *cobra.Command) {
		for _, s := range c.Commands() {
			if s.IsAvailableCommand() && c.HasParent() && flagIn(c, s.Name(), false) != nil {
				t.Errorf("'embargo %s' has both a flag and a command %s", commandPath(c), s.Name())
			}
		}
	})
}

func TestParseConfig(t *testing.T) {
	root := newRoot()
	// A key that is both a command and a shared setting (catalog, data)
	// is one or the other, once.
	for _, text := range []string{
		"data: /srv/embargo\nscan:\n  output: json\ndata:\n  update:\n    format: mmdb\n",
		"catalog:\n  output: json\ncatalog: local.yaml\n",
	} {
		_, err := parseConfig("c.yaml", []byte(text), root)
		if err == nil || !strings.Contains(err.Error(), "is given twice (first on line 1)") {
			t.Errorf("%q: err = %v", text, err)
		}
	}
	cf, err := parseConfig("c.yaml", []byte(`policy: [uk, de]
data: /srv/embargo
scan:
  output: json
  quiet: true
  exclude-path: /proc,/sys
catalog:
  output: json
admin:
  db: postgres://x
`), root)
	if err != nil {
		t.Fatal(err)
	}
	want := map[settingKey]setting{
		{"", "policy"}:           {values: []string{"uk", "de"}, line: 1},
		{"", "data"}:             {values: []string{"/srv/embargo"}, line: 2},
		{"scan", "output"}:       {values: []string{"json"}, line: 4},
		{"scan", "quiet"}:        {values: []string{"true"}, line: 5},
		{"scan", "exclude-path"}: {values: []string{"/proc", "/sys"}, line: 6},
		{"catalog", "output"}:    {values: []string{"json"}, line: 8},
		{"admin", "db"}:          {values: []string{"postgres://x"}, line: 10},
	}
	if diff := cmp.Diff(want, cf.settings, cmp.AllowUnexported(setting{})); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
	for _, empty := range []string{"", "# nothing set\n", "---\n"} {
		cf, err := parseConfig("e.yaml", []byte(empty), root)
		if err != nil || len(cf.settings) != 0 {
			t.Errorf("%q: %v, %v", empty, cf, err)
		}
	}
	if _, err := parseConfig("big.yaml", make([]byte, maxConfigFile+1), root); err == nil {
		t.Error("a file over the limit was read")
	}
}

// TestSecretErrorsHideTheValue sets a secret flag that rejects the value.
func TestSecretErrorsHideTheValue(t *testing.T) {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.Int("api-token", 0, "")
	fs.Int("workers", 0, "")
	err := setDefault(fs.Lookup("api-token"), []string{"s3cret"}, "EMBARGO_X_API_TOKEN")
	if err == nil || strings.Contains(err.Error(), "s3cret") || !strings.Contains(err.Error(), "EMBARGO_X_API_TOKEN") {
		t.Errorf("err = %v", err)
	}
	err = setDefault(fs.Lookup("workers"), []string{"many"}, "EMBARGO_X_WORKERS")
	if err == nil || !strings.Contains(err.Error(), `"many"`) {
		t.Errorf("a plain value's error should quote it: %v", err)
	}
	for name, want := range map[string]bool{
		"token": true, "metrics-token": true, "db": true, "snmp-community": true, "password": true,
		"snmp-community-file": false, "password-stdin": false, "output": false, "data": false,
	} {
		if isSecret(name) != want {
			t.Errorf("isSecret(%q) = %v", name, !want)
		}
	}
}

// FuzzParseConfig reads any bytes as a configuration file: an error or
// settings, never a panic.
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		"scan:\n  output: json\n", "policy: [uk]\ncatalog:\n  output: json\n", "data:\n  update:\n    from: [a, b]\n",
		"scan: &a\n  output: json\nflows: *a\n", "- 1\n", "scan:\n  quiet: 1\n", "? [a]\n: b\n", "",
	} {
		f.Add([]byte(s))
	}
	root := newRoot()
	f.Fuzz(func(t *testing.T, data []byte) {
		cf, err := parseConfig("fuzz.yaml", data, root)
		if err == nil && cf == nil {
			t.Fatal("no settings and no error")
		}
		if err != nil && !strings.HasPrefix(err.Error(), "fuzz.yaml") {
			t.Fatalf("the error does not name the file: %v", err)
		}
	})
}
