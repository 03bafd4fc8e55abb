package ipa

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// The code signature of the app's main executable, as Apple's code
// signing lays it out (apple-codesign's specification, Apple TN2206):
// an LC_CODE_SIGNATURE load command (0x1d: dataoff, datasize) points at
// a big-endian SuperBlob (magic 0xfade0cc0, length, count, then type and
// offset of each blob) in __LINKEDIT. Slot 0 is the CodeDirectory
// (0xfade0c02: version at 8, identifier offset at 20, and from version
// 0x20200 the Team ID's offset at 48); slot 0x10000 a BlobWrapper
// (0xfade0b01) holding the CMS signature, empty when ad hoc. Within an
// IPA the executable is a compressed ZIP entry, so it is read as a
// stream: the header and load commands, then on to the signature, with
// nothing else kept. Of a universal binary the architecture at the
// lowest offset is read.

const (
	lcCodeSignature  = 0x1d
	magicSuperBlob   = 0xfade0cc0
	magicCodeDir     = 0xfade0c02
	magicBlobWrapper = 0xfade0b01
	slotCodeDir      = 0
	slotSignature    = 0x10000
	// maxSignature bounds the signature blob, maxLoadCmds the load
	// commands read; real ones are tens of kilobytes.
	maxSignature = 16 << 20
	maxLoadCmds  = 4 << 20
	maxArches    = 64
)

// codeSignature is what is read of a code signature.
type codeSignature struct {
	identifier string // the signing identifier, usually the bundle id
	cdTeam     string // the Team ID the CodeDirectory claims
	certTeam   string // the signing certificate's subject OU
	certOrg    string // and organisation
	adHoc      bool   // no certificate
}

var errUnsigned = errors.New("no code signature")

// forward reads a stream at increasing offsets.
type forward struct {
	r   io.Reader
	pos int64
}

