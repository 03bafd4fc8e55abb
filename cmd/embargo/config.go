package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// configEnv names the configuration file as --config does.
const configEnv = "EMBARGO_CONFIG"

// configHelp is the help of `embargo config`, and the configuration's
// documentation in the man pages.
const configHelp = `Every flag of every command can also be set in the environment or in a configuration file.
A flag given on the command line wins over the environment, which wins over the file, which wins
over the built-in default. Settings from the environment and the file take the place of the
built-in defaults: a command treats them as defaults (they satisfy a required flag, and do not
count as judging flags given without --policy).

The file is the one --config names (or $EMBARGO_CONFIG), else the first that exists of
$XDG_CONFIG_HOME/embargo/embargo.yaml (~/.config/embargo/embargo.yaml when XDG_CONFIG_HOME is
unset) and /etc/embargo/embargo.yaml; only one file is read. It is YAML: at the top, the
settings every command shares (below) and one map per command, with flags by their long names
and subcommands as maps of their own. A flag under a command is set for the command and every
subcommand that has it. A top-level key that is both a command and a shared setting (catalog,
data) is the command when its value is a map. Lists are YAML lists or comma-separated
strings. An unknown key, or a value of the wrong type, is refused with the file and line:

    policy: [uk]                 # every command that judges by policy
    systems: /etc/embargo/systems.yaml
    scan:
      output: json
      exclude-path: [/proc, /sys]
    catalog:
      output: json               # catalog list, show and search
    admin:
      db: postgres://embargo@db.example.org/embargo   # every admin command
    agent:
      server: https://embargo.example.org:8443

The environment: EMBARGO_<COMMAND>_<FLAG>, upper case, with '-' and spaces as '_', such as
EMBARGO_SCAN_OUTPUT=json, EMBARGO_DATA_UPDATE_FORMAT=mmdb, EMBARGO_CATALOG_OUTPUT=json (for
catalog's subcommands too) or EMBARGO_ADMIN_DB (every admin command); and EMBARGO_<FLAG> for the
settings every command shares, such as EMBARGO_POLICY=uk,us-federal. Lists are comma-separated;
an empty variable is unset. The more specific name wins.

Settings every command shares (the top-level keys, and EMBARGO_<FLAG>): ` + "%s" + `.
Others, such as output, mean different things in different commands (a report format in scan,
an artefact in enforce, a file in data update), so they are set per command.

Secrets (tokens, the database URL, SNMP communities) are never printed from the environment or
the file; a configuration file holding one should not be readable by other users (chmod 600).
EMBARGO_DATA_DIR (where 'embargo update' installs the data feed) and EMBARGO_CACHE_DIR (the IP
data's table cache) are read as they always were.`

// globalSettings are the flags that mean the same in every command that
// has them, so that one setting (a top-level key of the file, or
// EMBARGO_<FLAG>) serves them all; each lists the commands where a flag
// of that name means something else and is left out.
var globalSettings = map[string][]string{
	"policy": nil, "classification": nil, "tag": nil, "systems": nil, "waivers": nil,
	"fail-on": nil, "state": nil, "no-state": nil, "overdue-is-reminder": nil,
	"max-data-age": nil, "fail-on-stale": nil, "quiet": nil, "trust-root": nil,
	"catalog": {"feed publish"}, // there: the catalogue's directory to publish
	"ipdata":  {"feed publish"}, // there: the snapshot to publish
	// The fleet server's store, for serve and the admin commands.
	"data": nil, "db": nil,
	// The agent's and the server's, named so before this file existed.
	"server": nil, "token": nil, "fingerprint": nil, "metrics-token": nil,
}

// configure gives root the --config flag and, before any command runs,
// sets the flags not given on the command line from the environment and
// the configuration file.
func configure(root *cobra.Command) {
	root.PersistentFlags().String("config", "", "read settings from this file (default $"+configEnv+", else "+configHint()+"; see 'embargo config')")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		switch cmd.Name() {
		case "help", cobra.ShellCompRequestCmd, cobra.ShellCompNoDescRequestCmd:
			return nil // help and completion work whatever the file says
		}
		cf, err := loadConfig(cmd)
		if err != nil {
			return err
		}
		return applySettings(cmd, cf, os.LookupEnv, cmd.ErrOrStderr())
	}
	root.AddCommand(&cobra.Command{
		Use:   "config",
		Short: "How to set flags in the environment and in a configuration file",
		Long:  fmt.Sprintf(configHelp, strings.Join(sortedGlobals(), ", ")),
	})
	hideSecretDefaults(root)
}

