package main

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"
)

// maxConfigFile bounds the configuration file read.
const maxConfigFile = 1 << 20

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// configFile is a configuration file, read and checked against the
// commands and their flags: its settings by command path ("" for the
// top-level ones every command shares) and flag name.
type configFile struct {
	name       string
	settings   map[settingKey]setting
	othersRead bool // other users can read the file
}

type settingKey struct{ path, flag string }

// setting is one flag's value in the file, and its line.
type setting struct {
	values []string
	line   int
}

// parseConfig reads a configuration file named name, checking each key
// against the commands of root.
func parseConfig(name string, data []byte, root *cobra.Command) (*configFile, error) {
	cf := &configFile{name: name, settings: map[settingKey]setting{}}
	if len(data) > maxConfigFile {
		return nil, fmt.Errorf("%s: more than %d bytes: not a configuration file", name, maxConfigFile)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		// "yaml: line 3: did not find expected key" as file:line.
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			return nil, fmt.Errorf("%s:%s: %s", name, m[1], m[2])
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Tag == "!!null" {
		return cf, nil // empty, or only comments
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: a configuration file is a map of settings and commands", name, top.Line)
	}
	return cf, cf.walk(top, root, true)
}

// walk reads the map m of command c (the top level when top). A key is a
// flag of c or of its subcommands (a setting for them all), else a
// subcommand with a map of its own; at the top level, a setting every
// command shares or a command. A key that names both (catalog, data) is
// the command when its value is a map.
func (cf *configFile) walk(m *yaml.Node, c *cobra.Command, top bool) error {
	path := commandPath(c)
	first := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return fmt.Errorf("%s:%d: a key is a flag's or a command's name", cf.name, k.Line)
		}
		key := k.Value
		if l, ok := first[key]; ok {
			return fmt.Errorf("%s:%d: %q is given twice (first on line %d)", cf.name, k.Line, key, l)
		}
		first[key] = k.Line
		sub := subcommand(c, key)
		var f *pflag.Flag
		switch {
		case sub != nil && v.Kind == yaml.MappingNode:
		case top && isGlobal("", key):
			f = flagIn(c, key, true)
		case !top:
			f = flagIn(c, key, false)
		}
		if f != nil {
			s, err := cf.value(v, strings.TrimPrefix(strings.ReplaceAll(path, " ", ".")+"."+key, "."), f)
			if err != nil {
				return err
			}
			cf.settings[settingKey{path, key}] = s
			continue
		}
		if sub == nil {
			return cf.unknown(k, c, top)
		}
		if v.Kind != yaml.MappingNode {
			return fmt.Errorf("%s:%d: %q is a command: give it a map of its flags", cf.name, v.Line, key)
		}
		if err := cf.walk(v, sub, false); err != nil {
			return err
		}
	}
	return nil
}

// value checks v as the value of flag f (named key in the file): one
// scalar of the flag's type, or for a list flag a list of scalars or a
// comma-separated string. It never quotes the value, which may be a
// secret.
func (cf *configFile) value(v *yaml.Node, key string, f *pflag.Flag) (setting, error) {
	s := setting{line: v.Line}
	_, slice := f.Value.(pflag.SliceValue)
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		return s, fmt.Errorf("%s:%d: %s has no value", cf.name, v.Line, key)
	case v.Kind == yaml.ScalarNode && slice:
		s.values = splitList(v.Value)
	case v.Kind == yaml.ScalarNode:
		if want, what := yamlTag(f.Value.Type()); want != "" && v.Tag != want && (want != "!!float" || v.Tag != "!!int") {
			return s, fmt.Errorf("%s:%d: %s takes %s, not %s", cf.name, v.Line, key, what, yamlKind(v.Tag))
		}
		s.values = []string{v.Value}
	case v.Kind == yaml.SequenceNode && slice:
		for _, it := range v.Content {
			if it.Kind != yaml.ScalarNode || it.Tag == "!!null" {
				return s, fmt.Errorf("%s:%d: %s is a list of plain values", cf.name, it.Line, key)
			}
			s.values = append(s.values, it.Value)
		}
	case v.Kind == yaml.SequenceNode:
		return s, fmt.Errorf("%s:%d: %s takes one %s, not a list", cf.name, v.Line, key, f.Value.Type())
	case v.Kind == yaml.AliasNode:
		return s, fmt.Errorf("%s:%d: %s: YAML aliases are not read in a configuration file", cf.name, v.Line, key)
	default:
		return s, fmt.Errorf("%s:%d: %s takes a value, not a map", cf.name, v.Line, key)
	}
	return s, nil
}

