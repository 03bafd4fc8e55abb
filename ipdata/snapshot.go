package ipdata

import (
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
)

// Snapshot is an immutable, in-memory IP table: built by Build, read by
// Open or Embedded. It implements DB.
type Snapshot struct {
	meta      Meta
	raw       []byte   // the encoded file; meta.Digest is its SHA-256
	infos     []info   // infos[0] is the unknown Info{}
	countries []string // countries[0] is ""
	orgs      string   // the organisation names, end to end
	v4        table4   // IPv4 partition
	v6        table6   // IPv6 partition
	notes     []string // what Build resolved or skipped, each naming input and line
}

// info is an Info as the tables hold it, its strings as places in
// Snapshot.countries and Snapshot.orgs: no pointers, so that a table
// cache file (cache.go) can hold the array as it is used, and the
// garbage collector has nothing to scan in it. Lookup finds the country
// in a small, hot table and slices the name without reading it, so this
// costs no extra cache miss over a []Info.
type info struct {
	asn     uint32
	org     uint32 // offset of the organisation name in Snapshot.orgs
	orgLen  uint16
	country uint16 // index into Snapshot.countries
}

// info returns the Info of infos[n].
func (s *Snapshot) info(n uint32) Info {
	x := s.infos[n]
	return Info{Country: s.countries[x.country], ASN: x.asn, ASOrg: s.orgs[x.org : x.org+uint32(x.orgLen)]}
}

// setInfos sets the info tables to hold list, in its order; list[0]
// must be Info{}.
func (s *Snapshot) setInfos(list []Info) error {
	var countries, orgs []string
	for _, in := range list {
		if len(in.ASOrg) > MaxOrgLen {
			return fmt.Errorf("ipdata: organisation %.40q is longer than %d bytes", in.ASOrg, MaxOrgLen)
		}
		countries = append(countries, in.Country)
		orgs = append(orgs, in.ASOrg)
	}
	slices.Sort(countries)
	countries = slices.Compact(countries)
	if len(countries) > MaxCountries+1 || countries[0] != "" {
		return fmt.Errorf("ipdata: %d countries exceed the limit %d", len(countries), MaxCountries)
	}
	slices.Sort(orgs)
	orgs = slices.Compact(orgs)
	ctry := make(map[string]uint16, len(countries))
	for i, c := range countries {
		ctry[c] = uint16(i)
	}
	at := make(map[string]uint32, len(orgs))
	var all strings.Builder
	for _, o := range orgs {
		at[o] = uint32(all.Len())
		all.WriteString(o)
	}
	if all.Len() > MaxOrgs*MaxOrgLen {
		return fmt.Errorf("ipdata: organisation names of %d bytes exceed the limit", all.Len())
	}
	s.countries, s.orgs = countries, all.String()
	s.infos = make([]info, len(list))
	for i, in := range list {
		s.infos[i] = info{asn: in.ASN, org: at[in.ASOrg], orgLen: uint16(len(in.ASOrg)), country: ctry[in.Country]}
	}
	return nil
}

var _ DB = (*Snapshot)(nil)

// table4 is a partition of the IPv4 space: segment i starts at
// seg[i]>>32 (the first at 0), runs to the next one's start and has
// infos[uint32(seg[i])]. Start and info share a word so that the search
// finds the info in the cache line it compared last.
type table4 struct {
	seg []uint64
	// index[h] is the last segment starting at or before h<<16, and
	// index[65536] the last segment, so the segment of an address with
	// top bits h lies in [index[h], index[h+1]].
	index []uint32
}

// table6 is the same for IPv6. The high halves of the starts sit with
// the infos; the low halves, compared only on a tie (starts are nearly
// all /64-aligned), apart. IPv6 data crowds into a few /16s (2001::/16
// and 2a0x::/16 hold tens of thousands of segments each), so a bucket
// of more than subMin segments gets a second index on the next subBits
// bits, which keeps the searches short.
type table6 struct {
	seg   []seg6
	lo    []uint64
	index []uint32 // by the top 16 bits
	subOf []uint32 // per top-16-bit bucket: 1 + its number in sub, or 0
	sub   []uint32 // 1<<subBits + 1 entries per indexed bucket
}

type seg6 struct {
	hi   uint64
	info uint32
}

const (
	subMin  = 64
	subBits = 12
)

func newTable4(start, info []uint32) table4 {
	t := table4{seg: make([]uint64, len(start)), index: make([]uint32, 1<<16+1)}
	for i := range start {
		t.seg[i] = uint64(start[i])<<32 | uint64(info[i])
	}
	j := 0
	for h := range 1 << 16 {
		for j+1 < len(start) && start[j+1] <= uint32(h)<<16 {
			j++
		}
		t.index[h] = uint32(j)
	}
	t.index[1<<16] = uint32(len(start) - 1)
	return t
}

