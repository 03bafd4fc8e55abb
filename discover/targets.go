package discover

import (
	"fmt"
	"net/netip"
	"strings"
)

// MaxTargets bounds how many addresses one run may probe unless the
// caller raises Options.MaxTargets: a /16 of IPv4.
const MaxTargets = 1 << 16

// ParseTargets reads addresses and prefixes ("10.20.0.0/24",
// "10.20.0.7", "fd00::/120"), comma- or space-separated. A prefix with
// host bits set is refused (10.20.0.7/24 is probably a typo for a /32 or
// for 10.20.0.0/24, and guessing which would probe the wrong hosts).
func ParseTargets(specs []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, spec := range specs {
		for _, s := range strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
			p, err := parseTarget(s)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no targets: name the addresses or prefixes to probe (--targets 10.20.0.0/24); discovery has no default range")
	}
	return out, nil
}

func parseTarget(s string) (netip.Prefix, error) {
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("target %q is neither an address nor a prefix", s)
		}
		if a.Zone() != "" {
			return netip.Prefix{}, fmt.Errorf("target %q: zoned addresses are not supported", s)
		}
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("target %q is not a prefix: %v", s, err)
	}
	if p.Masked() != p {
		return netip.Prefix{}, fmt.Errorf("target %q has host bits set: did you mean %s or %s/%d?", s, p.Masked(), p.Addr(), p.Addr().BitLen())
	}
	if p.Addr().IsUnspecified() || p.Addr().IsMulticast() {
		return netip.Prefix{}, fmt.Errorf("target %q is not a range of hosts", s)
	}
	return p, nil
}

// Count is how many host addresses the prefixes hold (Hosts' length),
// saturating at limit+1 so that a /8 is refused without counting it.
func Count(ps []netip.Prefix, limit int) int {
	n := 0
	for _, p := range ps {
		host := p.Addr().BitLen() - p.Bits()
		if host >= 31 {
			return limit + 1
		}
		c := 1 << host
		if p.Addr().Is4() && host >= 2 {
			c -= 2 // network and broadcast addresses
		}
		n += c
		if n > limit {
			return limit + 1
		}
	}
	return n
}

// Hosts calls fn for every host address of the prefixes, in order, once
// each even when prefixes overlap; it stops when fn returns false. An
// IPv4 prefix's network and broadcast addresses are skipped when it is
// shorter than /31.
func Hosts(ps []netip.Prefix, fn func(netip.Addr) bool) {
	seen := map[netip.Addr]bool{}
	for _, p := range ps {
		a, host := p.Addr(), p.Addr().BitLen()-p.Bits()
		skipEnds := a.Is4() && host >= 2
		for ; a.IsValid() && p.Contains(a); a = a.Next() {
			if skipEnds && (a == p.Addr() || !p.Contains(a.Next())) {
				continue
			}
			if seen[a] {
				continue
			}
			seen[a] = true
			if !fn(a) {
				return
			}
		}
	}
}

// Within reports whether a lies inside one of the prefixes.
func Within(ps []netip.Prefix, a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
