package ipdata

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// bodySpec is a snapshot body written as given, without the encoder's
// checks, so tests can write the bodies a hostile file could hold.
type bodySpec struct {
	meta      string
	countries []string
	orgs      []string
	ases      [][2]uint64 // ASN delta, org index
	infos     [][2]uint64 // country index, AS index
	seg4      [][2]uint64 // start delta, info index
	seg6      [][3]uint64 // start delta hi, lo, info index
	tail      string
}

func validSpec() bodySpec {
	return bodySpec{
		meta:      `{"name":"hand","built":"2026-01-01T00:00:00Z","sources":[]}`,
		countries: []string{"CN", "RU"},
		orgs:      []string{"Huawei Cloud", "Kaspersky Lab AO"},
		ases:      [][2]uint64{{200, 2}, {136707, 1}},  // AS200 Kaspersky, AS136907 Huawei
		infos:     [][2]uint64{{1, 2}, {2, 0}, {2, 1}}, // CN+Huawei, RU, RU+Kaspersky
		seg4:      [][2]uint64{{0, 0}, {1 << 24, 1}, {256, 0}, {1024, 3}, {1, 2}},
		seg6:      [][3]uint64{{0, 0, 0}, {0x2a02 << 48, 0, 2}, {1, 0, 0}},
	}
}

// bytes writes the body and records where each item starts, by keys
// such as "CTRY1" (the second country) or "SEG4i2" (the third info).
func (b bodySpec) bytes() ([]byte, map[string]int) {
	var w bodyWriter
	at := map[string]int{}
	mark := func(k string) { at[k] = w.buf.Len() }
	w.tag(tagMeta)
	w.bytes([]byte(b.meta))
	w.tag(tagCtry)
	w.uvarint(uint64(len(b.countries)))
	for i, c := range b.countries {
		mark(fmt.Sprint("CTRY", i))
		w.buf.WriteString(c)
	}
	w.tag(tagOrgs)
	w.uvarint(uint64(len(b.orgs)))
	for i, o := range b.orgs {
		mark(fmt.Sprint("ORGS", i))
		w.bytes([]byte(o))
	}
	mark("ASES")
	w.tag(tagASes)
	w.uvarint(uint64(len(b.ases)))
	for i, a := range b.ases {
		mark(fmt.Sprint("ASES", i))
		w.uvarint(a[0])
		w.uvarint(a[1])
	}
	w.tag(tagInfo)
	w.uvarint(uint64(len(b.infos)))
	for i, in := range b.infos {
		mark(fmt.Sprint("INFO", i))
		w.uvarint(in[0])
		w.uvarint(in[1])
	}
	w.tag(tagSeg4)
	w.uvarint(uint64(len(b.seg4)))
	for i, s := range b.seg4 {
		mark(fmt.Sprint("SEG4d", i))
		w.uvarint(s[0])
	}
	for i, s := range b.seg4 {
		mark(fmt.Sprint("SEG4i", i))
		w.uvarint(s[1])
	}
	w.tag(tagSeg6)
	w.uvarint(uint64(len(b.seg6)))
	for i, s := range b.seg6 {
		mark(fmt.Sprint("SEG6d", i))
		w.uvarint(s[0])
		w.uvarint(s[1])
	}
	for i, s := range b.seg6 {
		mark(fmt.Sprint("SEG6i", i))
		w.uvarint(s[2])
	}
	mark("END")
	w.tag(tagEnd)
	w.buf.WriteString(b.tail)
	return w.buf.Bytes(), at
}

// wrap puts a body into a snapshot file: header and gzip.
func wrap(body []byte) []byte {
	var out bytes.Buffer
	out.WriteString(magic)
	var h [8]byte
	binary.BigEndian.PutUint16(h[0:], formatVersion)
	binary.BigEndian.PutUint32(h[4:], uint32(len(body)))
	out.Write(h[:])
	zw := gzip.NewWriter(&out)
	zw.Write(body)
	zw.Close()
	return out.Bytes()
}

