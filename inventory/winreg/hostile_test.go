package winreg

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/embargo-dev/embargo/inventory"
)

// keyNode returns the file offset of the key node named name, found by
// its bytes: hivex stores names one byte a character.
func keyNode(t *testing.T, hive []byte, name string) int {
	t.Helper()
	for i := bytes.Index(hive, []byte(name)); i >= 0; {
		nk := i - 76
		if nk >= 0 && string(hive[nk:nk+2]) == "nk" && int(binary.LittleEndian.Uint16(hive[nk+72:])) == len(name) {
			return nk
		}
		j := bytes.Index(hive[i+1:], []byte(name))
		if j < 0 {
			break
		}
		i += 1 + j
	}
	t.Fatalf("no key %q in the hive", name)
	return 0
}

func TestHostileHives(t *testing.T) {
	software, system, _ := fixtureHives(t)
	le := binary.LittleEndian

	// The root's subkey list turned into an index that names itself.
	loop := bytes.Clone(software)
	list := le.Uint32(loop[firstBin+0x24+28:])
	cell := loop[firstBin+int(list):]
	copy(cell[4:], "ri")
	le.PutUint16(cell[6:], 1)
	le.PutUint32(cell[8:], list)

	// Select declares four billion values.
	values := bytes.Clone(system)
	le.PutUint32(values[keyNode(t, values, "Select")+36:], 0xffffffff)

	// A value whose data cell lies beyond the end of the file.
	far := bytes.Clone(system)
	le.PutUint32(far[keyNode(t, far, "Select")+40:], 0x7ffffff0)

	// Written back half-way: the sequence numbers differ.
	dirty := bytes.Clone(system)
	le.PutUint32(dirty[8:], le.Uint32(dirty[4:])-1)

	small := inventory.DefaultLimits
	small.MaxBytes = 4096

	tests := []struct {
		name    string
		hive    []byte
		kind    hiveKind
		lim     inventory.Limits
		err     string // error of the whole hive, or ""
		unknown string // else the reason of an unknown
	}{
		{"zeros", make([]byte, 3*firstBin), softwareHive, inventory.DefaultLimits, `hive: byte 0: not a registry hive: no "regf" signature`, ""},
		{"tiny", []byte("regf"), softwareHive, inventory.DefaultLimits, "hive: 4 bytes is too small for a registry hive", ""},
		{"over the limit", software, softwareHive, small, "input exceeds the size limit: the hive is", ""},
		{"truncated", software[:firstBin+0x400], softwareHive, inventory.DefaultLimits, "", "lies outside the hive"},
		{"index names itself", loop, softwareHive, inventory.DefaultLimits, "", "index of subkey lists nested in another"},
		{"four billion values", values, systemHive, inventory.DefaultLimits, "the hive names more keys and values than the limit", ""},
		{"value list beyond the end", far, systemHive, inventory.DefaultLimits, "", "value list at cell offset 0x7ffffff0 (byte 2147487728) lies outside the hive"},
		{"dirty", dirty, systemHive, inventory.DefaultLimits, "", "not written back cleanly (sequence numbers 2 and 1)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, unknowns, err := scanHive(context.Background(), "hive", bytes.NewReader(tc.hive), int64(len(tc.hive)), tc.kind, "", tc.lim)
			t.Logf("error %v, unknowns %+v", err, unknowns)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range unknowns {
				if strings.Contains(u.Reason, tc.unknown) && u.Location.Source == "hive" {
					return
				}
			}
			t.Errorf("no unknown says %q: %+v", tc.unknown, unknowns)
		})
	}
}

func TestParserPanicBecomesError(t *testing.T) {
	software, _, _ := fixtureHives(t)
	h, err := openHive("SOFTWARE", bytes.NewReader(software), int64(len(software)))
	if err != nil {
		t.Fatal(err)
	}
	err = h.guard(func() error {
		h.r.ReadAt(make([]byte, 4), 4660)
		var b []byte
		_ = b[5]
		return nil
	})
	if !errors.Is(err, errPanic) || !strings.HasPrefix(err.Error(), "SOFTWARE: byte 4660: the hive parser failed: runtime error: index out of range") {
		t.Errorf("error %v", err)
	}
}
