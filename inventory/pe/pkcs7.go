package pe

import (
	"bytes"
	"crypto"
	_ "crypto/sha1" // Authenticode digests: SHA-1 in older signatures
	_ "crypto/sha256"
	_ "crypto/sha512"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"fmt"
	"math/big"
)

// Object identifiers of Authenticode's PKCS#7 structures.
var (
	oidSignedData          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidSpcIndirectData     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 4}
	oidMessageDigest       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidContentType         = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidNestedSignature     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 4, 1}
	oidRSAPSS              = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 10}
	digestAlgorithms       = map[string]crypto.Hash{"1.3.14.3.2.26": crypto.SHA1, "2.16.840.1.101.3.4.2.1": crypto.SHA256, "2.16.840.1.101.3.4.2.2": crypto.SHA384, "2.16.840.1.101.3.4.2.3": crypto.SHA512}
	errNoSignerCertificate = errors.New("the signer's certificate is not among the signature's certificates")
)

// The ASN.1 of RFC 2315 (PKCS#7 1.5) and of Authenticode, as much of it
// as the collector reads. Raw values keep the exact encoded bytes that
// digests and signatures cover.
type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type signedData struct {
	Version          int
	DigestAlgorithms asn1.RawValue
	ContentInfo      contentInfo
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue `asn1:"optional,tag:1"`
	SignerInfos      []signerInfo  `asn1:"set"`
}

type signerInfo struct {
	Version                   int
	IssuerAndSerial           issuerAndSerial
	DigestAlgorithm           pkix.AlgorithmIdentifier
	AuthenticatedAttributes   asn1.RawValue `asn1:"optional,tag:0"`
	DigestEncryptionAlgorithm pkix.AlgorithmIdentifier
	EncryptedDigest           []byte
	UnauthenticatedAttributes asn1.RawValue `asn1:"optional,tag:1"`
}

type issuerAndSerial struct {
	Issuer asn1.RawValue
	Serial *big.Int
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue `asn1:"set"`
}

// spcIndirectDataContent carries the digest of the file that the signer
// signed.
type spcIndirectDataContent struct {
	Data          asn1.RawValue
	MessageDigest struct {
		Algorithm pkix.AlgorithmIdentifier
		Digest    []byte
	}
}

// signedMessage is one decoded Authenticode signature.
type signedMessage struct {
	fileDigestAlg crypto.Hash
	fileDigest    []byte // the digest of the file that was signed
	content       []byte // the SpcIndirectDataContent, as the messageDigest covers it
	signer        signerInfo
	cert          *x509.Certificate // nil when not included
	nested        [][]byte          // nested signatures (ContentInfo), for dual-signed files
}

// parseSignedMessage decodes a PKCS#7 ContentInfo holding an Authenticode
// SignedData.
func parseSignedMessage(der []byte) (*signedMessage, error) {
	var ci contentInfo
	if _, err := asn1.Unmarshal(der, &ci); err != nil { // WIN_CERTIFICATE padding may follow
		return nil, fmt.Errorf("PKCS#7 ContentInfo: %w", err)
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, fmt.Errorf("PKCS#7 content type %v, not SignedData", ci.ContentType)
	}
	var sd signedData
	if rest, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, fmt.Errorf("PKCS#7 SignedData: %w", err)
	} else if len(rest) > 0 {
		return nil, fmt.Errorf("PKCS#7 SignedData: %d bytes after it", len(rest))
	}
	if !sd.ContentInfo.ContentType.Equal(oidSpcIndirectData) {
		return nil, fmt.Errorf("signed content type %v, not Authenticode's SpcIndirectDataContent", sd.ContentInfo.ContentType)
	}
	if len(sd.SignerInfos) != 1 {
		return nil, fmt.Errorf("%d signers; Authenticode has exactly one", len(sd.SignerInfos))
	}
	var spc asn1.RawValue // the SEQUENCE inside [0]
	if _, err := asn1.Unmarshal(sd.ContentInfo.Content.Bytes, &spc); err != nil {
		return nil, fmt.Errorf("SpcIndirectDataContent: %w", err)
	}
	var ind spcIndirectDataContent
	if _, err := asn1.Unmarshal(spc.FullBytes, &ind); err != nil {
		return nil, fmt.Errorf("SpcIndirectDataContent: %w", err)
	}
	alg, ok := digestAlgorithms[ind.MessageDigest.Algorithm.Algorithm.String()]
	if !ok {
		return nil, fmt.Errorf("file digest algorithm %v not supported", ind.MessageDigest.Algorithm.Algorithm)
	}
	m := &signedMessage{fileDigestAlg: alg, fileDigest: ind.MessageDigest.Digest, content: spc.Bytes, signer: sd.SignerInfos[0]}
	m.cert = findSigner(sd.Certificates.Bytes, m.signer.IssuerAndSerial)
	if attrs, err := parseAttributes(m.signer.UnauthenticatedAttributes.Bytes); err == nil {
		for _, a := range attrs {
			if a.Type.Equal(oidNestedSignature) {
				m.nested = append(m.nested, elements(a.Values.Bytes)...)
			}
		}
	}
	return m, nil
}

// findSigner returns the certificate named by the signer's issuer and
// serial number. Certificates Go cannot parse are passed over: one odd
// certificate in a chain must not hide the signer.
func findSigner(certs []byte, id issuerAndSerial) *x509.Certificate {
	for _, der := range elements(certs) {
		c, err := x509.ParseCertificate(der)
		if err == nil && bytes.Equal(c.RawIssuer, id.Issuer.FullBytes) && id.Serial != nil && c.SerialNumber.Cmp(id.Serial) == 0 {
			return c
		}
	}
	return nil
}

// elements splits concatenated DER elements; it stops at the first that
// does not decode.
func elements(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		var v asn1.RawValue
		rest, err := asn1.Unmarshal(b, &v)
		if err != nil {
			break
		}
		out = append(out, v.FullBytes)
		b = rest
	}
	return out
}

func parseAttributes(b []byte) ([]attribute, error) {
	var out []attribute
	for len(b) > 0 {
		var a attribute
		rest, err := asn1.Unmarshal(b, &a)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
		b = rest
	}
	return out, nil
}
