package androidapk

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// stringPool is a ResStringPool chunk: stringCount uint32 offsets, each
// relative to stringsStart, to strings that are UTF-16 (a uint16 length
// in code units, the high bit doubling it to two words) or, with
// UTF8_FLAG, UTF-8 (the length in characters then in bytes, each one
// byte or, with the high bit, two).
type stringPool struct {
	chunk   []byte
	at      int // offset of the chunk in the manifest
	count   int
	utf8    bool
	offsets []byte
	strings []byte // from stringsStart to the styles or the chunk's end
}

const utf8Flag = 1 << 8

func newStringPool(c []byte, at int) (*stringPool, error) {
	hsz := int(le.Uint16(c[2:]))
	if hsz < 28 || len(c) < 28 {
		return nil, bad(at, "string pool header of %d bytes, shorter than 28", hsz)
	}
	count, styles, flags := int64(le.Uint32(c[8:])), int64(le.Uint32(c[12:])), le.Uint32(c[16:])
	start, stylesStart := int64(le.Uint32(c[20:])), int64(le.Uint32(c[24:]))
	if int64(hsz)+4*(count+styles) > int64(len(c)) {
		return nil, bad(at, "string pool lists %d strings and %d styles in %d bytes", count, styles, len(c))
	}
	end := int64(len(c))
	if styles > 0 && stylesStart > start && stylesStart <= end {
		end = stylesStart
	}
	if count > 0 && (start < int64(hsz)+4*(count+styles) || start > end) {
		return nil, bad(at, "string pool strings start at %d, outside its %d bytes", start, len(c))
	}
	p := &stringPool{chunk: c, at: at, count: int(count), utf8: flags&utf8Flag != 0, offsets: c[hsz : int64(hsz)+4*count]}
	if count > 0 {
		p.strings = c[start:end]
	}
	return p, nil
}

// get returns string i, or an error at its offset.
func (p *stringPool) get(i uint32) (string, error) {
	if int64(i) >= int64(p.count) {
		return "", bad(p.at, "string %d of a pool of %d", i, p.count)
	}
	off := int64(le.Uint32(p.offsets[4*i:]))
	if off >= int64(len(p.strings)) {
		return "", bad(p.at, "string %d at %d, outside the pool's %d bytes", i, off, len(p.strings))
	}
	s := p.strings[off:]
	if p.utf8 {
		_, n1, ok1 := len8(s)
		if !ok1 {
			return "", bad(p.at, "string %d: truncated length", i)
		}
		size, n2, ok2 := len8(s[n1:])
		if !ok2 || size > len(s)-n1-n2 {
			return "", bad(p.at, "string %d: %d bytes run past the pool", i, size)
		}
		return strings.ToValidUTF8(string(s[n1+n2:n1+n2+size]), string(utf8.RuneError)), nil
	}
	units, n, ok := len16(s)
	if !ok || units > (len(s)-n)/2 {
		return "", bad(p.at, "string %d: %d UTF-16 units run past the pool", i, units)
	}
	u := make([]uint16, units)
	for k := range u {
		u[k] = le.Uint16(s[n+2*k:])
	}
	return string(utf16.Decode(u)), nil
}

func len8(s []byte) (int, int, bool) {
	switch {
	case len(s) >= 1 && s[0]&0x80 == 0:
		return int(s[0]), 1, true
	case len(s) >= 2:
		return int(s[0]&0x7f)<<8 | int(s[1]), 2, true
	}
	return 0, 0, false
}

func len16(s []byte) (int, int, bool) {
	switch {
	case len(s) >= 2 && le.Uint16(s)&0x8000 == 0:
		return int(le.Uint16(s)), 2, true
	case len(s) >= 4:
		return int(le.Uint16(s)&0x7fff)<<16 | int(le.Uint16(s[2:])), 4, true
	}
	return 0, 0, false
}

// element is a start element node: ResXMLTree_node, then at headerSize
// a ResXMLTree_attrExt (ns, name, attributeStart, attributeSize,
// attributeCount, ...), then the ResXMLTree_attribute records (ns, name,
// rawValue, and a Res_value: size, res0, dataType, data).
type element struct {
	name  string
	attrs []attribute
}

type attribute struct {
	ns, name string
	id       uint32 // resource id of the name, 0 when the map has none
	typ      uint8
	data     uint32
	str      string // the string of a string value
	off      int
}

func readElement(c []byte, at int, p *stringPool, resIDs []byte) (element, error) {
	var el element
	ext := int(le.Uint16(c[2:]))
	if ext+20 > len(c) {
		return el, bad(at, "element node of %d bytes, shorter than its header and extension", len(c))
	}
	name, err := p.get(le.Uint32(c[ext+4:]))
	if err != nil {
		return el, err
	}
	el.name = name
	start, size, count := int(le.Uint16(c[ext+8:])), int(le.Uint16(c[ext+10:])), int(le.Uint16(c[ext+12:]))
	if count > 0 && (size < 20 || ext+start+count*size > len(c)) {
		return el, bad(at, "<%s>: %d attributes of %d bytes at %d run past its %d bytes", clip(name), count, size, start, len(c))
	}
	for k := range count {
		r := c[ext+start+k*size:]
		a := attribute{typ: r[15], data: le.Uint32(r[16:]), off: at + ext + start + k*size}
		if ns := le.Uint32(r); ns != noIndex {
			if a.ns, err = p.get(ns); err != nil {
				return el, err
			}
		}
		n := le.Uint32(r[4:])
		if a.name, err = p.get(n); err != nil {
			return el, err
		}
		if int64(n) < int64(len(resIDs)/4) {
			a.id = le.Uint32(resIDs[4*n:])
		}
		if a.typ == typeString {
			idx := le.Uint32(r[8:]) // rawValue; the typed data holds the same index
			if idx == noIndex {
				idx = a.data
			}
			if a.str, err = p.get(idx); err != nil {
				return el, err
			}
		}
		el.attrs = append(el.attrs, a)
	}
	return el, nil
}

// find returns the android: attribute with resource id id, or, where
// the resource map gives none, named name in the android namespace.
func (el element) find(id uint32, name string) *attribute {
	for i, a := range el.attrs {
		if a.id == id || a.id == 0 && a.ns == androidNS && a.name == name {
			return &el.attrs[i]
		}
	}
	return nil
}

// attr returns an android: attribute as a string or a reference.
func (el element) attr(id uint32, name string) value {
	a := el.find(id, name)
	switch {
	case a == nil:
		return value{}
	case a.typ == typeString:
		return value{s: a.str}
	case a.typ == typeReference && a.data != 0:
		return value{ref: a.data}
	case a.typ == typeIntDec:
		return value{s: strconv.FormatUint(uint64(a.data), 10)}
	}
	return value{}
}

// integer is an integer value, or a string of decimal digits.
func (a *attribute) integer() (uint32, bool) {
	switch a.typ {
	case typeIntDec, typeIntHex:
		return a.data, true
	case typeString:
		var v uint64
		for _, c := range []byte(a.str) {
			if c < '0' || c > '9' || v > 1<<32 {
				return 0, false
			}
			v = v*10 + uint64(c-'0')
		}
		return uint32(v), a.str != "" && v < 1<<32
	}
	return 0, false
}
