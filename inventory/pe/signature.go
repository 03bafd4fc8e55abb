package pe

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"
)

// Status is the verdict on a file's Authenticode signature. "Valid
// digest" means only that the file hashes to the digest its signer
// signed and that the signer's signature over it verifies with the public
// key of the certificate it names: no chain to a trusted root, no
// revocation, no timestamp is checked.
type Status string

// Verdicts.
const (
	StatusValid        Status = "valid digest"
	StatusMismatch     Status = "digest mismatch (tampered or re-signed)"
	StatusBadSignature Status = "signature does not verify (tampered)"
	StatusUnreadable   Status = "signature unreadable"
	StatusUnsigned     Status = "unsigned"
	// StatusCatalog is said of a file without an embedded signature on a
	// target that has a catalogue store (Windows/System32/CatRoot): the
	// file may be signed by a .cat file there, which is not looked up.
	StatusCatalog Status = "signature in catalog (not verified)"
)

// Signature is one embedded Authenticode signature and the verdict on it.
type Signature struct {
	Subject, Issuer     string // distinguished names, most specific first: "CN=..., O=..., C=RU"
	Serial              string // upper-case hex
	NotBefore, NotAfter time.Time
	DigestAlgorithm     crypto.Hash
	SignedDigest        []byte // the file digest the signer signed
	FileDigest          []byte // the file's Authenticode hash with the same algorithm
	Status              Status
	Reason              string // why, when the status is not StatusValid
	Offset              int64  // of the PKCS#7 data in the file
	Nested              bool   // a nested signature of a dual-signed file
}

// hasher computes the file's Authenticode hash, once per algorithm.
type hasher struct {
	r    io.ReaderAt
	size int64
	h    *header
	sums map[crypto.Hash][]byte
}

func (hs *hasher) sum(alg crypto.Hash) ([]byte, error) {
	if s, ok := hs.sums[alg]; ok {
		return s, nil
	}
	s, err := authenticodeHash(hs.r, hs.size, hs.h, alg)
	if err != nil {
		return nil, err
	}
	hs.sums[alg] = s
	return s, nil
}

// readSignatures decodes and checks every signature in the certificate
// table, nested ones after the signature that carries them.
func readSignatures(name string, r io.ReaderAt, size int64, h *header) ([]Signature, error) {
	entries, err := readCertTable(name, r, size, h)
	hs := &hasher{r: r, size: size, h: h, sums: map[crypto.Hash][]byte{}}
	var out []Signature
	for _, e := range entries {
		if len(out) >= maxSignatures {
			break
		}
		out = append(out, check(e.data, e.off, false, hs, maxSignatures-len(out))...)
	}
	return out, err
}

// check decodes and verifies one PKCS#7 signature and, one level deep,
// the signatures nested in it, returning at most room signatures.
func check(der []byte, off int64, nested bool, hs *hasher, room int) []Signature {
	s := Signature{Offset: off, Nested: nested}
	m, err := parseSignedMessage(der)
	if err != nil {
		s.Status, s.Reason = StatusUnreadable, err.Error()
		return []Signature{s}
	}
	s.DigestAlgorithm, s.SignedDigest = m.fileDigestAlg, m.fileDigest
	s.Issuer, s.Serial = rdnString(m.signer.IssuerAndSerial.Issuer.FullBytes), serialHex(m.signer.IssuerAndSerial.Serial)
	if c := m.cert; c != nil {
		s.Subject, s.NotBefore, s.NotAfter = rdnString(c.RawSubject), c.NotBefore.UTC(), c.NotAfter.UTC()
	}
	switch sum, err := hs.sum(m.fileDigestAlg); {
	case err != nil:
		s.Status, s.Reason = StatusUnreadable, "computing the file's digest: "+err.Error()
	case !bytes.Equal(sum, m.fileDigest):
		s.FileDigest = sum
		s.Status = StatusMismatch
		s.Reason = fmt.Sprintf("the signed %v digest is %X, the file hashes to %X", m.fileDigestAlg, m.fileDigest, sum)
	case m.cert == nil:
		s.FileDigest = sum
		s.Status, s.Reason = StatusUnreadable, errNoSignerCertificate.Error()
	default:
		s.FileDigest = sum
		if err := verifySigner(m); err != nil {
			s.Status, s.Reason = StatusBadSignature, err.Error()
			if errors.Is(err, errUnsupported) {
				s.Status = StatusUnreadable
			}
		} else {
			s.Status = StatusValid
		}
	}
	out := []Signature{s}
	if !nested {
		for _, n := range m.nested {
			if len(out) >= room {
				break
			}
			out = append(out, check(n, off, true, hs, 1)...)
		}
	}
	return out
}

