package pe

import (
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/embargo-dev/embargo/inventory"
)

// Subsystems of UEFI images (PE optional header Subsystem field).
const (
	subsysEFIApplication = 10
	subsysEFIROM         = 13
)

// header is what the collector needs from a PE file's headers: the parts
// debug/pe decodes, and the raw offsets the Authenticode hash skips.
type header struct {
	subsystem   uint16
	sections    []*pe.Section
	resource    pe.DataDirectory // RVA and size of the resource tree
	certs       pe.DataDirectory // file offset and size of the certificate table
	checksumOff int64            // optional header CheckSum field
	certDirOff  int64            // the certificate table's data directory entry
	hasCertDir  bool             // NumberOfRvaAndSizes reaches the certificate entry
}

// errNotPE is returned for a file that does not start with an MZ header
// leading to a PE signature.
var errNotPE = errors.New("not a PE file (no MZ header with a PE signature)")

// readHeader decodes the headers of the PE file r of size bytes.
func readHeader(name string, r io.ReaderAt, size int64) (*header, error) {
	var dos [64]byte
	if size < int64(len(dos)) {
		return nil, errNotPE
	}
	if _, err := r.ReadAt(dos[:], 0); err != nil {
		return nil, &inventory.InputError{Source: name, Offset: 0, Err: fmt.Errorf("reading the MZ header: %w", err)}
	}
	if dos[0] != 'M' || dos[1] != 'Z' {
		return nil, errNotPE
	}
	lfanew := int64(binary.LittleEndian.Uint32(dos[0x3c:]))
	var sig [4]byte
	if lfanew+4 > size {
		return nil, errNotPE
	}
	if _, err := r.ReadAt(sig[:], lfanew); err != nil || string(sig[:]) != "PE\x00\x00" {
		return nil, errNotPE
	}
	f, err := pe.NewFile(r)
	if err != nil {
		return nil, &inventory.InputError{Source: name, Offset: lfanew, Err: fmt.Errorf("PE headers: %w", err)}
	}
	h := &header{sections: f.Sections}
	opt := lfanew + 4 + 20 // signature, COFF file header
	var dirs []pe.DataDirectory
	var dirsOff int64
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		h.subsystem = oh.Subsystem
		dirs, dirsOff = oh.DataDirectory[:min(oh.NumberOfRvaAndSizes, 16)], opt+96
	case *pe.OptionalHeader64:
		h.subsystem = oh.Subsystem
		dirs, dirsOff = oh.DataDirectory[:min(oh.NumberOfRvaAndSizes, 16)], opt+112
	default:
		return nil, &inventory.InputError{Source: name, Offset: opt, Err: errors.New("no optional header (an object file, not an image)")}
	}
	h.checksumOff = opt + 64
	if len(dirs) > pe.IMAGE_DIRECTORY_ENTRY_RESOURCE {
		h.resource = dirs[pe.IMAGE_DIRECTORY_ENTRY_RESOURCE]
	}
	if len(dirs) > pe.IMAGE_DIRECTORY_ENTRY_SECURITY {
		h.certs = dirs[pe.IMAGE_DIRECTORY_ENTRY_SECURITY]
		h.certDirOff = dirsOff + 8*pe.IMAGE_DIRECTORY_ENTRY_SECURITY
		h.hasCertDir = true
	}
	return h, nil
}

// efi reports whether the image is a UEFI application, driver or ROM.
func (h *header) efi() bool {
	return h.subsystem >= subsysEFIApplication && h.subsystem <= subsysEFIROM
}

// fileOffset maps n bytes at rva to a file offset, requiring them to lie
// within one section's raw data.
func (h *header) fileOffset(rva, n uint32) (int64, bool) {
	for _, s := range h.sections {
		if rva < s.VirtualAddress {
			continue
		}
		if d := uint64(rva - s.VirtualAddress); d+uint64(n) <= uint64(s.Size) {
			return int64(s.Offset) + int64(d), true
		}
	}
	return 0, false
}