// configCandidates are the files looked for when none is named: the
// user's, then the system's.
func configCandidates() []string {
	var out []string
	if d := os.Getenv("XDG_CONFIG_HOME"); d != "" && filepath.IsAbs(d) {
		out = append(out, filepath.Join(d, "embargo", "embargo.yaml"))
	} else if runtime.GOOS != "windows" && runtime.GOOS != "darwin" {
		if home, err := os.UserHomeDir(); err == nil {
			out = append(out, filepath.Join(home, ".config", "embargo", "embargo.yaml"))
		}
	} else if d, err := os.UserConfigDir(); err == nil {
		out = append(out, filepath.Join(d, "embargo", "embargo.yaml"))
	}
	if runtime.GOOS == "windows" {
		if d := os.Getenv("ProgramData"); d != "" {
			return append(out, filepath.Join(d, "embargo", "embargo.yaml"))
		}
		return out
	}
	return append(out, "/etc/embargo/embargo.yaml")
}

// configHint names the candidates in the help, as they are named on
// every machine (the help goes into man pages built elsewhere).
func configHint() string {
	switch runtime.GOOS {
	case "windows":
		return `%AppData%\embargo\embargo.yaml, then %ProgramData%\embargo\embargo.yaml`
	case "darwin":
		return "~/Library/Application Support/embargo/embargo.yaml, then /etc/embargo/embargo.yaml"
	}
	return "$XDG_CONFIG_HOME/embargo/embargo.yaml or ~/.config/embargo/embargo.yaml, then /etc/embargo/embargo.yaml"
}

// configPath is the configuration file of this run: the one --config or
// $EMBARGO_CONFIG names (which must exist), else the first candidate that
// exists; "" when there is none.
func configPath(cmd *cobra.Command) (string, error) {
	name := os.Getenv(configEnv)
	if f := cmd.Root().PersistentFlags().Lookup("config"); f != nil && f.Changed {
		name = f.Value.String()
	}
	if name != "" {
		if _, err := os.Stat(name); err != nil {
			return "", fmt.Errorf("the configuration file: %w", err)
		}
		return name, nil
	}
	for _, c := range configCandidates() {
		if _, err := os.Stat(c); err == nil {
			return c, nil
		}
	}
	return "", nil
}

// configUsed is configPath without its error, for `embargo version`.
func configUsed(cmd *cobra.Command) string {
	p, _ := configPath(cmd)
	return p
}

// loadConfig reads and checks the configuration file of this run (nil
// when there is none).
func loadConfig(cmd *cobra.Command) (*configFile, error) {
	path, err := configPath(cmd)
	if err != nil || path == "" {
		return nil, err
	}
	data, err := readBoundedN(path, maxConfigFile)
	if err != nil {
		return nil, fmt.Errorf("the configuration file: %w", err)
	}
	cf, err := parseConfig(path, data, cmd.Root())
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(path); err == nil && runtime.GOOS != "windows" {
		cf.othersRead = st.Mode().Perm()&0o004 != 0
	}
	return cf, nil
}

// applySettings sets each flag of cmd not given on the command line from
// the environment (getenv), else from cf, as its default; it warns on w
// of a secret read from a file others can read.
func applySettings(cmd *cobra.Command, cf *configFile, getenv func(string) (string, bool), w io.Writer) error {
	var errs []error
	levels := ancestors(cmd)
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Changed || !settable(cmd, f) {
			return
		}
		values, where, ok := fromEnv(cmd, f, getenv)
		if !ok && cf != nil {
			var s setting
			if s, ok = cf.lookup(levels, f.Name); ok {
				values, where = s.values, fmt.Sprintf("%s:%d", cf.name, s.line)
				if isSecret(f.Name) && cf.othersRead {
					fmt.Fprintf(w, "embargo: warning: %s sets --%s, a secret, in a file other users can read: chmod 600 %s\n", where, f.Name, cf.name)
				}
			}
		}
		if ok {
			errs = append(errs, setDefault(f, values, where))
		}
	})
	return errors.Join(errs...)
}

