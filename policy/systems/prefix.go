package systems

import (
	"net/netip"
	"slices"
)

// addrTable finds the most specific range holding an address. It keeps
// one hash table per prefix length and probes the lengths present, longest
// first: a register has a handful of distinct lengths, so a lookup is a
// few map probes whatever the number of ranges.
type addrTable struct {
	byLen   map[netip.Prefix]int // masked prefix -> index into Register.Systems
	lengths [2][]int             // [0] IPv4, [1] IPv6; distinct bit lengths, longest first
}

func family(a netip.Addr) int {
	if a.Is4() {
		return 0
	}
	return 1
}

// insert adds p for system i; p must be masked. It returns the system
// already holding p, if any.
func (t *addrTable) insert(p netip.Prefix, i int) (int, bool) {
	if t.byLen == nil {
		t.byLen = map[netip.Prefix]int{}
	}
	if j, ok := t.byLen[p]; ok {
		return j, true
	}
	t.byLen[p] = i
	f := family(p.Addr())
	if !slices.Contains(t.lengths[f], p.Bits()) {
		t.lengths[f] = append(t.lengths[f], p.Bits())
		slices.SortFunc(t.lengths[f], func(a, b int) int { return b - a })
	}
	return 0, false
}

// lookup returns the most specific prefix holding a and its system.
func (t *addrTable) lookup(a netip.Addr) (netip.Prefix, int, bool) {
	a = a.Unmap().WithZone("")
	if !a.IsValid() {
		return netip.Prefix{}, 0, false
	}
	for _, bits := range t.lengths[family(a)] {
		p, err := a.Prefix(bits)
		if err != nil {
			continue
		}
		if i, ok := t.byLen[p]; ok {
			return p, i, true
		}
	}
	return netip.Prefix{}, 0, false
}
