package ipdata

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"unsafe"
)

// The table cache holds a decoded snapshot's tables as fixed-width
// little-endian arrays, so that a later run uses them in place instead
// of inflating and decoding the snapshot again. doc.go describes the
// layout; cacheread.go checks a file before anything is used.
const (
	cacheMagic     = "EMBIPDC\x00"
	cacheVersion   = 1
	cacheHeaderLen = 96
	subBlock       = 1<<subBits + 1 // entries per second-level index of table6

	// MaxCacheSize bounds a table cache file: larger tables are neither
	// written nor read (the embedded snapshot's are about 14 MB).
	MaxCacheSize = 1 << 30
)

// cacheUsable says whether this machine can use cache bytes in place:
// they are little endian, and info and seg6 must have the layouts the
// file has (seg6 has 12 bytes, not 16, on 32-bit machines, which align
// uint64 to 4). Elsewhere the cache is not used at all.
var cacheUsable = binary.NativeEndian.Uint16([]byte{1, 0}) == 1 &&
	unsafe.Sizeof(seg6{}) == 16 && unsafe.Offsetof(seg6{}.info) == 8 &&
	unsafe.Sizeof(info{}) == 12 && unsafe.Offsetof(info{}.org) == 4 &&
	unsafe.Offsetof(info{}.orgLen) == 8 && unsafe.Offsetof(info{}.country) == 10

// cacheCounts are the header's counts, which fix every section's offset.
type cacheCounts struct {
	meta, countries, orgs, infos, seg4, seg6, sub uint32 // orgs counts bytes
}

// cacheLayout holds each section's offset in the file, and its end.
type cacheLayout struct {
	meta, countries, orgs, infos, seg4, index4, seg6, lo6, index6, subOf, sub, end uint64
}

func layoutOf(c cacheCounts) cacheLayout {
	at := uint64(cacheHeaderLen)
	// put places a section of n bytes and pads to 8, so that every array
	// can be used in place.
	put := func(n uint64) uint64 {
		o := at
		at = (at + n + 7) &^ 7
		return o
	}
	var l cacheLayout
	l.meta = put(uint64(c.meta))
	l.countries = put(2 * uint64(c.countries))
	l.orgs = put(uint64(c.orgs))
	l.infos = put(12 * uint64(c.infos))
	l.seg4 = put(8 * uint64(c.seg4))
	l.index4 = put(4 * (1<<16 + 1))
	l.seg6 = put(16 * uint64(c.seg6))
	l.lo6 = put(8 * uint64(c.seg6))
	l.index6 = put(4 * (1<<16 + 1))
	l.subOf = put(4 << 16)
	l.sub = put(4 * uint64(c.sub))
	l.end = at
	return l
}

// marshalCache lays out s's tables in the cache format, for the snapshot
// whose SHA-256 is sum.
func marshalCache(s *Snapshot, sum [32]byte) ([]byte, error) {
	m := wireMeta{Name: s.meta.Name, Built: s.meta.Built, Sources: []wireSource{}}
	for _, src := range s.meta.Sources {
		m.Sources = append(m.Sources, wireSource(src))
	}
	js, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("ipdata: cache meta: %w", err)
	}
	if len(js) > MaxMetaSize || len(s.countries) > MaxCountries+1 || len(s.orgs) > MaxOrgs*MaxOrgLen || len(s.infos) > MaxInfos+1 ||
		len(s.v4.seg) > MaxSegments || len(s.v6.seg) > MaxSegments || len(s.v6.sub) > subBlock<<16 {
		return nil, fmt.Errorf("ipdata: cache: tables exceed the limits")
	}
	c := cacheCounts{uint32(len(js)), uint32(len(s.countries) - 1), uint32(len(s.orgs)),
		uint32(len(s.infos)), uint32(len(s.v4.seg)), uint32(len(s.v6.seg)), uint32(len(s.v6.sub))}
	l := layoutOf(c)
	if l.end > MaxCacheSize {
		return nil, fmt.Errorf("ipdata: cache: %d bytes exceed %d", l.end, MaxCacheSize)
	}
	b := make([]byte, l.end)
	le := binary.LittleEndian

	copy(b[l.meta:], js)
	for i, x := range s.countries[1:] {
		copy(b[l.countries+2*uint64(i):], x)
	}
	copy(b[l.orgs:], s.orgs)
	for i, x := range s.infos {
		p := b[l.infos+12*uint64(i):]
		le.PutUint32(p, x.asn)
		le.PutUint32(p[4:], x.org)
		le.PutUint16(p[8:], x.orgLen)
		le.PutUint16(p[10:], x.country)
	}
	for i, x := range s.v4.seg {
		le.PutUint64(b[l.seg4+8*uint64(i):], x)
	}
	putU32s(b[l.index4:], s.v4.index)
	for i, x := range s.v6.seg {
		le.PutUint64(b[l.seg6+16*uint64(i):], x.hi)
		le.PutUint32(b[l.seg6+16*uint64(i)+8:], x.info)
		le.PutUint64(b[l.lo6+8*uint64(i):], s.v6.lo[i])
	}
	putU32s(b[l.index6:], s.v6.index)
	putU32s(b[l.subOf:], s.v6.subOf)
	putU32s(b[l.sub:], s.v6.sub)

	h := b[:cacheHeaderLen]
	copy(h, cacheMagic)
	le.PutUint32(h[8:], cacheVersion)
	copy(h[16:48], sum[:])
	le.PutUint32(h[48:], crc32.Checksum(b[cacheHeaderLen:], crc32.MakeTable(crc32.Castagnoli)))
	for i, n := range []uint32{c.meta, c.countries, c.orgs, c.infos, c.seg4, c.seg6, c.sub} {
		le.PutUint32(h[56+4*i:], n)
	}
	le.PutUint64(h[88:], l.end)
	return b, nil
}

func putU32s(b []byte, xs []uint32) {
	for i, x := range xs {
		binary.LittleEndian.PutUint32(b[4*i:], x)
	}
}
