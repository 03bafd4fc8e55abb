// Package pkgname folds package names as their registries compare them,
// so that readers writing package URLs and the catalogue matching them
// agree.
package pkgname

import "strings"

// PyPI folds a project name as PEP 503 does (and the purl spec asks for
// pypi names): lower case, every run of '-', '_' and '.' one '-'.
func PyPI(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	sep := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '-' || c == '_' || c == '.' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}
