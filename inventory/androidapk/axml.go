package androidapk

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"
)

// Android's compiled binary XML, as AOSP's
// libs/androidfw/include/androidfw/ResourceTypes.h lays it out (all
// little-endian): every chunk begins with a ResChunk_header (uint16
// type, uint16 headerSize, uint32 size). The file is one RES_XML_TYPE
// chunk holding a string pool, an optional resource map (the resource
// id of each attribute name, parallel to the first strings of the
// pool), and a flat run of namespace and element nodes; the nesting is
// told by the start and end element nodes.

// Chunk types and value types of ResourceTypes.h.
const (
	resStringPool = 0x0001
	resXML        = 0x0003
	resXMLStart   = 0x0102
	resXMLEnd     = 0x0103
	resXMLResMap  = 0x0180

	typeReference = 0x01
	typeString    = 0x03
	typeIntDec    = 0x10
	typeIntHex    = 0x11

	noIndex   = 0xFFFFFFFF
	androidNS = "http://schemas.android.com/apk/res/android"
)

// Resource ids of the android: attributes read (android.R.attr, as
// the framework's public resources declare them).
const (
	attrLabel            = 0x01010001
	attrVersionCode      = 0x0101021b
	attrVersionName      = 0x0101021c
	attrVersionCodeMajor = 0x01010576
)

// manifest is what is read of AndroidManifest.xml.
type manifest struct {
	pkg         string
	versionCode string // decimal, with versionCodeMajor as the high 32 bits
	versionName value
	label       value // of the application element
}

// value is an attribute value: a plain string, or a reference to a
// resource (ref set) that only resources.arsc resolves.
type value struct {
	s   string
	ref uint32
}

func (v value) String() string {
	if v.ref != 0 {
		return fmt.Sprintf("@0x%08x", v.ref)
	}
	return v.s
}

// axmlError is a malformed manifest at a byte offset.
type axmlError struct {
	off int
	msg string
}

func (e *axmlError) Error() string { return fmt.Sprintf("byte %d: %s", e.off, e.msg) }

func bad(off int, format string, args ...any) error {
	return &axmlError{off: off, msg: fmt.Sprintf(format, args...)}
}

var le = binary.LittleEndian

// parseManifest reads the manifest element and its application child of
// a binary AndroidManifest.xml. check is called every few thousand
// chunks and stops the walk when it fails (a cancelled context).
func parseManifest(b []byte, check func() error) (manifest, error) {
	var m manifest
	if len(b) < 8 {
		return m, bad(0, "%d bytes, shorter than a chunk header", len(b))
	}
	if typ := le.Uint16(b); typ != resXML {
		if t := bytes.TrimLeft(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")), " \t\r\n"); bytes.HasPrefix(t, []byte("<")) {
			return m, bad(0, "text XML, not compiled binary XML (an unbuilt project or an Android library, not an APK)")
		}
		return m, bad(0, "chunk type 0x%04x, not binary XML (0x0003)", typ)
	}
	hsz, size := int(le.Uint16(b[2:])), int64(le.Uint32(b[4:]))
	if hsz < 8 || int64(hsz) > size || size > int64(len(b)) {
		return m, bad(0, "XML chunk header of %d bytes claims %d bytes of %d", hsz, size, len(b))
	}
	b = b[:size]
	var pool *stringPool
	var resIDs []byte
	depth, inManifest, seen := 0, false, false
	for off, n := hsz, 0; off < len(b); n++ {
		if n%4096 == 4095 {
			if err := check(); err != nil {
				return m, err
			}
		}
		if len(b)-off < 8 {
			return m, bad(off, "%d bytes left, shorter than a chunk header", len(b)-off)
		}
		typ, chsz, csize := le.Uint16(b[off:]), int(le.Uint16(b[off+2:])), int64(le.Uint32(b[off+4:]))
		if chsz < 8 || int64(chsz) > csize || csize > int64(len(b)-off) {
			return m, bad(off, "chunk 0x%04x: header of %d bytes, size %d, %d bytes left", typ, chsz, csize, len(b)-off)
		}
		chunk := b[off : off+int(csize)]
		switch typ {
		case resStringPool:
			if pool == nil {
				p, err := newStringPool(chunk, off)
				if err != nil {
					return m, err
				}
				pool = p
			}
		case resXMLResMap:
			resIDs = chunk[chsz : chsz+(len(chunk)-chsz)/4*4]
		case resXMLStart:
			depth++
			if pool == nil {
				return m, bad(off, "an element before the string pool")
			}
			el, err := readElement(chunk, off, pool, resIDs)
			if err != nil {
				return m, err
			}
			switch {
			case depth == 1 && !seen:
				if el.name != "manifest" {
					return m, bad(off, "root element <%s>, not <manifest>", clip(el.name))
				}
				seen, inManifest = true, true
				if err := m.fromManifest(el); err != nil {
					return m, err
				}
			case depth == 2 && inManifest && el.name == "application":
				m.label = el.attr(attrLabel, "label")
			}
		case resXMLEnd:
			depth--
			if depth == 0 {
				inManifest = false
			}
		}
		off += int(csize)
	}
	if !seen {
		return m, bad(0, "no <manifest> element")
	}
	return m, nil
}

// fromManifest reads the manifest element's attributes.
func (m *manifest) fromManifest(el element) error {
	for _, a := range el.attrs {
		if a.ns == "" && a.name == "package" && a.id == 0 {
			if a.typ != typeString {
				return bad(a.off, "package is a value of type 0x%02x, not a string", a.typ)
			}
			m.pkg = a.str
		}
	}
	m.versionName = el.attr(attrVersionName, "versionName")
	code, major := el.find(attrVersionCode, "versionCode"), el.find(attrVersionCodeMajor, "versionCodeMajor")
	if code == nil {
		return nil
	}
	low, ok := code.integer()
	if !ok {
		return bad(code.off, "versionCode is a value of type 0x%02x, not an integer", code.typ)
	}
	v := uint64(low)
	if major != nil {
		if high, ok := major.integer(); ok {
			v |= uint64(high) << 32
		}
	}
	m.versionCode = strconv.FormatUint(v, 10)
	return nil
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
