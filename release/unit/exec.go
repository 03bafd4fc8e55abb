package unit

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// Exec is how systemd starts a service's main process, as far as it can be
// done without systemd: the command, the user, the environment and
// directories, the umask and the privileges it keeps. Settings systemd
// applies through namespaces (ProtectSystem=, PrivateTmp=, ...) and seccomp
// are not in it: systemd-analyze verify and security check those.
type Exec struct {
	Argv       []string
	User       string // "" for root
	Group      string
	Env        []string // KEY=VALUE, later ones win
	WorkingDir string
	UMask      os.FileMode
	Dirs       []Dir // StateDirectory=, CacheDirectory=, LogsDirectory=, RuntimeDirectory=
	// NoNewPrivileges is NoNewPrivileges=yes.
	NoNewPrivileges bool
	// Caps is CapabilityBoundingSet= as lower-case names without "cap_"
	// (what setpriv(1) takes); nil when the unit leaves the set alone.
	Caps []string
}

// Dir is a directory systemd creates for a service, owned by its user.
type Dir struct {
	Path string
	Mode os.FileMode
	Env  string // the variable systemd sets to it: STATE_DIRECTORY, ...
}

// dirKinds are systemd's *Directory= settings: their root, and the
// variable naming the directory.
var dirKinds = []struct{ key, root, env string }{
	{"RuntimeDirectory", "/run", "RUNTIME_DIRECTORY"},
	{"StateDirectory", "/var/lib", "STATE_DIRECTORY"},
	{"CacheDirectory", "/var/cache", "CACHE_DIRECTORY"},
	{"LogsDirectory", "/var/log", "LOGS_DIRECTORY"},
}

// Exec works out the service's start. readFile reads EnvironmentFile=s
// (os.ReadFile in use; a test's fake elsewhere). Whatever the unit asks
// that this cannot reproduce faithfully (specifiers, variable expansion,
// ExecStart prefixes, more than one ExecStart) is an error rather than a
// guess.
func (f *File) Exec(readFile func(string) ([]byte, error)) (*Exec, error) {
	const s = "Service"
	starts := f.Values(s, "ExecStart")
	if len(starts) != 1 {
		return nil, fmt.Errorf("want one ExecStart=, found %d", len(starts))
	}
	argv, err := SplitWords(starts[0])
	if err != nil {
		return nil, fmt.Errorf("setting ExecStart=%s: %w", starts[0], err)
	}
	if len(argv) == 0 || !filepath.IsAbs(argv[0]) {
		return nil, fmt.Errorf("setting ExecStart=%s: want an absolute program path first (prefixes such as - @ + ! are not supported)", starts[0])
	}
	for _, w := range argv {
		if strings.ContainsAny(w, "%$") {
			return nil, fmt.Errorf("setting ExecStart=%s: specifiers (%%) and variables ($) are not supported", starts[0])
		}
	}
	x := &Exec{Argv: argv, UMask: 0o022}
	x.User, _ = f.Value(s, "User")
	if x.Group, _ = f.Value(s, "Group"); x.Group == "" {
		x.Group = x.User
	}
	x.WorkingDir, _ = f.Value(s, "WorkingDirectory")
	if strings.HasPrefix(x.WorkingDir, "-") || strings.HasPrefix(x.WorkingDir, "~") {
		return nil, fmt.Errorf("setting WorkingDirectory=%s: only an absolute path is supported", x.WorkingDir)
	}
	if v, ok := f.Value(s, "UMask"); ok {
		m, err := strconv.ParseUint(v, 8, 32)
		if err != nil || m > 0o777 {
			return nil, fmt.Errorf("setting UMask=%s: want an octal mode", v)
		}
		x.UMask = os.FileMode(m)
	}
	if v, _ := f.Value(s, "NoNewPrivileges"); isTrue(v) {
		x.NoNewPrivileges = true
	}
	if _, set := f.Value(s, "CapabilityBoundingSet"); set {
		x.Caps = []string{}
		for _, v := range f.Values(s, "CapabilityBoundingSet") {
			if strings.HasPrefix(v, "~") {
				return nil, fmt.Errorf("setting CapabilityBoundingSet=%s: an inverted set is not supported", v)
			}
			for _, c := range strings.Fields(v) {
				x.Caps = append(x.Caps, strings.TrimPrefix(strings.ToLower(c), "cap_"))
			}
		}
	}
	for _, k := range dirKinds {
		mode := os.FileMode(0o755)
		if v, ok := f.Value(s, k.key+"Mode"); ok {
			m, err := strconv.ParseUint(v, 8, 32)
			if err != nil || m > 0o7777 {
				return nil, fmt.Errorf("setting %sMode=%s: want an octal mode", k.key, v)
			}
			mode = os.FileMode(m)
		}
		var paths []string
		for _, v := range f.Values(s, k.key) {
			for _, name := range strings.Fields(v) {
				if filepath.IsAbs(name) || strings.Contains(name, "..") || strings.Contains(name, ":") {
					return nil, fmt.Errorf("setting %s=%s: want names relative to %s", k.key, v, k.root)
				}
				p := filepath.Join(k.root, name)
				x.Dirs = append(x.Dirs, Dir{Path: p, Mode: mode, Env: k.env})
				paths = append(paths, p)
			}
		}
		if len(paths) > 0 {
			x.Env = append(x.Env, k.env+"="+strings.Join(paths, ":"))
		}
	}
	// Environment= first, then the files, which override it (systemd.exec).
	for _, v := range f.Values(s, "Environment") {
		words, err := SplitWords(v)
		if err != nil {
			return nil, fmt.Errorf("setting Environment=%s: %w", v, err)
		}
		for _, w := range words {
			if k, _, ok := strings.Cut(w, "="); !ok || k == "" {
				return nil, fmt.Errorf("setting Environment=%s: %q is not KEY=VALUE", v, w)
			}
			x.Env = append(x.Env, w)
		}
	}
	for _, v := range f.Values(s, "EnvironmentFile") {
		path, optional := strings.CutPrefix(v, "-")
		b, err := readFile(path)
		if err != nil {
			if optional && os.IsNotExist(err) {
				continue
			}
			return nil, fmt.Errorf("setting EnvironmentFile=%s: %w", v, err)
		}
		env, err := ParseEnvFile(b, path)
		if err != nil {
			return nil, err
		}
		x.Env = append(x.Env, env...)
	}
	return x, nil
}

