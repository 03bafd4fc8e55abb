package wildcard

import "testing"

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"abc", "abc", true},
		{"abc", "abcd", false},
		{"ws-*", "ws-0142", true},
		{"ws-*", "w-0142", false},
		{"*.gov.uk", "a.b.gov.uk", true},
		{"a*b*c", "axxbyyc", true},
		{"a*b*c", "axxcyyb", false},
		{"ab*ba", "aba", false}, // prefix and suffix may not overlap
		{"*", "", true},
		{"a*", "a", true},
		{"*a", "a", true},
		{"a*a", "a", false},
		{"a*a", "aa", true},
		{"*.example", "x.example", true},
		{"*.example", "example", false},
		{"a*b*c", "abc", true},
		{"a*b*c", "acb", false},
		{"web-*", "web-", true},
	}
	for _, tc := range tests {
		if got := Match(tc.pattern, tc.s); got != tc.want {
			t.Errorf("Match(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}