var errUnsupported = errors.New("not supported")

// verifySigner checks that the signed attributes carry the digest of the
// SpcIndirectDataContent and that the signer's certificate key signed
// them (or, without signed attributes, the content itself).
func verifySigner(m *signedMessage) error {
	si := m.signer
	alg, ok := digestAlgorithms[si.DigestAlgorithm.Algorithm.String()]
	if !ok {
		return fmt.Errorf("signer digest algorithm %v %w", si.DigestAlgorithm.Algorithm, errUnsupported)
	}
	signed := m.content
	if raw := si.AuthenticatedAttributes.FullBytes; len(raw) > 0 {
		attrs, err := parseAttributes(si.AuthenticatedAttributes.Bytes)
		if err != nil {
			return fmt.Errorf("signed attributes: %w", err)
		}
		var md []byte
		for _, a := range attrs {
			switch {
			case a.Type.Equal(oidMessageDigest):
				if _, err := asn1.Unmarshal(a.Values.Bytes, &md); err != nil {
					return fmt.Errorf("messageDigest attribute: %w", err)
				}
			case a.Type.Equal(oidContentType):
				var ct asn1.ObjectIdentifier
				if _, err := asn1.Unmarshal(a.Values.Bytes, &ct); err != nil || !ct.Equal(oidSpcIndirectData) {
					return fmt.Errorf("signed contentType attribute is not SpcIndirectDataContent")
				}
			}
		}
		d := alg.New()
		d.Write(m.content)
		if !bytes.Equal(d.Sum(nil), md) {
			return errors.New("the signed messageDigest attribute does not match the signed content")
		}
		// The signature covers the attributes encoded as a SET, not with
		// the [0] tag they carry inside SignerInfo.
		signed = append([]byte{0x31}, raw[1:]...)
	}
	d := alg.New()
	d.Write(signed)
	digest := d.Sum(nil)
	switch pub := m.cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if si.DigestEncryptionAlgorithm.Algorithm.Equal(oidRSAPSS) {
			return fmt.Errorf("RSASSA-PSS signatures %w", errUnsupported)
		}
		if err := rsa.VerifyPKCS1v15(pub, alg, digest, si.EncryptedDigest); err != nil {
			return fmt.Errorf("the signer's RSA signature does not verify with its certificate's key: %w", err)
		}
	case *ecdsa.PublicKey:
		if !ecdsa.VerifyASN1(pub, digest, si.EncryptedDigest) {
			return errors.New("the signer's ECDSA signature does not verify with its certificate's key")
		}
	default:
		return fmt.Errorf("signer key type %T %w", pub, errUnsupported)
	}
	return nil
}

// rdnString formats a DER Name in its own order reversed, most specific
// first, with ", " between attributes: "CN=AO Kaspersky Lab, O=AO
// Kaspersky Lab, L=Moscow, C=RU".
func rdnString(der []byte) string {
	var seq pkix.RDNSequence
	if rest, err := asn1.Unmarshal(der, &seq); err != nil || len(rest) > 0 {
		return ""
	}
	parts := make([]string, 0, len(seq))
	for i := len(seq) - 1; i >= 0; i-- {
		parts = append(parts, pkix.RDNSequence{seq[i]}.String())
	}
	return clip(strings.Join(parts, ", "))
}

func serialHex(n *big.Int) string {
	if n == nil {
		return ""
	}
	return fmt.Sprintf("%X", n)
}

// validity formats a certificate's validity as an ISO 8601 interval.
func validity(s Signature) string {
	if s.NotBefore.IsZero() {
		return ""
	}
	return s.NotBefore.Format(time.RFC3339) + "/" + s.NotAfter.Format(time.RFC3339)
}
