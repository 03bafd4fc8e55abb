package pe

import (
	"crypto"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/embargo-dev/embargo/inventory"
)

// Limits of the certificate table. Real tables hold one or two
// signatures of a few kilobytes (a certificate chain, a timestamp).
const (
	maxCertTable  = 16 << 20
	maxSignatures = 8
)

// WIN_CERTIFICATE revision and type of an Authenticode signature.
const (
	winCertRevision2 = 0x0200
	winCertRevision1 = 0x0100
	winCertTypePKCS7 = 0x0002
)

// certEntry is one WIN_CERTIFICATE holding a PKCS#7 SignedData.
type certEntry struct {
	off  int64 // of the PKCS#7 data in the file
	data []byte
}

// readCertTable returns the PKCS#7 entries of the certificate table (the
// security data directory, whose address is a file offset, not an RVA).
// It returns nil, nil for a file without one.
func readCertTable(name string, r io.ReaderAt, size int64, h *header) ([]certEntry, error) {
	if !h.hasCertDir || h.certs.VirtualAddress == 0 || h.certs.Size == 0 {
		return nil, nil
	}
	start, n := int64(h.certs.VirtualAddress), int64(h.certs.Size)
	errAt := func(off int64, format string, args ...any) error {
		return &inventory.InputError{Source: name, Offset: off, Err: fmt.Errorf("certificate table: "+format, args...)}
	}
	switch {
	case n > maxCertTable:
		return nil, errAt(h.certDirOff, "%d bytes, more than %d", n, maxCertTable)
	case start+n > size:
		return nil, errAt(h.certDirOff, "%d bytes at offset %d run past the end of the file (%d bytes)", n, start, size)
	case start < h.certDirOff+8:
		return nil, errAt(h.certDirOff, "starts at offset %d, inside the headers", start)
	}
	table := make([]byte, n)
	if _, err := r.ReadAt(table, start); err != nil {
		return nil, errAt(start, "%v", err)
	}
	var out []certEntry
	for off := 0; off+8 <= len(table); {
		length := int(binary.LittleEndian.Uint32(table[off:]))
		rev, typ := binary.LittleEndian.Uint16(table[off+4:]), binary.LittleEndian.Uint16(table[off+6:])
		if length < 8 || length > len(table)-off {
			return out, errAt(start+int64(off), "entry length %d does not fit in the table (%d bytes left)", length, len(table)-off)
		}
		if (rev == winCertRevision2 || rev == winCertRevision1) && typ == winCertTypePKCS7 {
			if len(out) == maxSignatures {
				return out, errAt(start+int64(off), "more than %d signatures", maxSignatures)
			}
			out = append(out, certEntry{off: start + int64(off) + 8, data: table[off+8 : off+length]})
		}
		off += (length + 7) &^ 7 // entries are 8-byte aligned
	}
	return out, nil
}

// authenticodeHash hashes the file as Authenticode signs it: everything
// but the optional header's CheckSum, the certificate table's data
// directory entry, and the certificate table itself. Bytes after the
// table are hashed too, so data appended behind a signature shows as a
// mismatch rather than passing unseen.
func authenticodeHash(r io.ReaderAt, size int64, h *header, alg crypto.Hash) ([]byte, error) {
	if !alg.Available() {
		return nil, fmt.Errorf("digest algorithm %v not available", alg)
	}
	certStart, certEnd := int64(h.certs.VirtualAddress), int64(h.certs.VirtualAddress)+int64(h.certs.Size)
	if !(h.checksumOff+4 <= h.certDirOff && h.certDirOff+8 <= certStart && certEnd <= size) {
		return nil, errors.New("checksum, certificate directory entry and certificate table overlap or are out of order")
	}
	d := alg.New()
	for _, span := range [][2]int64{{0, h.checksumOff}, {h.checksumOff + 4, h.certDirOff}, {h.certDirOff + 8, certStart}, {certEnd, size}} {
		if _, err := io.Copy(d, io.NewSectionReader(r, span[0], span[1]-span[0])); err != nil {
			return nil, fmt.Errorf("hashing bytes %d to %d: %w", span[0], span[1], err)
		}
	}
	return d.Sum(nil), nil
}