func newTable6(hi, lo []uint64, info []uint32) table6 {
	t := table6{seg: make([]seg6, len(hi)), lo: lo, index: make([]uint32, 1<<16+1), subOf: make([]uint32, 1<<16)}
	for i := range hi {
		t.seg[i] = seg6{hi[i], info[i]}
	}
	// last returns the last segment at or before (top, 0), from j on.
	last := func(j, end int, top uint64) int {
		for j < end && (hi[j+1] < top || (hi[j+1] == top && lo[j+1] == 0)) {
			j++
		}
		return j
	}
	j := 0
	for h := range 1 << 16 {
		j = last(j, len(hi)-1, uint64(h)<<48)
		t.index[h] = uint32(j)
	}
	t.index[1<<16] = uint32(len(hi) - 1)
	subs := 0
	for h := range 1 << 16 {
		if t.index[h+1]-t.index[h] > subMin {
			subs++
		}
	}
	t.sub = make([]uint32, 0, subs*(1<<subBits+1))
	for h := range 1 << 16 {
		first, end := t.index[h], t.index[h+1]
		if end-first <= subMin {
			continue
		}
		t.subOf[h] = uint32(len(t.sub)/(1<<subBits+1) + 1)
		j := int(first)
		for g := range 1 << subBits {
			j = last(j, int(end), uint64(h)<<48|uint64(g)<<(48-subBits))
			t.sub = append(t.sub, uint32(j))
		}
		t.sub = append(t.sub, end)
	}
	return t
}

func (t *table4) find(u uint32) uint32 {
	h := u >> 16
	lo, hi := int(t.index[h]), int(t.index[h+1])
	seg := t.seg[:hi+1]
	for lo < hi {
		m := int(uint(lo+hi+1) >> 1)
		if uint32(seg[m]>>32) <= u {
			lo = m
		} else {
			hi = m - 1
		}
	}
	return uint32(seg[lo])
}

func (t *table6) find(ah, al uint64) uint32 {
	h := ah >> 48
	lo, hi := int(t.index[h]), int(t.index[h+1])
	if n := t.subOf[h]; n != 0 {
		i := int(n-1)*(1<<subBits+1) + int(ah>>(48-subBits)&(1<<subBits-1))
		lo, hi = int(t.sub[i]), int(t.sub[i+1])
	}
	seg, los := t.seg[:hi+1], t.lo[:hi+1]
	for lo < hi {
		m := int(uint(lo+hi+1) >> 1)
		if sh := seg[m].hi; sh < ah || (sh == ah && los[m] <= al) {
			lo = m
		} else {
			hi = m - 1
		}
	}
	return seg[lo].info
}

// eachSegment calls fn with every segment of both families, IPv4 first,
// as an inclusive range, in address order.
func (s *Snapshot) eachSegment(fn func(start, end u128, v6 bool, info uint32) bool) {
	for i, x := range s.v4.seg {
		end := maxV4
		if i+1 < len(s.v4.seg) {
			end = u128{0, s.v4.seg[i+1]>>32 - 1}
		}
		if !fn(u128{0, x >> 32}, end, false, uint32(x)) {
			return
		}
	}
	for i, x := range s.v6.seg {
		end := maxU128
		if i+1 < len(s.v6.seg) {
			end = u128{s.v6.seg[i+1].hi, s.v6.lo[i+1]}.prev()
		}
		if !fn(u128{x.hi, s.v6.lo[i]}, end, true, x.info) {
			return
		}
	}
}

// Lookup returns what is known of a. It does not allocate.
func (s *Snapshot) Lookup(a netip.Addr) Info {
	if a.Is4In6() {
		a = a.Unmap()
	}
	switch {
	case a.Is4():
		b := a.As4()
		return s.info(s.v4.find(binary.BigEndian.Uint32(b[:])))
	case a.Is6():
		b := a.As16()
		return s.info(s.v6.find(binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])))
	}
	return Info{}
}

// Meta names the snapshot.
func (s *Snapshot) Meta() Meta {
	m := s.meta
	m.Sources = slices.Clone(m.Sources)
	return m
}

// Notes lists what Build resolved or skipped (overlapping records,
// malformed lines), each naming the input and line; empty for a
// snapshot that was read rather than built.
func (s *Snapshot) Notes() []string { return slices.Clone(s.notes) }

// Write writes the snapshot in the format Open reads. For a snapshot
// built or read from a snapshot file these are the bytes Meta().Digest
// was computed over; an MMDB opened directly keeps the .mmdb file's
// digest in its Meta, and Write converts it.
func (s *Snapshot) Write(w io.Writer) error {
	_, err := w.Write(s.raw)
	return err
}

// PrefixesOf calls yield for each prefix whose ASN is one of asns, in
// address order, each segment's range split into the fewest prefixes.
func (s *Snapshot) PrefixesOf(asns []uint32, yield func(netip.Prefix, Info) bool) {
	set := slices.Clone(asns)
	slices.Sort(set)
	want := make([]bool, len(s.infos))
	found := false
	for i, in := range s.infos {
		if _, ok := slices.BinarySearch(set, in.asn); ok && in.asn != 0 {
			want[i], found = true, true
		}
	}
	if !found {
		return
	}
	s.eachSegment(func(start, end u128, v6 bool, n uint32) bool {
		if !want[n] {
			return true
		}
		in := s.info(n)
		return rangePrefixes(start, end, v6, func(p netip.Prefix) bool { return yield(p, in) })
	})
}