// ancestors are cmd and its parents, the root left out: the commands
// whose settings apply to cmd, the most specific first.
func ancestors(cmd *cobra.Command) []*cobra.Command {
	var out []*cobra.Command
	for c := cmd; c.HasParent(); c = c.Parent() {
		out = append(out, c)
	}
	return out
}

// settable reports whether f, a flag of c, is set by the environment
// and the file: every flag but help and the root's own (--config).
func settable(c *cobra.Command, f *pflag.Flag) bool {
	root := c.Root()
	return f.Name != "help" && root.PersistentFlags().Lookup(f.Name) != f && root.LocalFlags().Lookup(f.Name) != f
}

// flagOf is the flag name of c, its own or inherited.
func flagOf(c *cobra.Command, name string) *pflag.Flag {
	if f := c.LocalFlags().Lookup(name); f != nil {
		return f
	}
	return c.InheritedFlags().Lookup(name)
}

// isGlobal reports whether flag name of the command at path is one of
// the settings every command shares.
func isGlobal(path, name string) bool {
	except, ok := globalSettings[name]
	if !ok {
		return false
	}
	for _, e := range except {
		if e == path {
			return false
		}
	}
	return true
}

// envNames are the variables that set flag name of cmd, the most
// specific first: EMBARGO_<COMMAND>_<FLAG> for cmd and each parent, then
// EMBARGO_<FLAG> for a setting every command shares.
func envNames(cmd *cobra.Command, name string) []string {
	var out []string
	for _, c := range ancestors(cmd) {
		out = append(out, "EMBARGO_"+envPart(commandPath(c))+"_"+envPart(name))
	}
	if isGlobal(commandPath(cmd), name) {
		out = append(out, "EMBARGO_"+envPart(name))
	}
	return out
}

func envPart(s string) string {
	return strings.ToUpper(strings.NewReplacer("-", "_", " ", "_").Replace(s))
}

// fromEnv is f's value from the first of its variables that is set and
// not empty, and the variable's name.
func fromEnv(cmd *cobra.Command, f *pflag.Flag, getenv func(string) (string, bool)) ([]string, string, bool) {
	for _, name := range envNames(cmd, f.Name) {
		v, ok := getenv(name)
		if !ok || v == "" {
			continue
		}
		if _, slice := f.Value.(pflag.SliceValue); slice {
			return splitList(v), name, true
		}
		return []string{v}, name, true
	}
	return nil, "", false
}

// splitList splits a comma-separated list, dropping empty elements.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// setDefault makes values f's value, as a default (a required flag
// counts as given); where names their source for errors, which never
// show a secret's value.
func setDefault(f *pflag.Flag, values []string, where string) error {
	var err error
	if sv, ok := f.Value.(pflag.SliceValue); ok {
		err = sv.Replace(values)
	} else if len(values) != 1 {
		return fmt.Errorf("%s: --%s takes one value, not a list", where, f.Name)
	} else {
		err = f.Value.Set(values[0])
	}
	switch {
	case err != nil && isSecret(f.Name):
		return fmt.Errorf("%s: not a valid --%s (the value is a secret and not shown)", where, f.Name)
	case err != nil:
		return fmt.Errorf("%s: --%s: %w", where, f.Name, err)
	}
	if _, required := f.Annotations[cobra.BashCompOneRequiredFlag]; required {
		f.Changed = true
	}
	return nil
}

// isSecret reports whether a flag's value is a secret, never to be
// printed: tokens, passwords, SNMP communities, and the database URL
// (which may hold a password); not the files that hold them.
func isSecret(name string) bool {
	if name == "db" {
		return true
	}
	if strings.HasSuffix(name, "-file") || strings.HasSuffix(name, "-stdin") {
		return false
	}
	for _, s := range []string{"token", "password", "secret", "community"} {
		if strings.Contains(name, s) {
			return true
		}
	}
	return false
}

// hideSecretDefaults keeps the help from printing a secret a command took
// from the environment as its default.
func hideSecretDefaults(c *cobra.Command) {
	c.LocalFlags().VisitAll(func(f *pflag.Flag) {
		if isSecret(f.Name) && f.DefValue != "" && f.DefValue != "[]" {
			f.DefValue = ""
		}
	})
	for _, s := range c.Commands() {
		hideSecretDefaults(s)
	}
}
