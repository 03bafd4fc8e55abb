package ipdata

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"unicode/utf8"
)

// decode reads a snapshot file, checking everything: it is a parser of
// possibly hostile input, so every count is bounded before it sizes an
// allocation and every error names the offset it was found at.
func decode(b []byte, name string) (*Snapshot, error) {
	fail := func(off int, format string, args ...any) error {
		return fmt.Errorf("ipdata: %s: file offset %d: %s", name, off, fmt.Sprintf(format, args...))
	}
	if len(b) < headerLen {
		return nil, fail(len(b), "truncated header: %d of %d bytes", len(b), headerLen)
	}
	if string(b[:len(magic)]) != magic {
		return nil, fail(0, "bad magic %q, want %q", b[:len(magic)], magic)
	}
	if v := binary.BigEndian.Uint16(b[8:]); v != formatVersion {
		return nil, fail(8, "format version %d, this reader knows %d", v, formatVersion)
	}
	if f := binary.BigEndian.Uint16(b[10:]); f != 0 {
		return nil, fail(10, "unknown flags %#x", f)
	}
	size := binary.BigEndian.Uint32(b[12:])
	if size > MaxBodySize {
		return nil, fail(12, "body size %d exceeds %d", size, MaxBodySize)
	}
	// Deflate expands at most 1032:1, so a size the stream cannot hold is
	// refused before it sizes the buffer.
	if int64(size) > 1032*int64(len(b)-headerLen)+64 {
		return nil, fail(12, "body size %d cannot come from %d compressed bytes", size, len(b)-headerLen)
	}
	zr := bytes.NewReader(b[headerLen:])
	gz, err := gzip.NewReader(zr)
	if err != nil {
		return nil, fail(headerLen, "gzip: %v", err)
	}
	gz.Multistream(false)
	var body bytes.Buffer
	body.Grow(int(size) + bytes.MinRead)
	if _, err := body.ReadFrom(io.LimitReader(gz, int64(size)+1)); err != nil {
		return nil, fail(headerLen, "gzip body: %v", err)
	}
	if body.Len() != int(size) {
		return nil, fail(12, "header says %d body bytes, gzip holds %d or more", size, body.Len())
	}
	if _, err := io.Copy(io.Discard, gz); err != nil { // reach the gzip trailer and check its CRC
		return nil, fail(headerLen, "gzip trailer: %v", err)
	}
	if zr.Len() != 0 {
		return nil, fail(len(b)-zr.Len(), "%d bytes after the gzip stream", zr.Len())
	}
	s, err := decodeBody(body.Bytes())
	if err != nil {
		return nil, fmt.Errorf("ipdata: %s: %w", name, err)
	}
	s.raw = b
	s.meta.Digest = digestOf(b)
	return s, nil
}

// bodyReader walks a body; the first error sticks and later reads
// return zero values, so callers check r.err at section ends.
type bodyReader struct {
	b       []byte
	off     int
	section string
	err     error
}

// bodyError says where in the uncompressed body decoding failed.
type bodyError struct {
	Offset  int
	Section string
	Msg     string
}

func (e *bodyError) Error() string {
	return fmt.Sprintf("body offset %d (section %s): %s", e.Offset, e.Section, e.Msg)
}

func (r *bodyReader) fail(off int, format string, args ...any) {
	if r.err == nil {
		r.err = &bodyError{off, r.section, fmt.Sprintf(format, args...)}
	}
}

func (r *bodyReader) tag(t string) {
	if r.err != nil {
		return
	}
	r.section = t
	if len(r.b)-r.off < len(t) || string(r.b[r.off:r.off+len(t)]) != t {
		r.fail(r.off, "want section tag %q", t)
		return
	}
	r.off += len(t)
}

// uvarint reads a varint; most are one byte (deltas, indexes), which it
// reads inline.
func (r *bodyReader) uvarint() uint64 {
	if r.off < len(r.b) && r.b[r.off] < 0x80 && r.err == nil {
		r.off++
		return uint64(r.b[r.off-1])
	}
	return r.uvarintSlow()
}