func (f *forward) at(off int64, n int) ([]byte, error) {
	if off < f.pos {
		return nil, fmt.Errorf("data at %d lies before %d, already read", off, f.pos)
	}
	if _, err := io.CopyN(io.Discard, f.r, off-f.pos); err != nil {
		return nil, fmt.Errorf("reading to byte %d: %w", off, err)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(f.r, b); err != nil {
		return nil, fmt.Errorf("reading %d bytes at %d: %w", n, off, err)
	}
	f.pos = off + int64(n)
	return b, nil
}

// readCodeSignature reads the code signature of the Mach-O program in r,
// of size bytes.
func readCodeSignature(r io.Reader, size int64, depth int) (codeSignature, error) {
	f := &forward{r: r}
	magic, err := f.at(0, 8)
	if err != nil {
		return codeSignature{}, fmt.Errorf("not a Mach-O program: %w", err)
	}
	var base int64
	switch be := binary.BigEndian; be.Uint32(magic) {
	case 0xcafebabe, 0xcafebabf: // universal; the 64-bit table has 32-byte entries
		n, entry := be.Uint32(magic[4:]), 20
		if be.Uint32(magic) == 0xcafebabf {
			entry = 32
		}
		if n == 0 || n > maxArches {
			return codeSignature{}, fmt.Errorf("universal binary of %d architectures", n)
		}
		table, err := f.at(8, int(n)*entry)
		if err != nil {
			return codeSignature{}, err
		}
		base = -1
		for i := 0; i < int(n); i++ {
			off := int64(be.Uint32(table[i*entry+8:]))
			if entry == 32 {
				off = int64(be.Uint64(table[i*entry+8:]) & (1<<62 - 1))
			}
			if base < 0 || off < base {
				base = off
			}
		}
		if magic, err = f.at(base, 8); err != nil {
			return codeSignature{}, err
		}
	}
	var bo binary.ByteOrder
	hdr := 28
	switch binary.LittleEndian.Uint32(magic) {
	case 0xfeedface:
		bo = binary.LittleEndian
	case 0xfeedfacf:
		bo, hdr = binary.LittleEndian, 32
	case 0xcefaedfe:
		bo = binary.BigEndian
	case 0xcffaedfe:
		bo, hdr = binary.BigEndian, 32
	default:
		return codeSignature{}, fmt.Errorf("not a Mach-O program (magic %x)", magic[:4])
	}
	h, err := f.at(base+8, hdr-8)
	if err != nil {
		return codeSignature{}, err
	}
	ncmds, sizeofcmds := bo.Uint32(h[8:]), bo.Uint32(h[12:])
	if sizeofcmds > maxLoadCmds || int64(sizeofcmds) > size {
		return codeSignature{}, fmt.Errorf("load commands of %d bytes", sizeofcmds)
	}
	cmds, err := f.at(base+int64(hdr), int(sizeofcmds))
	if err != nil {
		return codeSignature{}, err
	}
	for i, p := uint32(0), 0; i < ncmds && p+8 <= len(cmds); i++ {
		cmd, n := bo.Uint32(cmds[p:]), int(bo.Uint32(cmds[p+4:]))
		if n < 8 || n > len(cmds)-p {
			return codeSignature{}, fmt.Errorf("load command %d of %d bytes", i, n)
		}
		if cmd == lcCodeSignature && n >= 16 {
			off, sz := int64(bo.Uint32(cmds[p+8:])), int64(bo.Uint32(cmds[p+12:]))
			if sz > maxSignature || base+off+sz > size || base+off < f.pos {
				return codeSignature{}, fmt.Errorf("code signature of %d bytes at %d lies outside the program", sz, base+off)
			}
			blob, err := f.at(base+off, int(sz))
			if err != nil {
				return codeSignature{}, err
			}
			return parseSuperBlob(blob, depth)
		}
		p += n
	}
	return codeSignature{}, errUnsigned
}

// parseSuperBlob reads the CodeDirectory and the CMS signature.
func parseSuperBlob(b []byte, depth int) (codeSignature, error) {
	be := binary.BigEndian
	var s codeSignature
	if len(b) < 12 || be.Uint32(b) != magicSuperBlob {
		return s, errors.New("code signature is not a SuperBlob")
	}
	count := be.Uint32(b[8:])
	if int64(count)*8+12 > int64(len(b)) {
		return s, fmt.Errorf("SuperBlob lists %d blobs in %d bytes", count, len(b))
	}
	var cms []byte
	haveCD, haveWrapper := false, false
	for i := range count {
		typ, off := be.Uint32(b[12+8*i:]), be.Uint32(b[16+8*i:])
		if int64(off)+8 > int64(len(b)) {
			return s, fmt.Errorf("blob %d at %d lies outside the signature", i, off)
		}
		blob := b[off:]
		n := be.Uint32(blob[4:])
		if n < 8 || int64(n) > int64(len(blob)) {
			return s, fmt.Errorf("blob %d claims %d bytes", i, n)
		}
		blob = blob[:n]
		switch {
		case typ == slotCodeDir && be.Uint32(blob) == magicCodeDir && !haveCD:
			if len(blob) < 44 {
				return s, errors.New("CodeDirectory too short")
			}
			s.identifier = cstring(blob, be.Uint32(blob[20:]))
			if be.Uint32(blob[8:]) >= 0x20200 && len(blob) >= 52 {
				if off := be.Uint32(blob[48:]); off != 0 {
					s.cdTeam = cstring(blob, off)
				}
			}
			haveCD = true
		case typ == slotSignature && be.Uint32(blob) == magicBlobWrapper:
			cms, haveWrapper = blob[8:], true
		}
	}
	if !haveCD {
		return s, errors.New("code signature has no CodeDirectory")
	}
	if !haveWrapper || len(cms) == 0 {
		s.adHoc = true
		return s, nil
	}
	d, err := parseCMS(cms, depth)
	if err != nil {
		return s, fmt.Errorf("code signature's CMS blob: %w", err)
	}
	if d.signer == nil {
		return s, errors.New("code signature's CMS blob names no certificate it carries")
	}
	if ou := d.signer.Subject.OrganizationalUnit; len(ou) > 0 {
		s.certTeam = ou[0]
	}
	if o := d.signer.Subject.Organization; len(o) > 0 {
		s.certOrg = o[0]
	}
	return s, nil
}

// cstring is the NUL-terminated string at off, "" when off is outside b.
func cstring(b []byte, off uint32) string {
	if int64(off) >= int64(len(b)) {
		return ""
	}
	s := b[off:]
	if i := bytes.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	if len(s) > 256 {
		return ""
	}
	return string(s)
}
