package androidapk

import (
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
)

// xattr and xel describe a manifest for encodeAXML, which writes it as
// ResourceTypes.h lays binary XML out (as aapt does, but with the choice
// of a UTF-8 or UTF-16 string pool, and with any value type).
type xattr struct {
	ns, name string
	id       uint32 // resource id of the name; 0 for none
	typ      uint8
	data     uint32
	str      string // a string value
}

type xel struct {
	name  string
	attrs []xattr
	close bool // an end element node for the last open element instead
}

func encodeAXML(utf8Pool bool, els []xel) []byte {
	var pool []string
	index := map[string]uint32{}
	intern := func(s string) uint32 {
		if i, ok := index[s]; ok {
			return i
		}
		index[s] = uint32(len(pool))
		pool = append(pool, s)
		return index[s]
	}
	// Attribute names with resource ids first, parallel to the map.
	var ids []uint32
	for _, e := range els {
		for _, a := range e.attrs {
			if _, ok := index[a.name]; a.id != 0 && !ok {
				intern(a.name)
				ids = append(ids, a.id)
			}
		}
	}
	le := binary.LittleEndian
	var body []byte
	var open []string
	for _, e := range els {
		if e.close {
			name := open[len(open)-1]
			open = open[:len(open)-1]
			n := make([]byte, 24)
			le.PutUint16(n, resXMLEnd)
			le.PutUint16(n[2:], 16)
			le.PutUint32(n[4:], 24)
			le.PutUint32(n[12:], noIndex)
			le.PutUint32(n[16:], noIndex)
			le.PutUint32(n[20:], intern(name))
			body = append(body, n...)
			continue
		}
		open = append(open, e.name)
		n := make([]byte, 36+20*len(e.attrs))
		le.PutUint16(n, resXMLStart)
		le.PutUint16(n[2:], 16)
		le.PutUint32(n[4:], uint32(len(n)))
		le.PutUint32(n[12:], noIndex)
		le.PutUint32(n[16:], noIndex)
		le.PutUint32(n[20:], intern(e.name))
		le.PutUint16(n[24:], 20)
		le.PutUint16(n[26:], 20)
		le.PutUint16(n[28:], uint16(len(e.attrs)))
		for i, a := range e.attrs {
			r := n[36+20*i:]
			le.PutUint32(r, noIndex)
			if a.ns != "" {
				le.PutUint32(r, intern(a.ns))
			}
			le.PutUint32(r[4:], intern(a.name))
			le.PutUint32(r[8:], noIndex)
			le.PutUint16(r[12:], 8)
			r[15] = a.typ
			le.PutUint32(r[16:], a.data)
			if a.typ == typeString {
				le.PutUint32(r[8:], intern(a.str))
				le.PutUint32(r[16:], intern(a.str))
			}
		}
		body = append(body, n...)
	}
	var strs []byte
	offs := make([]byte, 4*len(pool))
	for i, s := range pool {
		le.PutUint32(offs[4*i:], uint32(len(strs)))
		if utf8Pool {
			strs = append(append(append(append(strs, lenPrefix8(len([]rune(s)))...), lenPrefix8(len(s))...), s...), 0)
		} else {
			u := utf16.Encode([]rune(s))
			strs = append(strs, lenPrefix16(len(u))...)
			for _, c := range u {
				strs = le.AppendUint16(strs, c)
			}
			strs = append(strs, 0, 0)
		}
	}
	for len(strs)%4 != 0 {
		strs = append(strs, 0)
	}
	sp := make([]byte, 28)
	le.PutUint16(sp, resStringPool)
	le.PutUint16(sp[2:], 28)
	le.PutUint32(sp[4:], uint32(28+len(offs)+len(strs)))
	le.PutUint32(sp[8:], uint32(len(pool)))
	if utf8Pool {
		le.PutUint32(sp[16:], utf8Flag)
	}
	le.PutUint32(sp[20:], uint32(28+len(offs)))
	sp = append(append(sp, offs...), strs...)
	rm := make([]byte, 8, 8+4*len(ids))
	le.PutUint16(rm, resXMLResMap)
	le.PutUint16(rm[2:], 8)
	le.PutUint32(rm[4:], uint32(8+4*len(ids)))
	for _, id := range ids {
		rm = le.AppendUint32(rm, id)
	}
	out := make([]byte, 8)
	le.PutUint16(out, resXML)
	le.PutUint16(out[2:], 8)
	out = append(append(append(out, sp...), rm...), body...)
	le.PutUint32(out[4:], uint32(len(out)))
	return out
}