func isTrue(v string) bool {
	return slices.Contains([]string{"1", "yes", "y", "true", "t", "on"}, strings.ToLower(v))
}

// ParseEnvFile reads an EnvironmentFile=: KEY=VALUE lines, comments (# or
// ;) and blank lines; a value may be in single or double quotes. Errors
// name the line.
func ParseEnvFile(b []byte, name string) ([]string, error) {
	var env []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), MaxSize)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t\"'") {
			return nil, fmt.Errorf("%s:%d: want KEY=VALUE, got %q", name, n, line)
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') {
			if v[len(v)-1] != v[0] {
				return nil, fmt.Errorf("%s:%d: the value's quote is not closed", name, n)
			}
			v = v[1 : len(v)-1]
		}
		env = append(env, k+"="+v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return env, nil
}

// SplitWords splits a command line or an Environment= value as systemd
// does for the common cases: words separated by white space, a word in
// double or single quotes keeping its spaces, and backslash escaping the
// next character.
func SplitWords(s string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words, inWord = append(words, w.String()), false
				w.Reset()
			}
		case (c == '"' || c == '\'') && !inWord:
			end := strings.IndexByte(s[i+1:], c)
			if end < 0 {
				return nil, fmt.Errorf("a %c quote at offset %d is not closed", c, i)
			}
			words = append(words, s[i+1:i+1+end])
			i += end + 1
			if i+1 < len(s) && s[i+1] != ' ' && s[i+1] != '\t' {
				return nil, fmt.Errorf("a quoted word at offset %d runs into the next", i+1)
			}
		case c == '\\':
			if i+1 == len(s) {
				return nil, fmt.Errorf("a backslash ends the line")
			}
			i++
			w.WriteByte(s[i])
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}
