package winreg

import (
	"bytes"
	"context"
	"encoding/binary"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/internal/testtool"
	"github.com/embargo-dev/embargo/inventory"
)

// splitValue rewrites the data of value name, which must be longer than
// one segment, as Windows writes long values since hive format 1.4: a
// "db" record listing segments of 16344 bytes, in a bin appended to the
// hive. hivex writes long values in one cell, but reads both forms.
func splitValue(t *testing.T, hive []byte, name string) []byte {
	t.Helper()
	le := binary.LittleEndian
	i := bytes.Index(hive, []byte(name))
	for i >= 0 && string(hive[i-20:i-18]) != "vk" {
		j := bytes.Index(hive[i+1:], []byte(name))
		if j < 0 {
			i = -1
			break
		}
		i += 1 + j
	}
	if i < 0 || len(hive)%0x1000 != 0 {
		t.Fatalf("no value %q, or the hive does not end on a bin", name)
	}
	vk := hive[i-20:]
	n := int(le.Uint32(vk[4:]))
	data := hive[firstBin+int(le.Uint32(vk[8:]))+4:][:n]

	// The new bin: db record, segment list, segments.
	var cells []byte
	cell := func(payload []byte) uint32 {
		off := uint32(len(cells) + 0x20)
		size := (len(payload) + 4 + 7) &^ 7
		c := make([]byte, size)
		le.PutUint32(c, uint32(-int32(size)))
		copy(c[4:], payload)
		cells = append(cells, c...)
		return off
	}
	var segs []uint32
	for rest := data; len(rest) > 0; {
		k := min(len(rest), bigDataMin)
		segs = append(segs, cell(rest[:k]))
		rest = rest[k:]
	}
	binStart := uint32(len(hive) - firstBin)
	list := make([]byte, 4*len(segs))
	for k, s := range segs {
		le.PutUint32(list[4*k:], binStart+s)
	}
	listOff := cell(list)
	db := make([]byte, 8)
	copy(db, "db")
	le.PutUint16(db[2:], uint16(len(segs)))
	le.PutUint32(db[4:], binStart+listOff)
	dbOff := cell(db)
	binSize := (len(cells) + 0x20 + 0xfff) &^ 0xfff
	bin := make([]byte, binSize)
	copy(bin, "hbin")
	le.PutUint32(bin[4:], binStart)
	le.PutUint32(bin[8:], uint32(binSize))
	copy(bin[0x20:], cells)
	le.PutUint32(bin[0x20+len(cells):], uint32(binSize-0x20-len(cells))) // the rest: one free cell

	out := append(bytes.Clone(hive), bin...)
	le.PutUint32(out[i-20+8:], binStart+dbOff)
	le.PutUint32(out[0x28:], uint32(len(out)-firstBin)) // bins size
	le.PutUint32(out[4:], le.Uint32(out[4:])+1)         // a new clean write
	le.PutUint32(out[8:], le.Uint32(out[4:]))
	var sum uint32
	for k := 0; k < 508; k += 4 {
		sum ^= le.Uint32(out[k:])
	}
	le.PutUint32(out[508:], sum)
	return out
}

// TestLongValueInSegments reads a value split into "db" segments and
// checks it against hivexget, which reads the same file independently.
func TestLongValueInSegments(t *testing.T) {
	long := strings.Repeat("C:\\Program Files\\Kaspersky Lab\\", 1200) // 72,002 bytes in UTF-16: five segments
	hive := splitValue(t, buildHive(t, softwarePrefix, `
[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall\Long]
"DisplayName"="Long"
"UninstallString"="`+strings.ReplaceAll(long, `\`, `\\`)+`"
`), "UninstallString")
	file := filepath.Join(t.TempDir(), "SOFTWARE")
	writeFile(t, file, hive)
	out, err := exec.Command(testtool.Command(t, "hivexget", "libhivex-bin"), file, `\Microsoft\Windows\CurrentVersion\Uninstall\Long`, "UninstallString").Output()
	if err != nil {
		t.Fatalf("hivexget (Debian package libhivex-bin): %v", err)
	}
	if got := strings.TrimSuffix(string(out), "\n"); got != long {
		t.Fatalf("hivexget reads %d bytes, want %d: the test hive is wrong", len(got), len(long))
	}
	items, unknowns, err := scanHive(context.Background(), file, bytes.NewReader(hive), int64(len(hive)), softwareHive, "", inventory.DefaultLimits)
	if err != nil || len(unknowns) > 0 || len(items) != 1 {
		t.Fatalf("items %d, unknowns %+v, error %v", len(items), unknowns, err)
	}
	if got := items[0].Get(UninstallString); got != long {
		t.Errorf("read %d bytes of the long value, want %d", len(got), len(long))
	}
}
