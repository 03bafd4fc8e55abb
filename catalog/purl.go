package catalog

import (
	"net/url"
	"strings"
)

// PURL is a package URL taken apart (github.com/package-url/purl-spec):
// pkg:type/namespace/name@version?qualifiers#subpath. Namespace and name
// are percent-decoded; the type is lower-cased.
type PURL struct {
	Type      string
	Namespace string // segments joined by '/'; "" when there is none
	Name      string
	Version   string
	// RepositoryURL is the repository_url qualifier (pkg:oci names the
	// registry there).
	RepositoryURL string
}

// MaxPURL bounds the package URLs that are taken apart: longer ones are
// matched by their prefix only.
const MaxPURL = 4096

// ParsePURL takes a package URL apart, or reports that it is not one.
func ParsePURL(s string) (PURL, bool) {
	var p PURL
	if len(s) > MaxPURL || !strings.HasPrefix(s, "pkg:") {
		return p, false
	}
	rest := strings.TrimLeft(s[len("pkg:"):], "/")
	rest, _, _ = strings.Cut(rest, "#")
	rest, query, _ := strings.Cut(rest, "?")
	if query != "" {
		for _, kv := range strings.Split(query, "&") {
			k, v, _ := strings.Cut(kv, "=")
			if strings.EqualFold(k, "repository_url") {
				p.RepositoryURL = unescape(v)
			}
		}
	}
	typ, path, ok := strings.Cut(rest, "/")
	if !ok || typ == "" {
		return p, false
	}
	p.Type = strings.ToLower(typ)
	path = strings.Trim(path, "/")
	// The version follows the last '@' of the last segment: scoped npm
	// names keep their '@' percent-encoded or in the namespace.
	last := strings.LastIndexByte(path, '/')
	if at := strings.LastIndexByte(path, '@'); at > last && at > 0 {
		p.Version = unescape(path[at+1:])
		path = path[:at]
	}
	if last >= 0 {
		segs := strings.Split(path[:last], "/")
		for i, sg := range segs {
			segs[i] = unescape(sg)
		}
		p.Namespace = strings.Join(segs, "/")
		p.Name = unescape(path[last+1:])
	} else {
		p.Name = unescape(path)
	}
	return p, p.Name != ""
}

func unescape(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// PackageURL returns every identifier a package URL matches: purl
// prefixes, and the namespace or exact-name kinds of its type (an npm
// scope, a Go module path, a Maven group, a PyPI project, ...).
func (ix *Index) PackageURL(purl string) []*Identifier {
	out := ix.PURL(purl)
	p, ok := ParsePURL(purl)
	if !ok {
		return out
	}
	add := func(ids []*Identifier) { out = append(out[:len(out):len(out)], ids...) }
	full := p.Name
	if p.Namespace != "" {
		full = p.Namespace + "/" + p.Name
	}
	switch p.Type {
	case "deb":
		add(ix.Exact(DebPackage, p.Name))
	case "rpm":
		add(ix.Exact(RPMPackage, p.Name))
	case "apk", "alpine":
		add(ix.Exact(APKPackage, p.Name))
	case "npm":
		add(ix.NPM(full))
	case "pypi":
		add(ix.Exact(PyPIProject, p.Name))
	case "golang":
		add(ix.GoModule(full))
	case "maven":
		add(ix.Dotted(MavenGroup, p.Namespace))
	case "nuget":
		add(ix.NuGet(p.Name))
	case "docker":
		add(ix.OCI(full))
	case "oci":
		add(ix.OCI(ociFromPURL(p)))
	case "huggingface":
		add(ix.Exact(HFOrg, p.Namespace))
	case "github":
		add(ix.Exact(GitHubOrg, firstSegment(p.Namespace)))
	case "generic":
		if strings.EqualFold(p.Namespace, "ollama") || strings.EqualFold(p.Namespace, "registry.ollama.ai/library") {
			add(ix.Exact(OllamaModel, p.Name))
		}
	}
	return out
}

// ociFromPURL is the image reference of a pkg:oci purl: its
// repository_url when given (registry/path/name), else the bare name.
func ociFromPURL(p PURL) string {
	if r := strings.TrimSuffix(p.RepositoryURL, "/"); r != "" {
		if strings.HasSuffix(strings.ToLower(r), "/"+strings.ToLower(p.Name)) {
			return r
		}
		return r + "/" + p.Name
	}
	return p.Name
}

func firstSegment(s string) string {
	first, _, _ := strings.Cut(s, "/")
	return first
}
