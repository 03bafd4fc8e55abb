package report

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// sarifSourceRoot is the uriBaseId of every relative artifact location:
// the source root, whose absolute URI the run's originalUriBaseIds give.
// GitHub code scanning reads relative paths as relative to the root of
// the repository analysed ("Specifying the root for source files",
// docs.github.com, SARIF support for code scanning).
const sarifSourceRoot = "%SRCROOT%"

// Readers of the inputs that are directories: a host's or an unpacked
// image's files (scan's hostSource), or a folder of documents.
var directoryReaders = map[string]bool{"host": true, "documents": true}

// sarifPaths writes where things were found as SARIF locations: a file
// under the source root as a path relative to it, a file elsewhere as an
// absolute file URI (counted, for a notification), a file inside a
// container image tarball as the tarball plus a logical location.
type sarifPaths struct {
	root    string   // absolute
	cwd     string   // what relative sources are relative to
	images  []string // inputs read as container image tarballs, longest first
	outside map[string]bool
}

// newSARIFPaths resolves the source root: root when given, otherwise the
// report's one directory input, otherwise the working directory.
func newSARIFPaths(root string, r *Report) (*sarifPaths, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("SARIF locations are relative to the working directory, which cannot be read: %w", err)
	}
	p := &sarifPaths{cwd: cwd, outside: map[string]bool{}}
	if root == "" {
		root = scannedDirectory(r)
	}
	p.root = p.abs(root)
	for _, in := range r.Inputs {
		if in.Reader == "image" {
			p.images = append(p.images, in.Source)
		}
	}
	sort.Slice(p.images, func(i, j int) bool { return len(p.images[i]) > len(p.images[j]) })
	return p, nil
}

// scannedDirectory is the report's directory input when it has exactly
// one, else "." (the working directory: where the documents named on the
// command line are).
func scannedDirectory(r *Report) string {
	dir := ""
	for _, in := range r.Inputs {
		if in.Error == "" && directoryReaders[in.Reader] {
			if dir != "" {
				return "."
			}
			dir = in.Source
		}
	}
	if dir == "" {
		return "."
	}
	return dir
}

func (p *sarifPaths) abs(path string) string {
	if filepath.IsAbs(path) {
		return filepath.Clean(path)
	}
	return filepath.Join(p.cwd, path)
}

// baseIDs are the run's originalUriBaseIds: the source root's absolute
// URI, ending in a slash as SARIF requires of a base.
func (p *sarifPaths) baseIDs() map[string]sarifArtifact {
	uri := fileURI(p.root)
	if !strings.HasSuffix(uri, "/") {
		uri += "/"
	}
	return map[string]sarifArtifact{sarifSourceRoot: {URI: uri}}
}

// location is where an item or unknown was found: its file, the line when
// the input is line-oriented (no region otherwise: the result is about
// the file, not its first line), and the logical places inside the file
// that name it: the position the reader gave (a JSON pointer, a registry
// key, a package stanza), the file inside a container image, the
// package URL or the package's name.
//
// GitHub rejects a whole file for one result without a location or
// whose location has no artifact URI (github/codeql-action#2459,
// forcedotcom/code-analyzer#1970), so every location has one. A region is
// optional in SARIF, and GitHub shows a result without one on its file
// rather than on a line (mick-gsk/drift#88; the SARIF multitool's GitHub
// rule that asks for a region, GH1003, is off by default): better than
// pointing at a first line that says nothing.
func (p *sarifPaths) location(l inventory.Location, name string, it *inventory.Item) sarifLocation {
	art, inside := p.artifact(l.Source)
	loc := sarifLocation{PhysicalLocation: &sarifPhysical{ArtifactLocation: art}}
	if l.Line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: l.Line}
	}
	if inside != "" {
		loc.LogicalLocations = append(loc.LogicalLocations, sarifLogicalLocation{Name: filepath.Base(inside), FullyQualifiedName: inside, Kind: "resource"})
	}
	if l.Ref != "" {
		loc.LogicalLocations = append(loc.LogicalLocations, sarifLogicalLocation{Name: name, FullyQualifiedName: l.Ref, Kind: refKind(l.Ref)})
	}
	if it == nil {
		return loc
	}
	switch purl := it.Get(inventory.PURL); {
	case purl != "":
		loc.LogicalLocations = append(loc.LogicalLocations, sarifLogicalLocation{Name: it.Name, FullyQualifiedName: purl, Kind: "module"})
	case l.Ref == "" && it.Name != "":
		fqn := it.Name
		if it.Ecosystem != "" {
			fqn = it.Ecosystem + ":" + it.Name
		}
		loc.LogicalLocations = append(loc.LogicalLocations, sarifLogicalLocation{Name: it.Name, FullyQualifiedName: fqn, Kind: "module"})
	}
	return loc
}

// refKind names what a reader's position is: a JSON pointer into a
// document is an object; a Windows registry key a resource.
func refKind(ref string) string {
	switch {
	case strings.HasPrefix(ref, "/"):
		return "object"
	case strings.HasPrefix(ref, "HKEY_") || strings.HasPrefix(ref, "HKLM\\") || strings.HasPrefix(ref, "HKCU\\") || strings.HasPrefix(ref, "\\"):
		return "resource"
	}
	return "element"
}

// artifact is source's artifact location and, for a file inside a
// container image tarball, the file's path inside it (the tarball is the
// artifact: the file is not in the repository).
func (p *sarifPaths) artifact(source string) (art sarifArtifact, inside string) {
	for _, im := range p.images {
		if rest, ok := strings.CutPrefix(source, im); ok && (rest == "" || rest[0] == '/' || rest[0] == '[') {
			source, inside = im, strings.TrimPrefix(rest, "/")
			break
		}
	}
	if source == "-" {
		return sarifArtifact{URI: "-", URIBaseID: sarifSourceRoot}, inside
	}
	abs := p.abs(source)
	rel, err := filepath.Rel(p.root, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		p.outside[source] = true
		return sarifArtifact{URI: fileURI(abs)}, inside
	}
	return sarifArtifact{URI: relativeURI(rel), URIBaseID: sarifSourceRoot}, inside
}

// outsideNote says which locations are not under the source root, or "".
func (p *sarifPaths) outsideNote() string {
	if len(p.outside) == 0 {
		return ""
	}
	srcs := make([]string, 0, len(p.outside))
	for s := range p.outside {
		srcs = append(srcs, s)
	}
	sort.Strings(srcs)
	const why = "which GitHub code scanning cannot match to a file of the repository unless the file is in the checkout; set the source root (--source-root) to the repository's root"
	if len(srcs) == 1 {
		return fmt.Sprintf("%s is outside the source root %s: it is written as an absolute file URI, %s", srcs[0], p.root, why)
	}
	return fmt.Sprintf("%d files are outside the source root %s (the first: %s): they are written as absolute file URIs, %s", len(srcs), p.root, srcs[0], why)
}

// relativeURI writes a relative OS path as a relative URI reference,
// each segment escaped.
func relativeURI(rel string) string {
	if rel == "." {
		return "."
	}
	esc := escapeSegments(filepath.ToSlash(rel))
	if first, _, _ := strings.Cut(esc, "/"); strings.Contains(first, ":") {
		esc = "./" + esc // a colon in the first segment would read as a scheme
	}
	return esc
}

// fileURI writes an absolute OS path as a file URI: /a b → file:///a%20b,
// C:\x → file:///C:/x.
func fileURI(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return "file://" + escapeSegments(p)
}

func escapeSegments(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