func TestDecodeHandWritten(t *testing.T) {
	body, _ := validSpec().bytes()
	s, err := decode(wrap(body), "hand")
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	checkLookups(t, s, []lookupCase{
		{"0.255.255.255", Info{}},
		{"1.0.0.0", Info{"CN", 136907, "Huawei Cloud"}},
		{"1.0.0.255", Info{"CN", 136907, "Huawei Cloud"}},
		{"1.0.1.0", Info{}},
		{"1.0.5.0", Info{"RU", 200, "Kaspersky Lab AO"}},
		{"1.0.5.1", Info{Country: "RU"}},
		{"255.255.255.255", Info{Country: "RU"}},
		{"2a01:ffff:ffff:ffff:ffff:ffff:ffff:ffff", Info{}},
		{"2a02::", Info{Country: "RU"}},
		{"2a02:0:0:1::", Info{}},
	})
	var got []string
	s.PrefixesOf([]uint32{200}, func(p netip.Prefix, in Info) bool { got = append(got, p.String()); return true })
	if diff := cmp.Diff([]string{"1.0.5.0/32"}, got); diff != "" {
		t.Errorf("PrefixesOf(200) (-want +got):\n%s", diff)
	}
}

// TestDecodeCorrupt: every kind of damage is refused with the offset
// where it was found.
func TestDecodeCorrupt(t *testing.T) {
	for _, tc := range []struct {
		name   string
		edit   func(*bodySpec)
		at     string // key of the offset the error must name
		plus   int    // bytes into the item where the bad field is
		substr string
	}{
		{"unsorted countries", func(b *bodySpec) { b.countries = []string{"RU", "CN"} }, "CTRY1", 0, "ascending order"},
		{"lower-case country", func(b *bodySpec) { b.countries[0] = "cn" }, "CTRY0", 0, "two letters A-Z"},
		{"empty org", func(b *bodySpec) { b.orgs[1] = "" }, "ORGS1", 0, "length 0"},
		{"org not UTF-8", func(b *bodySpec) { b.orgs[0] = "Hua\xffwei" }, "ORGS0", 0, "not UTF-8"},
		{"ASN zero", func(b *bodySpec) { b.ases[0][0] = 0 }, "ASES0", 0, "ASN 0 out of range"},
		{"ASN past 32 bits", func(b *bodySpec) { b.ases[1][0] = 1 << 32 }, "ASES1", 0, "out of range"},
		{"org index out of range", func(b *bodySpec) { b.ases[1][1] = 3 }, "ASES1", 3, "organisation index 3 out of range"},
		{"info AS out of range", func(b *bodySpec) { b.infos[2][1] = 3 }, "INFO2", 1, "AS index 3 out of range"},
		{"empty info", func(b *bodySpec) { b.infos[2] = [2]uint64{0, 0} }, "INFO2", 0, "empty or not in ascending order"},
		{"duplicate info", func(b *bodySpec) { b.infos[1] = b.infos[0] }, "INFO1", 0, "not in ascending order"},
		{"first IPv4 segment not at 0", func(b *bodySpec) { b.seg4[0][0] = 5 }, "SEG4d0", 0, "the first must be 0"},
		{"IPv4 segments not increasing", func(b *bodySpec) { b.seg4[2][0] = 0 }, "SEG4d2", 0, "the others positive"},
		{"IPv4 start past 32 bits", func(b *bodySpec) { b.seg4[3][0] = 1 << 32 }, "SEG4d3", 0, "within 32 bits"},
		{"segment info out of range", func(b *bodySpec) { b.seg4[1][1] = 4 }, "SEG4i1", 0, "info index 4 out of range"},
		{"neighbours with one info", func(b *bodySpec) { b.seg4[2][1] = 1 }, "SEG4i2", 0, "same info as the one before"},
		{"IPv6 start past 128 bits", func(b *bodySpec) { b.seg6[2] = [3]uint64{^uint64(0), 0, 0} }, "SEG6d2", 0, "within 128 bits"},
		{"IPv6 zero delta", func(b *bodySpec) { b.seg6[2] = [3]uint64{0, 0, 0} }, "SEG6d2", 0, "the others positive"},
		{"no IPv4 segment", func(b *bodySpec) { b.seg4 = nil }, "", 0, "no IPv4 segment"},
		{"bytes after the end", func(b *bodySpec) { b.tail = "xx" }, "", 0, "2 bytes after the end tag"},
		{"meta not JSON", func(b *bodySpec) { b.meta = "{" }, "", 0, "meta JSON"},
		{"meta with unknown field", func(b *bodySpec) { b.meta = `{"name":"x","evil":1}` }, "", 0, "unknown field"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := validSpec()
			tc.edit(&spec)
			body, at := spec.bytes()
			_, err := decode(wrap(body), "bad.snap")
			if err == nil {
				t.Fatal("decode accepted a corrupt body")
			}
			if !strings.Contains(err.Error(), tc.substr) || !strings.HasPrefix(err.Error(), "ipdata: bad.snap: body offset ") {
				t.Errorf("error %q does not name the input, an offset and %q", err, tc.substr)
			}
			if off, ok := at[tc.at]; ok && !strings.Contains(err.Error(), fmt.Sprintf("body offset %d ", off+tc.plus)) {
				t.Errorf("error %q does not name offset %d (%s+%d)", err, off+tc.plus, tc.at, tc.plus)
			}
		})
	}
	// A count larger than the bytes left is refused before it sizes an
	// allocation.
	body, at := validSpec().bytes()
	huge := append([]byte{}, body[:at["ASES"]+4]...)
	huge = binaryAppendUvarint(huge, MaxASes)
	huge = append(huge, body[at["ASES0"]:]...)
	if _, err := decode(wrap(huge), "bad.snap"); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("body offset %d (section ASES): count %d exceeds", at["ASES"]+4, MaxASes)) {
		t.Errorf("huge count: error %v", err)
	}
}