func (r *bodyReader) uvarintSlow() uint64 {
	if r.err != nil {
		return 0
	}
	// Two and three bytes (segment starts, info indexes) without the
	// general loop.
	if b := r.b[r.off:]; len(b) >= 3 && b[1] < 0x80 {
		r.off += 2
		return uint64(b[0]&0x7f) | uint64(b[1])<<7
	} else if len(b) >= 3 && b[2] < 0x80 {
		r.off += 3
		return uint64(b[0]&0x7f) | uint64(b[1]&0x7f)<<7 | uint64(b[2])<<14
	}
	x, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.fail(r.off, "bad or truncated varint")
		return 0
	}
	r.off += n
	return x
}

// count reads a count, at most limit and at most the bytes left divided
// by the fewest bytes each item takes, so it can size an allocation.
func (r *bodyReader) count(limit, minItemBytes int) int {
	off := r.off
	n := r.uvarint()
	if r.err == nil && (n > uint64(limit) || n > uint64((len(r.b)-r.off)/minItemBytes)) {
		r.fail(off, "count %d exceeds the limit %d or the %d bytes left", n, limit, len(r.b)-r.off)
		return 0
	}
	return int(n)
}

// index reads a 1-based index into a table of n entries, 0 meaning none.
func (r *bodyReader) index(n int, what string) uint32 {
	off := r.off
	x := r.uvarint()
	if x > uint64(n) {
		r.fail(off, "%s index %d out of range (%d entries)", what, x, n)
		return 0
	}
	return uint32(x)
}

