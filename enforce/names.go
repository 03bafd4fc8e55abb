package enforce

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"golang.org/x/net/idna"
)

// DNS limits (RFC 1035 section 2.3.4): a label is at most 63 octets, a
// name at most 253 characters in text without the final dot.
const (
	maxLabel = 63
	maxName  = 253
)

// dnsName returns name as written on the wire in text: lower-case ASCII
// (internationalised names as A-labels), without the final dot. Letters,
// digits, '-' and '_' are allowed (service names such as _dmarc are real
// DNS names); anything else is refused, so no artefact ever carries a
// character its syntax would read as markup.
func dnsName(name string) (string, error) {
	n := strings.TrimSuffix(strings.TrimSpace(name), ".")
	if !isASCII(n) {
		a, err := idna.Lookup.ToASCII(n)
		if err != nil {
			return "", fmt.Errorf("%q is not a valid internationalised name: %w", name, err)
		}
		n = a
	}
	n = strings.ToLower(n)
	if n == "" || len(n) > maxName {
		return "", fmt.Errorf("%q: a name has 1 to %d characters", name, maxName)
	}
	for _, l := range strings.Split(n, ".") {
		if l == "" || len(l) > maxLabel {
			return "", fmt.Errorf("%q: every label has 1 to %d characters", name, maxLabel)
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return "", fmt.Errorf("%q: character %q is not allowed in a DNS name", name, c)
			}
		}
	}
	return n, nil
}

// hostName is dnsName with the stricter host-name rules of RFC 1123
// (letters, digits and inner hyphens), which hosts files expect.
func hostName(name string) (string, error) {
	n, err := dnsName(name)
	if err != nil {
		return "", err
	}
	for _, l := range strings.Split(n, ".") {
		if strings.Contains(l, "_") || l[0] == '-' || l[len(l)-1] == '-' {
			return "", fmt.Errorf("%q is not a host name (letters, digits and inner hyphens)", name)
		}
	}
	return n, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// domainEntry is a domain ready to write, or why it was left out.
type domainEntry struct {
	Domain
	Skip    string // why it is not written: an invalid name, a repeat, or the subtree that covers it
	invalid bool   // the name cannot be written; such entries sort last
}

// domainEntries cleans the names with clean and marks the entries that a
// subtree already blocks — a name or subtree at or below a subtree's apex
// — so that formats that match subtrees write only what is needed.
// Without cover, nothing is marked covered (a hosts file lists names one
// by one).
func domainEntries(ds []Domain, clean func(string) (string, error), cover bool) []domainEntry {
	out := make([]domainEntry, 0, len(ds))
	apex := map[string]bool{}
	for _, d := range ds {
		e := domainEntry{Domain: d}
		n, err := clean(d.Name)
		if err != nil {
			e.Skip, e.invalid = "not written: "+err.Error(), true
		} else {
			e.Name = n
			if d.Subtree {
				apex[n] = true
			}
		}
		out = append(out, e)
	}
	if cover {
		for i := range out {
			e := &out[i]
			if e.Skip != "" {
				continue
			}
			if by, ok := coveredBy(e.Name, e.Subtree, apex); ok {
				e.Skip = "covered by the subtree " + by
			}
		}
	}
	slices.SortStableFunc(out, func(a, b domainEntry) int {
		return cmp.Or(cmpBool(a.invalid, b.invalid), compareDNS(a.Name, b.Name), cmpBool(a.Subtree, b.Subtree))
	})
	// Names that clean to the same text (an upper-case or Unicode spelling
	// of a name already listed) are written once.
	seen := map[string]bool{}
	for i := range out {
		e := &out[i]
		if e.Skip != "" {
			continue
		}
		key := fmt.Sprint(e.Subtree, e.Name)
		if seen[key] {
			e.Skip = "repeats an entry above"
		}
		seen[key] = true
	}
	return out
}

// coveredBy reports the apex of a subtree that blocks name already: for a
// plain name, the name itself or an ancestor; for a subtree, a proper
// ancestor.
func coveredBy(name string, subtree bool, apex map[string]bool) (string, bool) {
	if !subtree && apex[name] {
		return name, true
	}
	for rest := name; ; {
		i := strings.IndexByte(rest, '.')
		if i < 0 {
			return "", false
		}
		rest = rest[i+1:]
		if apex[rest] {
			return rest, true
		}
	}
}

// splitPrefixes returns the prefixes by family, masked, IPv4-mapped IPv6
// prefixes as IPv4, sorted by address then length, without repeats. An
// invalid prefix is an error: the caller built it.
func splitPrefixes(ps []Prefix) (v4, v6 []Prefix, err error) {
	v4 = make([]Prefix, 0, len(ps))
	for i, p := range ps {
		if !p.Prefix.IsValid() {
			return nil, nil, fmt.Errorf("prefix %d (entity %q) is not a valid IP prefix", i+1, p.Entity)
		}
		a, bits := p.Prefix.Addr(), p.Prefix.Bits()
		if a.Is4In6() && bits >= 96 {
			a, bits = a.Unmap(), bits-96
		}
		p.Prefix = netip.PrefixFrom(a.WithZone(""), bits).Masked()
		if a.Is4() {
			v4 = append(v4, p)
		} else {
			v6 = append(v6, p)
		}
	}
	return sortPrefixes(v4), sortPrefixes(v6), nil
}

func sortPrefixes(ps []Prefix) []Prefix {
	slices.SortStableFunc(ps, func(a, b Prefix) int {
		if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(a.Prefix.Bits(), b.Prefix.Bits()), cmp.Compare(a.Entity, b.Entity), cmp.Compare(a.ASN, b.ASN))
	})
	return slices.CompactFunc(ps, func(a, b Prefix) bool { return a.Prefix == b.Prefix })
}
