package macapp

import (
	"bytes"
	"crypto/x509"
	"debug/macho"
	"encoding/asn1"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Code signatures of Mach-O programs (Apple's code signing format, as
// codesign writes it: an LC_CODE_SIGNATURE load command pointing at a
// SuperBlob in __LINKEDIT, holding a CodeDirectory and a CMS signature).

// Signature is what the collector reads of a program's code signature.
type Signature struct {
	// TeamID is the Apple Developer Team ID in the CodeDirectory, kept
	// only when the signing certificate in the CMS blob names the same
	// team (its subject's OU): the certificate's chain to Apple is not
	// verified here.
	TeamID string
	// Identifier is the signing identifier (usually the bundle id).
	Identifier string
	// Subject is the signing certificate's subject organisation.
	Subject string
	// AdHoc is set when the code is signed without a certificate.
	AdHoc bool
}

const (
	lcCodeSignature  = 0x1d
	magicSuperBlob   = 0xfade0cc0
	magicCodeDir     = 0xfade0c02
	magicBlobWrapper = 0xfade0b01
	slotCodeDir      = 0
	slotSignature    = 0x10000
	maxSignature     = 16 << 20
)

// errUnsigned says a program carries no code signature.
var errUnsigned = errors.New("no code signature")

// ReadSignature reads the code signature of a Mach-O program (the first
// architecture of a universal one).
func ReadSignature(r io.ReaderAt, size int64) (Signature, error) {
	var base int64
	f, err := macho.NewFile(io.NewSectionReader(r, 0, size))
	if err != nil {
		ff, ferr := macho.NewFatFile(io.NewSectionReader(r, 0, size))
		if ferr != nil || len(ff.Arches) == 0 {
			return Signature{}, fmt.Errorf("not a Mach-O program: %w", err)
		}
		f, base = ff.Arches[0].File, int64(ff.Arches[0].Offset)
	}
	for _, l := range f.Loads {
		raw := l.Raw()
		if len(raw) < 16 || f.ByteOrder.Uint32(raw) != lcCodeSignature {
			continue
		}
		off, n := int64(f.ByteOrder.Uint32(raw[8:])), int64(f.ByteOrder.Uint32(raw[12:]))
		if n > maxSignature || base+off+n > size {
			return Signature{}, fmt.Errorf("code signature of %d bytes at %d lies outside the file", n, base+off)
		}
		blob := make([]byte, n)
		if _, err := r.ReadAt(blob, base+off); err != nil {
			return Signature{}, fmt.Errorf("reading the code signature: %w", err)
		}
		return parseSuperBlob(blob)
	}
	return Signature{}, errUnsigned
}

// parseSuperBlob reads the CodeDirectory and the CMS signature of a
// signature SuperBlob (big-endian).
func parseSuperBlob(b []byte) (Signature, error) {
	be := binary.BigEndian
	if len(b) < 12 || be.Uint32(b) != magicSuperBlob {
		return Signature{}, errors.New("code signature is not a SuperBlob")
	}
	count := be.Uint32(b[8:])
	if int64(count)*8+12 > int64(len(b)) {
		return Signature{}, fmt.Errorf("SuperBlob lists %d blobs in %d bytes", count, len(b))
	}
	var sig Signature
	var cms []byte
	haveCD := false
	for i := uint32(0); i < count; i++ {
		typ, off := be.Uint32(b[12+8*i:]), be.Uint32(b[16+8*i:])
		if int64(off)+8 > int64(len(b)) {
			return Signature{}, fmt.Errorf("blob %d at %d lies outside the signature", i, off)
		}
		blob := b[off:]
		n := be.Uint32(blob[4:])
		if n < 8 || int64(n) > int64(len(blob)) {
			return Signature{}, fmt.Errorf("blob %d claims %d bytes", i, n)
		}
		blob = blob[:n]
		switch {
		case typ == slotCodeDir && be.Uint32(blob) == magicCodeDir:
			if err := sig.codeDirectory(blob); err != nil {
				return Signature{}, err
			}
			haveCD = true
		case typ == slotSignature && be.Uint32(blob) == magicBlobWrapper:
			cms = blob[8:]
		}
	}
	if !haveCD {
		return Signature{}, errors.New("code signature has no CodeDirectory")
	}
	if len(cms) == 0 {
		sig.AdHoc, sig.TeamID = true, "" // no certificate vouches for a team
		return sig, nil
	}
	team, org, err := signerTeam(cms)
	if err != nil {
		return Signature{}, fmt.Errorf("code signature's CMS blob: %w", err)
	}
	if team != sig.TeamID {
		sig.TeamID = "" // the certificate does not back the claim
	}
	sig.Subject = org
	return sig, nil
}

// codeDirectory reads the identifier and team of a CodeDirectory.
func (s *Signature) codeDirectory(cd []byte) error {
	be := binary.BigEndian
	if len(cd) < 44 {
		return errors.New("CodeDirectory too short")
	}
	version := be.Uint32(cd[8:])
	s.Identifier = cstring(cd, be.Uint32(cd[20:]))
	if version >= 0x20200 && len(cd) >= 52 {
		if off := be.Uint32(cd[48:]); off != 0 {
			s.TeamID = cstring(cd, off)
		}
	}
	return nil
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

// signedData is as much of a CMS SignedData (RFC 5652) as is needed to
// find the certificates.
type signedData struct {
	Version          int
	DigestAlgorithms asn1.RawValue
	ContentInfo      asn1.RawValue
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	Rest             asn1.RawValue `asn1:"optional"`
}

// signerTeam returns the Team ID (subject OU) and organisation of the
// Apple developer certificate among a CMS signature's certificates.
func signerTeam(der []byte) (team, org string, err error) {
	var ci struct {
		ContentType asn1.ObjectIdentifier
		Content     asn1.RawValue `asn1:"explicit,tag:0"`
	}
	if _, err := asn1.Unmarshal(der, &ci); err != nil {
		return "", "", err
	}
	var sd signedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return "", "", err
	}
	certs, err := x509.ParseCertificates(sd.Certificates.Bytes)
	if err != nil {
		return "", "", err
	}
	for _, c := range certs {
		if c.IsCA || len(c.Subject.OrganizationalUnit) == 0 {
			continue
		}
		if len(c.Subject.Organization) > 0 {
			org = c.Subject.Organization[0]
		}
		return c.Subject.OrganizationalUnit[0], org, nil
	}
	return "", "", errors.New("no developer certificate among the signature's certificates")
}
