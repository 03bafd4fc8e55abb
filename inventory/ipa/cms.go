package ipa

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"math/big"
)

// CMS SignedData (RFC 5652), BER-encoded:
//
//	ContentInfo ::= SEQUENCE { contentType OID, [0] EXPLICIT SignedData }
//	SignedData  ::= SEQUENCE { version, digestAlgorithms SET,
//	    encapContentInfo SEQUENCE { eContentType OID, [0] EXPLICIT OCTET STRING OPTIONAL },
//	    [0] IMPLICIT certificates OPTIONAL, [1] IMPLICIT crls OPTIONAL,
//	    signerInfos SET OF SignerInfo }
//	SignerInfo  ::= SEQUENCE { version, sid (IssuerAndSerialNumber or [0] SubjectKeyIdentifier), ... }
//
// Signatures are not verified: the signer is the certificate the first
// SignerInfo names, which is what the blob claims.

// cmsData is what is read of a SignedData.
type cmsData struct {
	content []byte              // the encapsulated content, nil when detached
	certs   []*x509.Certificate // the certificates carried
	signer  *x509.Certificate   // the one the first SignerInfo names, or nil
}

// oidSignedData is 1.2.840.113549.1.7.2, encoded.
var oidSignedData = []byte{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02}

// maxCMSCerts bounds the certificates of one signature; a real one holds
// the signer and its chain to Apple, three or four.
const maxCMSCerts = 32

func parseCMS(b []byte, depth int) (*cmsData, error) {
	ci, _, err := parseTLV(b, depth)
	if err != nil {
		return nil, err
	}
	top, err := children(ci, depth)
	if err != nil || !ci.universal(tagSequence) || len(top) < 2 || !top[0].universal(tagOID) || !top[1].is(2, 0) {
		return nil, errors.New("not a CMS ContentInfo")
	}
	if !bytes.Equal(top[0].content, oidSignedData) {
		return nil, errors.New("CMS content is not SignedData")
	}
	wrap, err := children(top[1], depth-1)
	if err != nil || len(wrap) != 1 || !wrap[0].universal(tagSequence) {
		return nil, errors.New("CMS SignedData missing")
	}
	sd, err := children(wrap[0], depth-2)
	if err != nil || len(sd) < 4 || !sd[2].universal(tagSequence) || !sd[len(sd)-1].universal(tagSet) {
		return nil, errors.New("CMS SignedData malformed")
	}
	out := &cmsData{}
	encap, err := children(sd[2], depth-3)
	if err != nil || len(encap) < 1 {
		return nil, errors.New("CMS encapsulated content malformed")
	}
	if len(encap) > 1 {
		inner, err := children(encap[1], depth-4)
		if err != nil || len(inner) != 1 {
			return nil, errors.New("CMS encapsulated content malformed")
		}
		if out.content, err = octets(inner[0], depth-5); err != nil {
			return nil, fmt.Errorf("CMS encapsulated content: %w", err)
		}
	}
	for _, f := range sd[3 : len(sd)-1] {
		if !f.is(2, 0) {
			continue // [1] CRLs
		}
		certs, err := children(f, depth-3)
		if err != nil {
			return nil, fmt.Errorf("CMS certificates: %w", err)
		}
		if len(certs) > maxCMSCerts {
			return nil, fmt.Errorf("%d certificates, more than %d", len(certs), maxCMSCerts)
		}
		for i, c := range certs {
			cert, err := x509.ParseCertificate(c.full)
			if err != nil {
				return nil, fmt.Errorf("CMS certificate %d: %w", i+1, err)
			}
			out.certs = append(out.certs, cert)
		}
	}
	infos, err := children(sd[len(sd)-1], depth-3)
	if err != nil {
		return nil, fmt.Errorf("CMS signer infos: %w", err)
	}
	if len(infos) > 0 {
		out.signer = signerOf(infos[0], out.certs, depth-4)
	}
	return out, nil
}

// signerOf finds the certificate a SignerInfo names.
func signerOf(si tlv, certs []*x509.Certificate, depth int) *x509.Certificate {
	f, err := children(si, depth)
	if err != nil || len(f) < 2 {
		return nil
	}
	if f[1].is(2, 0) { // [0] SubjectKeyIdentifier
		for _, c := range certs {
			if len(c.SubjectKeyId) > 0 && bytes.Equal(c.SubjectKeyId, f[1].content) {
				return c
			}
		}
		return nil
	}
	is, err := children(f[1], depth-1)
	if err != nil || len(is) != 2 || !is[1].universal(tagInteger) || len(is[1].content) == 0 {
		return nil
	}
	serial := new(big.Int).SetBytes(is[1].content)
	if is[1].content[0]&0x80 != 0 { // negative: two's complement
		serial.Sub(serial, new(big.Int).Lsh(big.NewInt(1), uint(8*len(is[1].content))))
	}
	for _, c := range certs {
		if bytes.Equal(c.RawIssuer, is[0].full) && c.SerialNumber.Cmp(serial) == 0 {
			return c
		}
	}
	return nil
}
