package release

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/mod/module"
)

// DataNotices are the notices of the data embedded in the binary, as paths
// relative to the repository's root: the IP data (CC BY 4.0, attribution
// required), the MAC registry and the dashboard's map.
var DataNotices = []string{"ipdata/data/NOTICE", "oui/data/NOTICE", "server/web/assets/NOTICE"}

// CopyrightHeader is the hand-written head of the copyright file, relative
// to the repository's root.
const CopyrightHeader = "deploy/package/copyright"

// licenceFile matches the files at a module's root that carry its licence
// or its notices.
var licenceFile = regexp.MustCompile(`(?i)^(licen[cs]e|copying|notice)([.-].*)?$`)

// Notices is the copyright file of the given binaries: the header, the
// embedded data's notices, then the licence of Go and of every module
// linked into any of them (read from their build information and the
// module cache), in module order. A module without a licence file is an
// error: its terms must be known before it is shipped.
func Notices(ctx context.Context, root string, binaries ...string) ([]byte, error) {
	return notices(ctx, root, false, binaries)
}

// DebianCopyright is Notices as Debian's policy (section 12.5) wants it:
// the full texts of the Apache 2.0 licence and of the GPL, which every
// Debian system has in /usr/share/common-licenses, replaced by a
// reference to that file.
func DebianCopyright(ctx context.Context, root string, binaries ...string) ([]byte, error) {
	return notices(ctx, root, true, binaries)
}

// commonLicence finds, in one licence file, the full text of a licence
// Debian ships in /usr/share/common-licenses: from its title and the start
// of its terms to its "END OF TERMS AND CONDITIONS", or to the end of the
// file for the copies that leave that line out (spf13/cobra's).
var commonLicence = []struct {
	re   *regexp.Regexp
	name string
}{
	{regexp.MustCompile(`(?s)Apache License\s+Version 2\.0, January 2004\s+(?:http\S*\s+)?TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION.*?(?:END OF TERMS AND CONDITIONS|\z)`), "Apache-2.0"},
	{regexp.MustCompile(`(?s)GNU GENERAL PUBLIC LICENSE\s+Version 2, June 1991\s.*?TERMS AND CONDITIONS FOR COPYING, DISTRIBUTION AND MODIFICATION.*?(?:END OF TERMS AND CONDITIONS|\z)`), "GPL-2"},
	{regexp.MustCompile(`(?s)GNU GENERAL PUBLIC LICENSE\s+Version 3, 29 June 2007\s.*?TERMS AND CONDITIONS.*?(?:END OF TERMS AND CONDITIONS|\z)`), "GPL-3"},
}

func shortenCommon(text string) string {
	for _, c := range commonLicence {
		text = c.re.ReplaceAllLiteralString(text, "The full text of this licence is in /usr/share/common-licenses/"+c.name+".")
	}
	return text
}

func notices(ctx context.Context, root string, debian bool, binaries []string) ([]byte, error) {
	var b bytes.Buffer
	head, err := os.ReadFile(filepath.Join(root, CopyrightHeader))
	if err != nil {
		return nil, err
	}
	b.Write(head)
	for _, n := range DataNotices {
		text, err := os.ReadFile(filepath.Join(root, n))
		if err != nil {
			return nil, err
		}
		section(&b, "Embedded data: "+n, text)
	}
	goroot, err := goEnv(ctx, root, "GOROOT")
	if err != nil {
		return nil, err
	}
	modcache, err := goEnv(ctx, root, "GOMODCACHE")
	if err != nil {
		return nil, err
	}
	mods := map[string]string{} // module path → version
	var goVersion string
	for _, bin := range binaries {
		info, err := buildinfo.ReadFile(bin)
		if err != nil {
			return nil, fmt.Errorf("reading the build information of %s: %w", bin, err)
		}
		goVersion = info.GoVersion
		for _, d := range info.Deps {
			if d.Replace != nil {
				d = d.Replace
			}
			if d.Version == "" || d.Version == "(devel)" {
				return nil, fmt.Errorf("%s: module %s has no version (a local replacement?): its licence cannot be found", bin, d.Path)
			}
			mods[d.Path] = d.Version
		}
	}
	golic, err := os.ReadFile(filepath.Join(goroot, "LICENSE"))
	if err != nil {
		return nil, fmt.Errorf("the Go toolchain's licence: %w", err)
	}
	section(&b, "Go "+goVersion+" (the standard library and runtime)", golic)
	var missing []string
	for _, path := range slices.Sorted(maps.Keys(mods)) {
		dir, err := moduleDir(modcache, path, mods[path])
		if err != nil {
			return nil, err
		}
		texts, err := licenceTexts(dir)
		if err != nil {
			return nil, err
		}
		if len(texts) == 0 {
			missing = append(missing, path+"@"+mods[path])
		}
		for _, t := range texts {
			if debian {
				t.text = shortenCommon(t.text)
			}
			section(&b, path+" "+mods[path]+" ("+t.name+")", []byte(t.text))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("no licence file in the module cache for %s", strings.Join(missing, ", "))
	}
	return b.Bytes(), nil
}

// section appends one titled text, indented as a Debian copyright file's
// free-form continuation.
func section(b *bytes.Buffer, title string, text []byte) {
	fmt.Fprintf(b, "\n%s\n%s\n\n", title, strings.Repeat("-", len(title)))
	text = bytes.ReplaceAll(text, []byte("\r"), nil)
	for _, line := range strings.Split(strings.TrimRight(string(text), "\n"), "\n") {
		b.WriteString(strings.TrimRight("  "+line, " \t") + "\n")
	}
}

type licence struct{ name, text string }

func licenceTexts(dir string) ([]licence, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("module %s: %w (run go mod download)", dir, err)
	}
	var out []licence
	for _, e := range entries {
		if e.Type().IsRegular() && licenceFile.MatchString(e.Name()) {
			text, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				return nil, err
			}
			out = append(out, licence{e.Name(), string(text)})
		}
	}
	return out, nil
}

func moduleDir(modcache, path, version string) (string, error) {
	ep, err := module.EscapePath(path)
	if err != nil {
		return "", fmt.Errorf("module %s: %w", path, err)
	}
	ev, err := module.EscapeVersion(version)
	if err != nil {
		return "", fmt.Errorf("module %s@%s: %w", path, version, err)
	}
	return filepath.Join(modcache, filepath.FromSlash(ep)+"@"+ev), nil
}

func goEnv(ctx context.Context, dir, name string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "env", name)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go env %s: %w", name, err)
	}
	v := strings.TrimSpace(string(out))
	if v == "" {
		return "", fmt.Errorf("go env %s is empty", name)
	}
	return v, nil
}
