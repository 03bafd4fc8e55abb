package oui

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"strings"
	"testing"
)

// spec is a compact body to write by hand.
type spec struct {
	meta  string
	strs  []string
	lists [4][][2]uint64 // per registry: prefix difference, organisation index
	tail  []byte
}

func validSpec() spec {
	return spec{
		meta:  `{"name":"t","version":"1","date":"2022-08-27T20:08:57Z"}`,
		strs:  []string{"A Co", "B Co"},
		lists: [4][][2]uint64{{{0x4447CC, 0}, {0, 1}}, {{0x18D7936, 1}}, {{0x001BC50B7, 0}}, nil},
	}
}

func (s spec) body() []byte {
	var b []byte
	b = binary.AppendUvarint(b, uint64(len(s.meta)))
	b = append(b, s.meta...)
	b = binary.AppendUvarint(b, uint64(len(s.strs)))
	for _, x := range s.strs {
		b = binary.AppendUvarint(b, uint64(len(x)))
	}
	for _, x := range s.strs {
		b = append(b, x...)
	}
	for _, l := range s.lists {
		b = binary.AppendUvarint(b, uint64(len(l)))
		for _, e := range l {
			b = binary.AppendUvarint(b, e[0])
		}
		for _, e := range l {
			b = binary.AppendUvarint(b, e[1])
		}
	}
	return append(b, s.tail...)
}

// wrap puts the header and the gzip layer around body.
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

func TestLoadSpec(t *testing.T) {
	r, err := Load(bytes.NewReader(wrap(validSpec().body())))
	if err != nil {
		t.Fatal(err)
	}
	a, ok := r.Lookup("44:47:cc:00:00:01")
	b, _ := r.Lookup("00:1b:c5:0b:70:00")
	if !ok || a.Org != "A Co" || !strings.Contains(a.Prefix+b.Prefix, "4447CC001BC50B7") || r.Len() != 4 || r.Version() != "1" {
		t.Errorf("%+v %+v len %d", a, b, r.Len())
	}
}

// Load refuses what Write would not write, saying where.
func TestLoadRefused(t *testing.T) {
	good := validSpec().body()
	mod := func(f func(*spec)) []byte {
		s := validSpec()
		f(&s)
		return wrap(s.body())
	}
	header := func(off int, v uint16) []byte {
		b := wrap(good)
		binary.BigEndian.PutUint16(b[off:], v)
		return b
	}
	tests := []struct {
		name string
		in   []byte
		msg  string
	}{
		{"empty", nil, "offset 0: not an Embargo OUI registry"},
		{"an ipdata snapshot", append([]byte("EMBIPDB\x00"), make([]byte, 20)...), "offset 0"},
		{"version 2", header(8, 2), "offset 8: format version 2"},
		{"flags", header(10, 1), "offset 10: unknown flags"},
		{"body length short", func() []byte { b := wrap(good); binary.BigEndian.PutUint32(b[12:], uint32(len(good)-1)); return b }(), "the header says"},
		{"body length over the limit", func() []byte { b := wrap(good); binary.BigEndian.PutUint32(b[12:], MaxBodySize+1); return b }(), "offset 12"},
		{"not gzip", append([]byte(magic+"\x00\x01\x00\x00\x00\x00\x00\x10"), "plain text, not gzip"...), "offset 16"},
		{"truncated gzip", wrap(good)[:40], "body"},
		{"bytes after", append(wrap(good), 0), "after the body"},
		{"a second gzip member", append(wrap(good), wrap(good)[headerLen:]...), "after the body"},
		{"META length over", wrap(binary.AppendUvarint(nil, MaxMetaSize+1)), "META length 16385, over"},
		{"META not JSON", mod(func(s *spec) { s.meta = "{" }), "META"},
		{"META unknown field", mod(func(s *spec) { s.meta = `{"name":"t","addresses":true}` }), `unknown field "addresses"`},
		{"META control character", mod(func(s *spec) { s.meta = `{"name":"t\u001b[2J"}` }), "control characters"},
		{"META date out of range", mod(func(s *spec) { s.meta = `{"name":"t","date":"0000-01-01T00:00:00Z"}` }), "out of range"},
		{"strings unsorted", mod(func(s *spec) { s.strs = []string{"B Co", "A Co"} }), "string 1 is not after string 0"},
		{"strings repeated", mod(func(s *spec) { s.strs = []string{"A Co", "A Co"} }), "not after"},
		{"empty string", mod(func(s *spec) { s.strs = []string{"", "B Co"} }), "string 0"},
		{"string not folded", mod(func(s *spec) { s.strs = []string{"A  Co", "B Co"} }), "white space folded"},
		{"string with a tab", mod(func(s *spec) { s.strs = []string{"A\tCo", "B Co"} }), "white space folded"},
		{"string with C1", mod(func(s *spec) { s.strs = []string{"A Co", "B\u009bCo"} }), "string 1"},
		{"string invalid UTF-8", mod(func(s *spec) { s.strs = []string{"A Co", "B\xffCo"} }), "not valid UTF-8"},
		{"string too long", mod(func(s *spec) { s.strs = []string{"A Co", strings.Repeat("B", MaxFieldLen+1)} }), "string length 1025"},
		{"MA-L prefix beyond 24 bits", mod(func(s *spec) { s.lists[0][0][0] = 1 << 24 }), "MA-L: prefix difference"},
		{"MA-L prefixes summing beyond", mod(func(s *spec) { s.lists[0][1][0] = 1 << 23; s.lists[0][0][0] = 1 << 23 }), "MA-L: prefix difference 8388608, over 8388607"},
		{"MA-M prefix beyond 28 bits", mod(func(s *spec) { s.lists[1][0][0] = 1 << 28 }), "MA-M: prefix"},
		{"organisation out of range", mod(func(s *spec) { s.lists[2][0][1] = 2 }), "MA-S: organisation 2, over 1"},
		{"assignments and no strings", mod(func(s *spec) { s.strs = nil }), "MA-L: assignments and no organisations"},
		{"without MA-L and IAB, accepted", mod(func(s *spec) { s.lists[0] = nil }), ""},
		{"count over the limit", wrap(append(validSpec().body()[:len(validSpec().body())-1], binary.AppendUvarint(nil, MaxAssignments)...)), "IAB: count"},
		{"bytes after the last registry", mod(func(s *spec) { s.tail = []byte{0} }), "1 bytes after the last registry"},
		{"truncated body", wrap(good[:len(good)-2]), "truncated"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(bytes.NewReader(tc.in))
			if tc.msg == "" {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "oui: input: ") {
				t.Errorf("error %v, want %q", err, tc.msg)
			}
		})
	}
}

func TestLoadTooLarge(t *testing.T) {
	if _, err := Load(&repeat{line: []byte("x"), n: MaxFileSize + 1}); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Errorf("a file over MaxFileSize: %v", err)
	}
}
