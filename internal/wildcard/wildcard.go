// Package wildcard matches names against patterns in which '*' stands for
// any run of characters: display-name patterns in the catalogue, host
// globs in the systems register.
package wildcard

import "strings"

// Match reports whether s matches pattern, where '*' matches any run of
// characters, including none. It runs in O(len(s)*pieces) without
// backtracking blow-up.
func Match(pattern, s string) bool {
	if strings.IndexByte(pattern, '*') < 0 {
		return pattern == s
	}
	pieces := strings.Split(pattern, "*")
	if !strings.HasPrefix(s, pieces[0]) {
		return false
	}
	s = s[len(pieces[0]):]
	last := pieces[len(pieces)-1]
	for _, p := range pieces[1 : len(pieces)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, last)
}