// yamlTag is the YAML tag a value of a flag of type typ must have, and
// what that is in words; "" for any scalar (strings, durations,
// addresses).
func yamlTag(typ string) (tag, what string) {
	switch typ {
	case "bool":
		return "!!bool", "true or false"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "count":
		return "!!int", "a whole number"
	case "float32", "float64":
		return "!!float", "a number"
	}
	return "", ""
}

// yamlKind says what a scalar of tag is, without its value (which may
// be a secret).
func yamlKind(tag string) string {
	switch tag {
	case "!!bool":
		return "true or false"
	case "!!int":
		return "a whole number"
	case "!!float":
		return "a number"
	case "!!timestamp":
		return "a date"
	}
	return "a string"
}

// lookup is the file's value of flag name for the command whose
// ancestors are levels: the most specific command's, else the top-level
// setting.
func (cf *configFile) lookup(levels []*cobra.Command, name string) (setting, bool) {
	for _, c := range levels {
		if s, ok := cf.settings[settingKey{commandPath(c), name}]; ok {
			return s, true
		}
	}
	if isGlobal(commandPath(levels[0]), name) {
		s, ok := cf.settings[settingKey{"", name}]
		return s, ok
	}
	return setting{}, false
}

// unknown is the error of key k, neither a flag nor a subcommand of c.
func (cf *configFile) unknown(k *yaml.Node, c *cobra.Command, top bool) error {
	var flags, cmds []string
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() {
			cmds = append(cmds, s.Name())
		}
	}
	if top {
		msg := fmt.Sprintf("%s:%d: unknown key %q: neither a command (%s) nor a setting every command shares (%s)",
			cf.name, k.Line, k.Value, strings.Join(cmds, ", "), strings.Join(sortedGlobals(), ", "))
		if near := nearest(k.Value, append(cmds, sortedGlobals()...)); near != "" {
			msg += fmt.Sprintf("; did you mean %s?", near)
		}
		return fmt.Errorf("%s", msg)
	}
	seen := map[string]bool{}
	walkCommands(c, func(d *cobra.Command) {
		d.Flags().VisitAll(func(f *pflag.Flag) {
			if settable(d, f) && !seen[f.Name] {
				seen[f.Name] = true
				flags = append(flags, f.Name)
			}
		})
	})
	msg := fmt.Sprintf("%s:%d: unknown key %q: 'embargo %s' has no flag --%s", cf.name, k.Line, k.Value, commandPath(c), k.Value)
	if len(cmds) > 0 {
		msg += " and no command " + k.Value
	}
	if near := nearest(k.Value, flags); near != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", near)
	} else if near := nearest(k.Value, cmds); near != "" {
		msg += fmt.Sprintf(" (did you mean the command %s?)", near)
	}
	return fmt.Errorf("%s", msg)
}

// nearest is the name of names closest to s, if it is close: at most
// two edits away.
func nearest(s string, names []string) string {
	best, dist := "", 3
	for _, n := range names {
		if d := editDistance(s, n); d < dist {
			best, dist = n, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// flagIn is a settable flag named name of c or of a command below it
// (only where it is a setting every command shares, when global); nil
// when there is none. Its type is the setting's.
func flagIn(c *cobra.Command, name string, global bool) *pflag.Flag {
	var found *pflag.Flag
	walkCommands(c, func(d *cobra.Command) {
		if f := flagOf(d, name); found == nil && f != nil && settable(d, f) && (!global || isGlobal(commandPath(d), name)) {
			found = f
		}
	})
	return found
}

// walkCommands calls fn for c and every available command below it.
func walkCommands(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() {
			walkCommands(s, fn)
		}
	}
}

// subcommand is c's available subcommand named name, or nil.
func subcommand(c *cobra.Command, name string) *cobra.Command {
	for _, s := range c.Commands() {
		if s.IsAvailableCommand() && s.Name() == name {
			return s
		}
	}
	return nil
}

// commandPath is c's path below the root, "" for the root:
// "data update".
func commandPath(c *cobra.Command) string {
	var names []string
	for ; c.HasParent(); c = c.Parent() {
		names = append(names, c.Name())
	}
	slices.Reverse(names)
	return strings.Join(names, " ")
}

func sortedGlobals() []string {
	out := make([]string, 0, len(globalSettings))
	for n := range globalSettings {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