func (r *bodyReader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b)-r.off {
		r.fail(r.off, "%d bytes wanted, %d left", n, len(r.b)-r.off)
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func decodeBody(b []byte) (*Snapshot, error) {
	r := &bodyReader{b: b}
	s := &Snapshot{}

	r.tag(tagMeta)
	off := r.off
	mb := r.take(r.count(MaxMetaSize, 1))
	if r.err == nil {
		m, err := parseMeta(mb)
		if err != nil {
			r.fail(off, "%v", err)
		}
		s.meta = m
	}

	r.tag(tagCtry)
	countries := make([]string, r.count(MaxCountries, 2))
	for i := range countries {
		off := r.off
		c := string(r.take(2))
		if r.err == nil && (!validCountry(c) || (i > 0 && c <= countries[i-1])) {
			r.fail(off, "country %q is not two letters A-Z in ascending order", c)
		}
		countries[i] = c
	}

	r.tag(tagOrgs)
	section, orgs, orgAt := r.orgs()

	r.tag(tagASes)
	type asRef struct{ asn, org uint32 } // org is 1-based, 0 for none
	ases := make([]asRef, r.count(MaxASes, 2))
	var asn uint64
	var prevOrg uint32
	for i := range ases {
		off := r.off
		d := r.uvarint()
		org := r.index(len(orgs), "organisation")
		asn += d
		switch {
		case r.err != nil:
		case asn == 0 || asn > math.MaxUint32:
			r.fail(off, "ASN %d out of range 1..%d", asn, uint32(math.MaxUint32))
		case i > 0 && d == 0 && org <= prevOrg:
			r.fail(off, "AS %d entries not in ascending order", asn)
		}
		prevOrg = org
		ases[i] = asRef{uint32(asn), org}
	}

	r.tag(tagInfo)
	n := r.count(MaxInfos, 2)
	s.infos = make([]info, n+1)
	s.countries = append([]string{""}, countries...)
	s.orgs = section
	var pc, pa uint32
	for i := 1; i <= n && r.err == nil; i++ {
		off := r.off
		c := r.index(len(countries), "country")
		a := r.index(len(ases), "AS")
		if r.err == nil && (c == 0 && a == 0 || i > 1 && (c < pc || c == pc && a <= pa)) {
			r.fail(off, "info (%d, %d) is empty or not in ascending order", c, a)
		}
		pc, pa = c, a
		s.infos[i].country = uint16(c) // c <= MaxCountries
		if a > 0 {
			s.infos[i].asn = ases[a-1].asn
			if o := ases[a-1].org; o > 0 {
				s.infos[i].org, s.infos[i].orgLen = orgAt[o-1], uint16(len(orgs[o-1])) // <= MaxOrgLen
			}
		}
	}

	r.tag(tagSeg4)
	n = r.count(MaxSegments, 2)
	if r.err == nil && n == 0 {
		r.fail(r.off, "no IPv4 segment")
	}
	start4 := make([]uint32, n)
	var at uint64
	for i := range start4 {
		off := r.off
		d := r.uvarint()
		at += d
		if r.err == nil && ((i == 0) != (d == 0) || at > math.MaxUint32) {
			r.fail(off, "segment %d start delta %d: the first must be 0, the others positive, the sum within 32 bits", i, d)
		}
		start4[i] = uint32(at)
	}
	info4 := r.segmentInfos(n, len(s.infos))

	r.tag(tagSeg6)
	n = r.count(MaxSegments, 3)
	if r.err == nil && n == 0 {
		r.fail(r.off, "no IPv6 segment")
	}
	hi6, lo6 := make([]uint64, n), make([]uint64, n)
	var at6 u128
	for i := range hi6 {
		off := r.off
		d := u128{r.uvarint(), 0}
		d.lo = r.uvarint()
		var over bool
		at6, over = at6.add(d)
		if r.err == nil && ((i == 0) != (d == u128{}) || over) {
			r.fail(off, "segment %d start delta: the first must be 0, the others positive, the sum within 128 bits", i)
		}
		hi6[i], lo6[i] = at6.hi, at6.lo
	}
	info6 := r.segmentInfos(n, len(s.infos))

	r.tag(tagEnd)
	if r.err == nil && r.off != len(b) {
		r.fail(r.off, "%d bytes after the end tag", len(b)-r.off)
	}
	if r.err != nil {
		return nil, r.err
	}
	s.v4 = newTable4(start4, info4)
	s.v6 = newTable6(hi6, lo6, info6)
	return s, nil
}

// orgs reads the organisation names, as substrings of one copy of the
// section (tens of thousands of names, where a string each was as many
// allocations), which it returns too: Snapshot.orgs is that copy, and
// at[i] where name i begins in it.
func (r *bodyReader) orgs() (section string, names []string, at []uint32) {
	n := r.count(MaxOrgs, 2)
	ends := make([]int, n) // where each name ends in the body
	start := r.off
	for i := range ends {
		off := r.off
		n := r.uvarint()
		if r.err == nil && (n == 0 || n > MaxOrgLen) {
			r.fail(off, "organisation name length %d not in 1..%d", n, MaxOrgLen)
		}
		r.take(int(n))
		ends[i] = r.off
	}
	if r.err != nil {
		return "", nil, nil
	}
	section = string(r.b[start:r.off])
	orgs := make([]string, n)
	at = make([]uint32, n)
	for i, end := range ends {
		end -= start
		off := start
		if i > 0 {
			off = ends[i-1]
		}
		_, k := binary.Uvarint(r.b[off:]) // read above
		o := section[off-start+k : end]
		if !utf8.ValidString(o) || (i > 0 && o <= orgs[i-1]) {
			r.fail(off, "organisation name %.40q is not UTF-8 or not in ascending order", o)
			return "", nil, nil
		}
		orgs[i], at[i] = o, uint32(off-start+k)
	}
	return section, orgs, at
}

// segmentInfos reads n info indexes; neighbours must differ, since the
// writer merges equal ones.
func (r *bodyReader) segmentInfos(n, infos int) []uint32 {
	out := make([]uint32, n)
	for i := range out {
		off := r.off
		x := r.index(infos-1, "info")
		if r.err == nil && i > 0 && x == out[i-1] {
			r.fail(off, "segment %d has the same info as the one before", i)
		}
		out[i] = x
	}
	return out
}

// parseMeta reads META's JSON, as the snapshot and the table cache
// (cache.go) both hold it, so that both give the same Meta.
func parseMeta(b []byte) (Meta, error) {
	var m wireMeta
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil || dec.More() {
		return Meta{}, fmt.Errorf("meta JSON: %v", err)
	}
	meta := Meta{Name: m.Name, Built: m.Built}
	for _, src := range m.Sources {
		meta.Sources = append(meta.Sources, Source(src))
	}
	return meta, nil
}
