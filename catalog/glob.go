package catalog

import (
	"strings"

	"github.com/embargo-dev/embargo/internal/wildcard"
)

// NormalizePath makes a file path comparable across platforms: lower case,
// forward slashes, no drive letter, no trailing slash.
func NormalizePath(p string) string {
	if isNormalPath(p) {
		return p
	}
	p = strings.ToLower(strings.ReplaceAll(p, `\`, "/"))
	if len(p) >= 2 && p[1] == ':' && 'a' <= p[0] && p[0] <= 'z' {
		p = p[2:]
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	return p
}

// isNormalPath reports whether NormalizePath would return p unchanged:
// ASCII without upper case or backslashes, a leading slash, no "//", no
// trailing slash. Most paths in an inventory are, and the check is one
// pass without allocating.
func isNormalPath(p string) bool {
	if p == "" || p[0] != '/' || len(p) > 1 && p[len(p)-1] == '/' {
		return false
	}
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c >= 0x80, c == '\\', 'A' <= c && c <= 'Z':
			return false
		case c == '/' && i+1 < len(p) && p[i+1] == '/':
			return false
		}
	}
	return true
}

// matchPath matches a normalised path against a normalised glob in which
// '*' matches within one segment and '**' matches any number of segments.
// A pattern ending in "/*" matches the folder itself and everything below
// it, as a folder rule is meant to: an install location recorded as the
// folder is the product's folder.
func matchPath(pattern, p string) bool {
	return matchSegments(globSegments(pattern), pathSegments(p))
}

// globSegments splits a normalised glob into the segments matchSegments
// takes; the index does it once per pattern, at load.
func globSegments(pattern string) []string {
	ps := strings.Split(strings.TrimPrefix(pattern, "/"), "/")
	if len(ps) > 0 && ps[len(ps)-1] == "*" {
		ps[len(ps)-1] = "**"
	}
	return ps
}

// pathSegments splits a normalised path into segments.
func pathSegments(p string) []string {
	return strings.Split(strings.TrimPrefix(p, "/"), "/")
}

func matchSegments(ps, ss []string) bool {
	for len(ps) > 0 {
		if ps[0] == "**" {
			rest := ps[1:]
			if len(rest) == 0 {
				return true
			}
			for i := 0; i <= len(ss); i++ {
				if matchSegments(rest, ss[i:]) {
					return true
				}
			}
			return false
		}
		if len(ss) == 0 || !wildcard.Match(ps[0], ss[0]) {
			return false
		}
		ps, ss = ps[1:], ss[1:]
	}
	return len(ss) == 0
}
