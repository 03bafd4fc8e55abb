package pe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// maxValue bounds one version string, in bytes of UTF-8; real ones are a
// few dozen characters.
const maxValue = 4096

// posError is a problem at an offset of the version resource.
type posError struct {
	off int
	err error
}

func (e *posError) Error() string { return fmt.Sprintf("version resource byte %d: %v", e.off, e.err) }

// block is one node of a VS_VERSIONINFO tree: wLength, wValueLength,
// wType, a NUL-terminated UTF-16 key, padding to 32 bits, the value,
// padding, then child blocks up to wLength. Offsets are into the whole
// resource, to which the padding is relative.
type block struct {
	key                  string
	typ                  uint16
	valueLen             int // as stated: bytes for binary values, characters for text
	value                int // offset of the value
	children, start, end int
}

func align4(n int) int { return (n + 3) &^ 3 }

// readBlock decodes the block at off, which must end by end.
func readBlock(buf []byte, off, end int) (block, error) {
	if off+6 > end {
		return block{}, &posError{off, errors.New("block header runs past its parent")}
	}
	n := int(binary.LittleEndian.Uint16(buf[off:]))
	if n < 6 || off+n > end {
		return block{}, &posError{off, fmt.Errorf("block length %d does not fit in its parent (%d bytes left)", n, end-off)}
	}
	b := block{start: off, end: off + n, valueLen: int(binary.LittleEndian.Uint16(buf[off+2:])), typ: binary.LittleEndian.Uint16(buf[off+4:])}
	k := off + 6
	for ; k+1 < b.end && (buf[k] != 0 || buf[k+1] != 0); k += 2 {
	}
	b.key = utf16String(buf[off+6 : min(k, b.end)])
	b.value = min(align4(k+2), b.end)
	vlen := b.valueLen
	if b.typ == 1 {
		vlen *= 2
	}
	b.children = min(align4(b.value+vlen), b.end)
	return b, nil
}

// each calls fn for every child of b.
func each(buf []byte, b block, fn func(block) error) error {
	for off, i := b.children, 0; off+6 <= b.end; i++ {
		if i == maxBlocks {
			return &posError{off, fmt.Errorf("more than %d child blocks", maxBlocks)}
		}
		c, err := readBlock(buf, off, b.end)
		if err != nil {
			return err
		}
		if err := fn(c); err != nil {
			return err
		}
		off = align4(c.end)
	}
	return nil
}

// parseVersionInfo decodes a VS_VERSIONINFO resource.
func parseVersionInfo(buf []byte) (*VersionInfo, error) {
	root, err := readBlock(buf, 0, len(buf))
	if err != nil {
		return nil, err
	}
	if root.key != "VS_VERSION_INFO" {
		return nil, &posError{6, fmt.Errorf("key %q, not VS_VERSION_INFO", clip(root.key))}
	}
	v := &VersionInfo{}
	if root.valueLen >= 52 && root.value+52 <= root.end && binary.LittleEndian.Uint32(buf[root.value:]) == 0xfeef04bd {
		f := buf[root.value:]
		v.FileVersion = fixedVersion(binary.LittleEndian.Uint32(f[8:]), binary.LittleEndian.Uint32(f[12:]))
		v.ProductVersion = fixedVersion(binary.LittleEndian.Uint32(f[16:]), binary.LittleEndian.Uint32(f[20:]))
	}
	err = each(buf, root, func(sfi block) error {
		if sfi.key != "StringFileInfo" {
			return nil // VarFileInfo: translations only
		}
		return each(buf, sfi, func(tab block) error {
			t := StringTable{Lang: clip(tab.key), Values: map[string]string{}}
			err := each(buf, tab, func(s block) error {
				// wValueLength is unreliable across resource compilers
				// (characters, bytes, with or without the NUL): read the
				// text up to the NUL or the end of the block.
				t.Values[clip(s.key)] = clip(strings.TrimSpace(utf16String(buf[s.value:s.end])))
				return nil
			})
			v.Tables = append(v.Tables, t)
			return err
		})
	})
	return v, err
}

func fixedVersion(ms, ls uint32) string {
	if ms == 0 && ls == 0 {
		return ""
	}
	return fmt.Sprintf("%d.%d.%d.%d", ms>>16, ms&0xffff, ls>>16, ls&0xffff)
}

// clip bounds a string read from the file.
func clip(s string) string {
	if len(s) <= maxValue {
		return s
	}
	return strings.ToValidUTF8(s[:maxValue], "")
}
