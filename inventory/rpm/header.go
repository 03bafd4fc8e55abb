package rpm

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// Header tags read here; go-rpmdb reads the rest.
const (
	tagName    = 1000
	tagVersion = 1001
	tagRelease = 1002
	tagURL     = 1020
	tagArch    = 1022
)

// Tag data types (rpmtag.h) and their sizes and alignments (header.c);
// -1 marks the strings, whose length is up to their NUL bytes.
const (
	typeBin         = 7
	typeString      = 6
	typeStringArray = 8
	typeI18NString  = 9
	typeMax         = 9
)

var (
	typeSize  = [typeMax + 1]int64{0, 1, 1, 2, 4, 8, -1, 1, -1, -1}
	typeAlign = [typeMax + 1]int64{1, 1, 1, 2, 4, 8, 1, 1, 1, 1}
)

// Region tags: the first index entry of a header may mark the region of
// entries signed together, with a 16-byte trailer in the data.
const (
	tagHeaderImage      = 61
	tagHeaderSignatures = 62
	tagHeaderImmutable  = 63
	tagI18NTable        = 100 // the lowest tag of a header proper
)

// maxHeader is rpm's own bound on one header (headerMaxbytes, header.c).
const maxHeader = 256 << 20

// header is one package header as an rpmdb stores it: the index length il
// and data length dl (big-endian), il index entries of 16 bytes (tag,
// type, offset, count), then dl bytes of data.
type header struct {
	index []byte
	data  []byte
}

// entry is one index entry.
type entry struct {
	tag, typ uint32
	offset   int64
	count    int64
}

func (h header) entry(i int) entry {
	e := h.index[16*i:]
	return entry{
		tag:    binary.BigEndian.Uint32(e),
		typ:    binary.BigEndian.Uint32(e[4:]),
		offset: int64(int32(binary.BigEndian.Uint32(e[8:]))),
		count:  int64(binary.BigEndian.Uint32(e[12:])),
	}
}

// parseHeader checks a header by rpm's own rules (hdrblobInit,
// hdrblobVerifyRegion, hdrblobVerifyInfo in header.c), which go-rpmdb
// ports with gaps: it allocates il entries before checking them against
// the blob, indexes tables by an unchecked type, slices past a region of
// no entries, and, having lost the check that entries do not overlap, can
// count the strings of an entry for up to 2^32 rounds.
func parseHeader(b []byte) (header, error) {
	if len(b) > maxHeader {
		return header{}, fmt.Errorf("package header of %d bytes, over rpm's limit of %d", len(b), maxHeader)
	}
	if len(b) < 8 {
		return header{}, fmt.Errorf("package header of %d bytes, shorter than its 8-byte preamble", len(b))
	}
	il := int64(int32(binary.BigEndian.Uint32(b)))
	dl := int64(int32(binary.BigEndian.Uint32(b[4:])))
	if il < 1 || dl < 0 || 8+16*il+dl > int64(len(b)) {
		return header{}, fmt.Errorf("package header claims %d index entries and %d data bytes, but holds %d bytes", il, dl, len(b))
	}
	h := header{index: b[8 : 8+16*il], data: b[8+16*il : 8+16*il+dl]}
	for i := range int(il) {
		if t := h.entry(i).typ; t > typeMax {
			return header{}, fmt.Errorf("package header index entry %d has data type %d (at most %d)", i, t, typeMax)
		}
	}
	first, err := h.region()
	if err != nil {
		return header{}, err
	}
	end := int64(0)
	for i := first; i < int(il); i++ {
		e := h.entry(i)
		switch {
		case e.offset < end:
			return header{}, fmt.Errorf("package header index entry %d: data at %d overlaps the previous entry's", i, e.offset)
		case e.tag < tagI18NTable:
			return header{}, fmt.Errorf("package header index entry %d has tag %d", i, e.tag)
		case e.offset%typeAlign[e.typ] != 0 || e.offset > dl:
			return header{}, fmt.Errorf("package header index entry %d: data offset %d misaligned or past %d bytes", i, e.offset, dl)
		}
		n := h.dataLength(e)
		if n <= 0 || e.offset+n > dl {
			return header{}, fmt.Errorf("package header index entry %d (tag %d): %d values of type %d do not fit", i, e.tag, e.count, e.typ)
		}
		end = e.offset + n
	}
	return h, nil
}

// region checks the region tag and its trailer, if the header has one,
// and returns the first entry after it.
func (h header) region() (int, error) {
	r := h.entry(0)
	if r.tag != tagHeaderImage && r.tag != tagHeaderSignatures && r.tag != tagHeaderImmutable {
		return 0, nil
	}
	dl := int64(len(h.data))
	if r.typ != typeBin || r.count != 16 || r.offset < 0 || r.offset+16 > dl {
		return 0, fmt.Errorf("package header region tag %d: type %d, %d bytes at %d", r.tag, r.typ, r.count, r.offset)
	}
	trailer := -int64(int32(binary.BigEndian.Uint32(h.data[r.offset+8:])))
	il := int64(len(h.index) / 16)
	if trailer%16 != 0 || trailer/16 > il || r.offset != 0 && trailer/16 < 1 {
		return 0, fmt.Errorf("package header region of %d bytes of index in an index of %d entries", trailer, il)
	}
	return 1, nil
}

// dataLength is the size of an entry's data, or -1, as rpm's dataLength
// computes it: strings run to their NUL byte, all of them before the end.
func (h header) dataLength(e entry) int64 {
	if typeSize[e.typ] >= 0 {
		return typeSize[e.typ] * e.count
	}
	if e.typ == typeString && e.count != 1 {
		return -1
	}
	if e.offset >= int64(len(h.data)) {
		return -1
	}
	at := e.offset
	for range e.count {
		i := bytes.IndexByte(h.data[at:], 0)
		if i < 0 {
			return -1
		}
		at += int64(i) + 1
	}
	return at - e.offset
}

// str returns the first string of a string tag, or "" when the header
// lacks it.
func (h header) str(tag uint32) string {
	for i := range len(h.index) / 16 {
		e := h.entry(i)
		if e.tag != tag {
			continue
		}
		switch e.typ {
		case typeString, typeStringArray, typeI18NString:
		default:
			return ""
		}
		if e.offset < 0 || e.offset >= int64(len(h.data)) {
			return ""
		}
		s := h.data[e.offset:]
		if end := bytes.IndexByte(s, 0); end >= 0 {
			return string(s[:end])
		}
		return ""
	}
	return ""
}

// key identifies a package among those of one database, to join what
// go-rpmdb returns with what the header check read.
func key(name, version, release, arch string) string {
	return name + "\x00" + version + "\x00" + release + "\x00" + arch
}