func lenPrefix8(n int) []byte {
	if n > 0x7f {
		return []byte{byte(n>>8) | 0x80, byte(n)}
	}
	return []byte{byte(n)}
}

func lenPrefix16(n int) []byte {
	if n > 0x7fff {
		return binary.LittleEndian.AppendUint16(binary.LittleEndian.AppendUint16(nil, uint16(n>>16)|0x8000), uint16(n))
	}
	return binary.LittleEndian.AppendUint16(nil, uint16(n))
}

// manifestEl is a manifest element with the package and versions given.
func manifestEl(pkg string, more ...xattr) xel {
	attrs := []xattr{{name: "package", typ: typeString, str: pkg}}
	return xel{name: "manifest", attrs: append(attrs, more...)}
}

var (
	code123  = xattr{ns: androidNS, name: "versionCode", id: attrVersionCode, typ: typeIntDec, data: 123}
	name123  = xattr{ns: androidNS, name: "versionName", id: attrVersionName, typ: typeString, str: "1.2.3"}
	appLabel = xel{name: "application", attrs: []xattr{{ns: androidNS, name: "label", id: attrLabel, typ: typeString, str: "Fixture App"}}}
	closeEl  = xel{close: true}
)

// TestParseManifest reads manifests of each form the format allows.
func TestParseManifest(t *testing.T) {
	long := strings.Repeat("é", 40000) // over 0x7fff UTF-16 units: a two-word length
	for _, c := range []struct {
		name string
		utf8 bool
		els  []xel
		want manifest
	}{
		{"UTF-16 pool", false, []xel{manifestEl("com.example.a", code123, name123), appLabel, closeEl, closeEl},
			manifest{pkg: "com.example.a", versionCode: "123", versionName: value{s: "1.2.3"}, label: value{s: "Fixture App"}}},
		{"UTF-8 pool (aapt2)", true, []xel{manifestEl("com.example.a", code123, name123), appLabel, closeEl, closeEl},
			manifest{pkg: "com.example.a", versionCode: "123", versionName: value{s: "1.2.3"}, label: value{s: "Fixture App"}}},
		{"obfuscated attribute names: matched by resource id", true, []xel{manifestEl("com.example.a",
			xattr{name: "", id: attrVersionCode, typ: typeIntHex, data: 0x10}, xattr{name: "x", id: attrVersionName, typ: typeString, str: "2"})},
			manifest{pkg: "com.example.a", versionCode: "16", versionName: value{s: "2"}}},
		{"versionCodeMajor is the high 32 bits", false, []xel{manifestEl("com.example.a", code123,
			xattr{ns: androidNS, name: "versionCodeMajor", id: attrVersionCodeMajor, typ: typeIntDec, data: 1})},
			manifest{pkg: "com.example.a", versionCode: "4294967419"}},
		{"references", false, []xel{manifestEl("com.example.a", code123, xattr{ns: androidNS, name: "versionName", id: attrVersionName, typ: typeReference, data: 0x7f0e0001}),
			xel{name: "application", attrs: []xattr{{ns: androidNS, name: "label", id: attrLabel, typ: typeReference, data: 0x7f0e0002}}}},
			manifest{pkg: "com.example.a", versionCode: "123", versionName: value{ref: 0x7f0e0001}, label: value{ref: 0x7f0e0002}}},
		{"an application outside the manifest is not its label", false, []xel{manifestEl("com.example.a"), closeEl, appLabel, closeEl},
			manifest{pkg: "com.example.a"}},
		{"a nested application is not its label", false, []xel{manifestEl("com.example.a"), {name: "queries"}, appLabel},
			manifest{pkg: "com.example.a"}},
		{"long strings", false, []xel{manifestEl("com.example.a", code123), {name: "application", attrs: []xattr{{ns: androidNS, name: "label", id: attrLabel, typ: typeString, str: long}}}},
			manifest{pkg: "com.example.a", versionCode: "123", label: value{s: long}}},
		{"long UTF-8 strings", true, []xel{manifestEl("com.example.a"), {name: "application", attrs: []xattr{{ns: androidNS, name: "label", id: attrLabel, typ: typeString, str: strings.Repeat("é", 200)}}}},
			manifest{pkg: "com.example.a", label: value{s: strings.Repeat("é", 200)}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := parseManifest(encodeAXML(c.utf8, c.els), func() error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, got, cmp.AllowUnexported(manifest{}, value{})); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestParseManifestMalformed: hostile manifests are errors at a byte
// offset, never a panic or a read outside the data.
func TestParseManifestMalformed(t *testing.T) {
	good := encodeAXML(false, []xel{manifestEl("com.example.a", code123, name123), appLabel})
	le := binary.LittleEndian
	mut := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "shorter than a chunk header"},
		{"text XML", []byte("<?xml version=\"1.0\"?>\n<manifest package=\"a.b\"/>"), "text XML, not compiled binary XML"},
		{"another chunk type", []byte{2, 0, 8, 0, 8, 0, 0, 0}, "not binary XML"},
		{"size past the end", mut(func(b []byte) []byte { le.PutUint32(b[4:], uint32(len(b)+1)); return b }), "claims"},
		{"truncated", good[:len(good)-10], "claims"},
		{"chunk size past the end", mut(func(b []byte) []byte { le.PutUint32(b[12:], 1<<30); return b }), "bytes left"},
		{"pool counts more strings than fit", mut(func(b []byte) []byte { le.PutUint32(b[16:], 1<<28); return b }), "string pool lists"},
		{"pool strings start outside", mut(func(b []byte) []byte { le.PutUint32(b[28:], 1<<20); return b }), "outside its"},
		{"string offset outside", mut(func(b []byte) []byte { le.PutUint32(b[36:], 1<<20); return b }), "outside the pool"},
		{"string length past the pool", mut(func(b []byte) []byte {
			strs := 8 + int(le.Uint32(b[28:]))
			le.PutUint16(b[strs:], 0x7fff)
			return b
		}), "run past the pool"},
		{"no manifest element", encodeAXML(false, []xel{{name: "application"}}), "root element <application>"},
		{"attributes past the node", mut(func(b []byte) []byte {
			at := 8 + int(le.Uint32(b[12:])) // the string pool's end
			at += int(le.Uint32(b[at+4:]))   // the resource map's end
			le.PutUint16(b[at+28:], 1000)    // attributeCount
			return b
		}), "run past"},
		{"package of another type", encodeAXML(false, []xel{{name: "manifest", attrs: []xattr{{name: "package", typ: typeIntDec, data: 7}}}}), "package is a value of type 0x10"},
		{"versionCode of another type", encodeAXML(false, []xel{manifestEl("a.b", xattr{ns: androidNS, name: "versionCode", id: attrVersionCode, typ: 0x04, data: 1})}), "versionCode is a value of type 0x04"},
		{"element before the pool", func() []byte {
			b := make([]byte, 8+36)
			le.PutUint16(b, resXML)
			le.PutUint16(b[2:], 8)
			le.PutUint32(b[4:], uint32(len(b)))
			le.PutUint16(b[8:], resXMLStart)
			le.PutUint16(b[10:], 16)
			le.PutUint32(b[12:], 36)
			return b
		}(), "before the string pool"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseManifest(c.data, func() error { return nil })
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}
