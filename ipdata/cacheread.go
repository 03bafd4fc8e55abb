package ipdata

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"unsafe"
)

// cacheError says where a table cache file was refused.
type cacheError struct {
	Offset uint64
	Msg    string
}

func (e *cacheError) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

func cacheFail(off uint64, format string, args ...any) error {
	return &cacheError{off, fmt.Sprintf(format, args...)}
}

// parseCache builds a Snapshot on b, a table cache file, used in place:
// b must be 8-byte aligned and never written or unmapped, since the
// tables and strings of the Snapshot are views of it. The file sits in a
// directory the user can write to, so it is checked as hostile input:
// the header against want (the snapshot's SHA-256) and the limits, the
// checksum, then every string, index and order a lookup relies on, so
// that no lookup on the result can panic or read out of range. The
// caller sets meta.Digest and raw.
func parseCache(b []byte, want [32]byte) (*Snapshot, error) {
	if !cacheUsable {
		return nil, cacheFail(0, "the cache is not used on this machine")
	}
	if len(b) > 0 && uintptr(unsafe.Pointer(&b[0]))%8 != 0 {
		return nil, cacheFail(0, "buffer is not 8-byte aligned")
	}
	le := binary.LittleEndian
	if len(b) < cacheHeaderLen {
		return nil, cacheFail(uint64(len(b)), "truncated header: %d of %d bytes", len(b), cacheHeaderLen)
	}
	switch {
	case string(b[:8]) != cacheMagic:
		return nil, cacheFail(0, "bad magic %q, want %q", b[:8], cacheMagic)
	case le.Uint32(b[8:]) != cacheVersion:
		return nil, cacheFail(8, "format version %d, this reader knows %d", le.Uint32(b[8:]), cacheVersion)
	case le.Uint32(b[12:]) != 0 || le.Uint32(b[52:]) != 0 || le.Uint32(b[84:]) != 0:
		return nil, cacheFail(12, "unknown flags or reserved bits set")
	case !bytes.Equal(b[16:48], want[:]):
		return nil, cacheFail(16, "tables of snapshot %x, want %x", b[16:48], want)
	}
	var n [7]uint32
	for i := range n {
		n[i] = le.Uint32(b[56+4*i:])
	}
	c := cacheCounts{n[0], n[1], n[2], n[3], n[4], n[5], n[6]}
	switch {
	case c.meta > MaxMetaSize, c.countries > MaxCountries, c.orgs > MaxOrgs*MaxOrgLen, c.infos == 0, c.infos > MaxInfos+1,
		c.seg4 == 0, c.seg4 > MaxSegments, c.seg6 == 0, c.seg6 > MaxSegments, c.sub%subBlock != 0, c.sub > subBlock<<16:
		return nil, cacheFail(56, "counts %+v out of range", c)
	}
	l := layoutOf(c)
	if total := le.Uint64(b[88:]); l.end > MaxCacheSize || total != l.end || uint64(len(b)) != l.end {
		return nil, cacheFail(88, "counts need %d bytes, the header says %d, the file has %d", l.end, total, len(b))
	}
	// The checksum is taken section by section, each just before it is
	// checked, so that the tables are read from memory once, not twice.
	tab := crc32.MakeTable(crc32.Castagnoli)
	crc, done := uint32(0), uint64(cacheHeaderLen)
	upTo := func(end uint64) {
		crc = crc32.Update(crc, tab, b[done:end])
		done = end
	}
	checkCRC := func() error {
		if sum := le.Uint32(b[48:]); crc != sum {
			return cacheFail(48, "checksum %#x, the tables hash to %#x", sum, crc)
		}
		return nil
	}
	// refuse reports a damaged file as such rather than by the first
	// check its damage happened to fail.
	refuse := func(err error) (*Snapshot, error) {
		upTo(l.end)
		if crcErr := checkCRC(); crcErr != nil {
			return nil, crcErr
		}
		return nil, err
	}

	s := &Snapshot{}
	upTo(l.infos)
	m, err := parseMeta(b[l.meta : l.meta+uint64(c.meta)])
	if err != nil {
		return refuse(cacheFail(l.meta, "%v", err))
	}
	s.meta = m
	s.countries = make([]string, c.countries+1)
	for i := 1; i <= int(c.countries); i++ {
		x := unsafe.String(&b[l.countries+2*uint64(i-1)], 2)
		if !validCountry(x) || i > 1 && x <= s.countries[i-1] {
			return refuse(cacheFail(l.countries+2*uint64(i-1), "country %q is not two letters A-Z in ascending order", x))
		}
		s.countries[i] = x
	}
	if c.orgs > 0 {
		s.orgs = unsafe.String(&b[l.orgs], c.orgs)
	}

	upTo(l.seg4)
	s.infos = unsafe.Slice((*info)(unsafe.Pointer(&b[l.infos])), c.infos)
	for i, x := range s.infos {
		if uint32(x.country) > c.countries || uint64(x.org)+uint64(x.orgLen) > uint64(c.orgs) || x.orgLen > MaxOrgLen ||
			x.asn == 0 && x.orgLen != 0 || i == 0 && x != (info{}) {
			return refuse(cacheFail(l.infos+12*uint64(i), "info %d out of range", i))
		}
	}

	upTo(l.seg6)
	s.v4 = table4{seg: unsafe.Slice((*uint64)(unsafe.Pointer(&b[l.seg4])), c.seg4), index: u32s(b[l.index4:], 1<<16+1)}
	prev := uint64(0)
	for i, x := range s.v4.seg {
		if uint32(x) >= c.infos || (i == 0) != (x>>32 == 0) || i > 0 && x>>32 <= prev>>32 {
			return refuse(cacheFail(l.seg4+8*uint64(i), "IPv4 segment %d: start not ascending from 0, or info out of range", i))
		}
		prev = x
	}
	if err := checkIndex(s.v4.index, c.seg4, l.index4); err != nil {
		return refuse(err)
	}

	upTo(l.end)
	s.v6 = table6{
		seg:   unsafe.Slice((*seg6)(unsafe.Pointer(&b[l.seg6])), c.seg6),
		lo:    unsafe.Slice((*uint64)(unsafe.Pointer(&b[l.lo6])), c.seg6),
		index: u32s(b[l.index6:], 1<<16+1),
		subOf: u32s(b[l.subOf:], 1<<16),
		sub:   u32s(b[l.sub:], int(c.sub)),
	}
	pads := u32s(b[l.seg6:], 4*int(c.seg6))
	var ph, pl uint64
	for i, x := range s.v6.seg {
		lo := s.v6.lo[i]
		if x.info >= c.infos || pads[4*i+3] != 0 || (i == 0) != (x.hi == 0 && lo == 0) || i > 0 && (x.hi < ph || x.hi == ph && lo <= pl) {
			return refuse(cacheFail(l.seg6+16*uint64(i), "IPv6 segment %d: start not ascending from 0, or info out of range", i))
		}
		ph, pl = x.hi, lo
	}
	if err := checkIndex(s.v6.index, c.seg6, l.index6); err != nil {
		return refuse(err)
	}
	for h, x := range s.v6.subOf {
		if x > c.sub/subBlock {
			return refuse(cacheFail(l.subOf+4*uint64(h), "second-level index %d of %d", x, c.sub/subBlock))
		}
	}
	for i, x := range s.v6.sub {
		if x >= c.seg6 || i%subBlock != 0 && x < s.v6.sub[i-1] {
			return refuse(cacheFail(l.sub+4*uint64(i), "second-level index entry %d not ascending or out of range", x))
		}
	}
	if err := checkCRC(); err != nil {
		return nil, err
	}
	return s, nil
}

// checkIndex checks a first-level index: ascending, within the table,
// and ending at its last segment, which find relies on.
func checkIndex(index []uint32, segs uint32, off uint64) error {
	for i, x := range index {
		if x >= segs || i > 0 && x < index[i-1] || i == len(index)-1 && x != segs-1 {
			return cacheFail(off+4*uint64(i), "index entry %d not ascending or out of range (%d segments)", x, segs)
		}
	}
	return nil
}

// u32s views the first n little-endian uint32s of b, which is 4-byte
// aligned (every section starts 8-byte aligned).
func u32s(b []byte, n int) []uint32 {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*uint32)(unsafe.Pointer(&b[0])), n)
}