func binaryAppendUvarint(b []byte, x uint64) []byte { return binary.AppendUvarint(b, x) }

// TestDecodeCorruptFile: damage to the header and the gzip stream.
func TestDecodeCorruptFile(t *testing.T) {
	body, _ := validSpec().bytes()
	good := wrap(body)
	edit := func(f func(b []byte) []byte) []byte { return f(append([]byte{}, good...)) }
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"empty", nil, "file offset 0: truncated header"},
		{"short header", good[:10], "file offset 10: truncated header"},
		{"bad magic", edit(func(b []byte) []byte { b[0] = 'X'; return b }), "file offset 0: bad magic"},
		{"newer version", edit(func(b []byte) []byte { b[9] = 2; return b }), "file offset 8: format version 2"},
		{"flags", edit(func(b []byte) []byte { b[11] = 1; return b }), "file offset 10: unknown flags"},
		{"huge body", edit(func(b []byte) []byte { binary.BigEndian.PutUint32(b[12:], MaxBodySize+1); return b }), "file offset 12: body size"},
		{"body larger than gzip can hold", edit(func(b []byte) []byte { binary.BigEndian.PutUint32(b[12:], 10<<20); return b }), "file offset 12: body size 10485760 cannot come from"},
		{"body size mismatch", edit(func(b []byte) []byte { binary.BigEndian.PutUint32(b[12:], uint32(len(body)-1)); return b }), "file offset 12: header says"},
		{"not gzip", edit(func(b []byte) []byte { b[16] = 0; return b }), "file offset 16: gzip"},
		{"truncated gzip", good[:len(good)-6], "file offset 16: gzip"},
		{"bad CRC", edit(func(b []byte) []byte { b[len(b)-6] ^= 0xff; return b }), "file offset 16: gzip"},
		{"trailing bytes", append(append([]byte{}, good...), "junk"...), fmt.Sprintf("file offset %d: 4 bytes after the gzip stream", len(good))},
	} {
		_, err := decode(tc.file, "bad.snap")
		if err == nil || !strings.HasPrefix(err.Error(), "ipdata: bad.snap: "+tc.want) {
			t.Errorf("%s: error %v, want one starting %q", tc.name, err, "ipdata: bad.snap: "+tc.want)
		}
	}

	// Open names the path, and refuses what is neither format.
	dir := t.TempDir()
	for name, data := range map[string][]byte{"damaged.snap": edit(func(b []byte) []byte { b[9] = 7; return b }), "other.bin": []byte("hello")} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, data, 0o644)
		_, err := Open(path)
		if err == nil || !strings.Contains(err.Error(), path+": file offset") && !strings.Contains(err.Error(), path+": offset 0") {
			t.Errorf("Open(%s): error %v does not name the path and offset", name, err)
		}
	}
}
