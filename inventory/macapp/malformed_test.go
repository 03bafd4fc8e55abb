package macapp

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/embargo-dev/embargo/internal/plist"
	"github.com/embargo-dev/embargo/inventory"
)

// nestedBinary builds a binary property list whose top object is a chain
// of depth one-element arrays ending in a string; with shared set, object
// i instead refers twice to object i+1, a graph whose expansion doubles
// at every level.
func nestedBinary(depth int, shared bool) []byte {
	const refSize, offSize = 4, 4
	var objs bytes.Buffer
	var offsets []uint32
	objs.WriteString("bplist00")
	for i := 0; i < depth; i++ {
		offsets = append(offsets, uint32(objs.Len()))
		if shared {
			objs.WriteByte(0xA2)
			binary.Write(&objs, binary.BigEndian, [2]uint32{uint32(i + 1), uint32(i + 1)})
		} else {
			objs.WriteByte(0xA1)
			binary.Write(&objs, binary.BigEndian, uint32(i+1))
		}
	}
	offsets = append(offsets, uint32(objs.Len()))
	objs.WriteString("\x51x") // ASCII string "x"
	table := objs.Len()
	for _, o := range offsets {
		binary.Write(&objs, binary.BigEndian, o)
	}
	objs.Write(make([]byte, 6))
	objs.WriteByte(offSize)
	objs.WriteByte(refSize)
	binary.Write(&objs, binary.BigEndian, [3]uint64{uint64(len(offsets)), 0, uint64(table)})
	return objs.Bytes()
}

// TestHostilePlists: every malformed or hostile document is an error
// naming the file (and the byte where there is one), never a panic, a
// stack overflow or a long stall.
func TestHostilePlists(t *testing.T) {
	good := plistutil(t, testdata(t, "Info.plist"))
	deepXML := "<plist>" + strings.Repeat("<array>", 100) + strings.Repeat("</array>", 100) + "</plist>"
	tests := []struct {
		name string
		data []byte
		want string // in the error
	}{
		{"XML nested 100 deep, binary by plistutil", plistutil(t, []byte(deepXML)), "containers nested deeper than 64"},
		{"XML nested 100 deep", []byte(deepXML), "byte 448: elements nested deeper than 64"}, // <plist> is the first level
		{"XML nested a million deep", []byte("<plist>" + strings.Repeat("<array>", 1_000_000)), "elements nested deeper than 64"},
		{"binary chain 500,000 deep", nestedBinary(500_000, false), "containers nested deeper than 64"},
		{"text nested a million deep", []byte(strings.Repeat("(", 1_000_000)), "containers nested deeper than 64"},
		{"text nested in a dictionary", []byte("{ a = " + strings.Repeat("{ b = ", 100)), "byte 384: containers nested deeper than 64"},
		{"binary truncated", good[:len(good)-40], "binary property list trailer"},
		{"binary trailer cut", good[:100], "binary property list"},
		{"binary with a bad top object", badTop(good), "top object"},
		{"not a dictionary", []byte(`<plist><array><string>x</string></array></plist>`), "type mismatch"},
		{"garbage", []byte("\x00\x01\x02 not a plist \xff"), "/mnt/mac/Applications/H.app/Contents/Info.plist"},
		{"no plist element", []byte(`<?xml version="1.0"?>`), "error parsing text property list"},
		{"empty plist element", []byte(`<?xml version="1.0"?><plist version="1.0"></plist>`), "no property list in the file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := collect(t, volume(t, map[string][]byte{"Applications/H.app/Contents/Info.plist": tc.data}), Collector{})
			err := res.errs["Applications/H.app/Contents/Info.plist"]
			if err == "" {
				t.Fatalf("no error; items %v", res.items)
			}
			if !strings.HasPrefix(err, "/mnt/mac/Applications/H.app/Contents/Info.plist") || !strings.Contains(err, tc.want) {
				t.Errorf("error %q: want the file named and %q", err, tc.want)
			}
		})
	}
}

// badTop returns a copy of a binary plist whose trailer names a top
// object past the last.
func badTop(b []byte) []byte {
	b = bytes.Clone(b)
	binary.BigEndian.PutUint64(b[len(b)-16:], 1<<40)
	return b
}

// TestSharedObjectsDoNotExpand: a binary plist whose objects refer to
// one another 2^40 times over is refused in linear time, before the
// plist library would expand the shared containers.
func TestSharedObjectsDoNotExpand(t *testing.T) {
	start := time.Now()
	var info bundleInfo
	err := plist.Decode("x", nestedBinary(40, true), &info, inventory.DefaultLimits)
	if err == nil || !strings.Contains(err.Error(), "containers shared many times over") {
		t.Errorf("err %v: want the shared containers refused", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	var v struct{ X plistStrings }
	if err := plist.Decode("x", nestedBinary(30, true), &v, inventory.DefaultLimits); err == nil {
		t.Error("no error for an array at the top")
	}
}

func TestTooLarge(t *testing.T) {
	lim := inventory.DefaultLimits
	lim.MaxBytes = 1000
	tgt := &inventory.Target{Name: "/mnt/mac", FS: nil}
	_, _, err := Collector{}.Collect(t.Context(), tgt, inventory.TargetFile{Path: "A.app/Contents/Info.plist", Size: 5000}, lim)
	if err == nil || !strings.Contains(err.Error(), "exceeds the size limit") || !strings.Contains(err.Error(), "/mnt/mac/A.app/Contents/Info.plist") {
		t.Errorf("err %v", err)
	}
}
