package pe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"github.com/embargo-dev/embargo/inventory"
)

// Limits of the resource reader. A VS_VERSIONINFO block states its length
// in 16 bits, so it never exceeds 64 KiB; real resource directories hold
// a few dozen entries.
const (
	rtVersion      = 16
	maxDirEntries  = 4096
	maxVersionData = 64 << 10
	maxBlocks      = 1024 // children read from one version block
)

// VersionInfo is a file's version resource.
type VersionInfo struct {
	Tables []StringTable // StringFileInfo tables, in file order
	// FileVersion and ProductVersion come from VS_FIXEDFILEINFO ("" when
	// absent or zero).
	FileVersion, ProductVersion string
}

// StringTable is one language's strings: CompanyName, ProductName, ...
type StringTable struct {
	Lang   string // e.g. "040904b0": language and code page, in hex
	Values map[string]string
}

// Get returns the value of key from the US English table when there is
// one, otherwise from the first table that has it.
func (v *VersionInfo) Get(key string) string {
	for _, t := range v.Tables {
		if strings.HasPrefix(strings.ToLower(t.Lang), "0409") && t.Values[key] != "" {
			return t.Values[key]
		}
	}
	for _, t := range v.Tables {
		if t.Values[key] != "" {
			return t.Values[key]
		}
	}
	return ""
}

// All returns the distinct values of key across the tables: a localised
// company name ("Лаборатория Касперского") beside the English one.
func (v *VersionInfo) All(key string) []string {
	var out []string
	seen := map[string]bool{}
	if s := v.Get(key); s != "" {
		out, seen[s] = append(out, s), true
	}
	for _, t := range v.Tables {
		if s := t.Values[key]; s != "" && !seen[s] {
			out, seen[s] = append(out, s), true
		}
	}
	return out
}

// readVersion finds the RT_VERSION resource and decodes it. It returns
// nil, nil when the file has none.
func readVersion(name string, r io.ReaderAt, h *header) (*VersionInfo, error) {
	if h.resource.VirtualAddress == 0 || h.resource.Size == 0 {
		return nil, nil
	}
	rd := resDir{name: name, r: r, h: h, base: h.resource.VirtualAddress}
	// Three fixed levels, type → name → language: no recursion to bound.
	off, isDir, found, err := rd.find(0, func(id uint32, named bool) bool { return !named && id == rtVersion })
	if err != nil || !found {
		return nil, err
	}
	for level := 0; level < 2; level++ {
		if !isDir {
			return nil, rd.errAt(off, "version resource entry at level %d is data, not a directory", level+1)
		}
		if off, isDir, found, err = rd.find(off, func(uint32, bool) bool { return true }); err != nil || !found {
			return nil, err
		}
	}
	if isDir {
		return nil, rd.errAt(off, "version resource nests deeper than three levels")
	}
	data, at, err := rd.data(off)
	if err != nil {
		return nil, err
	}
	v, err := parseVersionInfo(data)
	if err != nil {
		var pe *posError
		if errors.As(err, &pe) {
			return nil, &inventory.InputError{Source: name, Offset: at + int64(pe.off), Err: fmt.Errorf("version resource: %w", pe.err)}
		}
		return nil, &inventory.InputError{Source: name, Offset: at, Err: fmt.Errorf("version resource: %w", err)}
	}
	return v, nil
}

// resDir reads the resource directory tree. Offsets in the tree are
// relative to its start (base, an RVA).
type resDir struct {
	name string
	r    io.ReaderAt
	h    *header
	base uint32
}

func (d *resDir) errAt(rel uint32, format string, args ...any) error {
	off, _ := d.h.fileOffset(d.base+rel, 0)
	return &inventory.InputError{Source: d.name, Offset: off, Err: fmt.Errorf("resource directory: "+format, args...)}
}

// read returns n bytes at rel, which must lie inside a section.
func (d *resDir) read(rel, n uint32) ([]byte, int64, error) {
	if uint64(d.base)+uint64(rel) > 1<<32-1-uint64(n) {
		return nil, 0, d.errAt(0, "offset %#x out of range", rel)
	}
	off, ok := d.h.fileOffset(d.base+rel, n)
	if !ok {
		return nil, 0, d.errAt(0, "%d bytes at offset %#x lie outside every section", n, rel)
	}
	b := make([]byte, n)
	if _, err := d.r.ReadAt(b, off); err != nil {
		return nil, 0, &inventory.InputError{Source: d.name, Offset: off, Err: fmt.Errorf("resource directory: %w", err)}
	}
	return b, off, nil
}

// find returns the first entry of the directory at rel that match accepts:
// where it points and whether that is a subdirectory.
func (d *resDir) find(rel uint32, match func(id uint32, named bool) bool) (next uint32, isDir, found bool, err error) {
	hdr, _, err := d.read(rel, 16)
	if err != nil {
		return 0, false, false, err
	}
	n := uint32(binary.LittleEndian.Uint16(hdr[12:])) + uint32(binary.LittleEndian.Uint16(hdr[14:]))
	if n > maxDirEntries {
		return 0, false, false, d.errAt(rel, "%d entries, more than %d", n, maxDirEntries)
	}
	ents, _, err := d.read(rel+16, 8*n)
	if err != nil {
		return 0, false, false, err
	}
	for i := uint32(0); i < n; i++ {
		name := binary.LittleEndian.Uint32(ents[8*i:])
		to := binary.LittleEndian.Uint32(ents[8*i+4:])
		if match(name&0x7fffffff, name&0x80000000 != 0) {
			return to & 0x7fffffff, to&0x80000000 != 0, true, nil
		}
	}
	return 0, false, false, nil
}

// data reads the resource that the data entry at rel describes.
func (d *resDir) data(rel uint32) ([]byte, int64, error) {
	ent, _, err := d.read(rel, 16)
	if err != nil {
		return nil, 0, err
	}
	rva, size := binary.LittleEndian.Uint32(ent[0:]), binary.LittleEndian.Uint32(ent[4:])
	if size > maxVersionData {
		return nil, 0, d.errAt(rel, "version resource of %d bytes, more than %d", size, maxVersionData)
	}
	off, ok := d.h.fileOffset(rva, size)
	if !ok {
		return nil, 0, d.errAt(rel, "version resource (%d bytes at RVA %#x) lies outside every section", size, rva)
	}
	b := make([]byte, size)
	if _, err := d.r.ReadAt(b, off); err != nil {
		return nil, 0, &inventory.InputError{Source: d.name, Offset: off, Err: fmt.Errorf("version resource: %w", err)}
	}
	return b, off, nil
}

// utf16String decodes little-endian UTF-16 up to the first NUL.
func utf16String(b []byte) string {
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		c := binary.LittleEndian.Uint16(b[i:])
		if c == 0 {
			break
		}
		u = append(u, c)
	}
	return string(utf16.Decode(u))
}
