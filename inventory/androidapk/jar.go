package androidapk

import (
	"bytes"
	"encoding/asn1"
	"fmt"
	"path"
	"strings"
)

// JAR signing (v1): each META-INF/<NAME>.RSA, .DSA or .EC is a DER
// PKCS#7 SignedData (RFC 2315, CMS RFC 5652) over META-INF/<NAME>.SF,
// carrying the signer's certificate among its certificates; the
// SignerInfo names it by issuer and serial number.

// isJARSignature reports whether a ZIP entry is a JAR signature block
// file, directly in META-INF.
func isJARSignature(name string) bool {
	dir, file := path.Split(name)
	if dir != "META-INF/" {
		return false
	}
	switch strings.ToUpper(path.Ext(file)) {
	case ".RSA", ".DSA", ".EC":
		return true
	}
	return false
}

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,tag:0"`
}

type signedData struct {
	Version          int
	DigestAlgorithms asn1.RawValue
	ContentInfo      asn1.RawValue
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue `asn1:"optional,tag:1"`
	SignerInfos      []signerInfo  `asn1:"set"`
}

type signerInfo struct {
	Version int
	SID     asn1.RawValue // IssuerAndSerialNumber, or [0] SubjectKeyIdentifier
	Rest    []asn1.RawValue
}

type issuerSerial struct {
	Issuer asn1.RawValue
	Serial asn1.RawValue
}

var oidSignedData = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}

// jarSigners returns the certificate of each SignerInfo of a signature
// block file.
func jarSigners(der []byte) ([]*cert, error) {
	var ci contentInfo
	if rest, err := asn1.Unmarshal(der, &ci); err != nil {
		return nil, fmt.Errorf("not DER PKCS#7: %w", err)
	} else if len(rest) > 0 {
		return nil, fmt.Errorf("%d bytes after the PKCS#7 structure", len(rest))
	}
	if !ci.ContentType.Equal(oidSignedData) {
		return nil, fmt.Errorf("PKCS#7 content type %v, not SignedData", ci.ContentType)
	}
	var sd signedData
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &sd); err != nil {
		return nil, fmt.Errorf("SignedData: %w", err)
	}
	var certs []*cert
	for rest := sd.Certificates.Bytes; len(rest) > 0; {
		var raw asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &raw); err != nil {
			return nil, fmt.Errorf("certificate %d: %w", len(certs)+1, err)
		}
		if len(certs) == maxCerts {
			return nil, fmt.Errorf("more than %d certificates", maxCerts)
		}
		c, err := parseCert(raw.FullBytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", len(certs)+1, err)
		}
		certs = append(certs, c)
	}
	if len(sd.SignerInfos) == 0 || len(sd.SignerInfos) > maxSigners {
		return nil, fmt.Errorf("%d signer infos", len(sd.SignerInfos))
	}
	var out []*cert
	for i, si := range sd.SignerInfos {
		c := signerCert(si, certs)
		if c == nil {
			return nil, fmt.Errorf("signer info %d names no certificate of the block", i+1)
		}
		out = append(out, c)
	}
	return out, nil
}

// signerCert finds the certificate a SignerInfo names by issuer and
// serial number. A SignerInfo naming its certificate by subject key
// identifier (CMS version 3, not written by JAR signers) is matched only
// when the block holds one certificate.
func signerCert(si signerInfo, certs []*cert) *cert {
	if si.SID.Class == asn1.ClassContextSpecific && si.SID.Tag == 0 {
		if len(certs) == 1 {
			return certs[0]
		}
		return nil
	}
	var is issuerSerial
	if rest, err := asn1.Unmarshal(si.SID.FullBytes, &is); err != nil || len(rest) > 0 || is.Serial.Tag != asn1.TagInteger {
		return nil
	}
	for _, c := range certs {
		if bytes.Equal(c.rawIssuer, is.Issuer.FullBytes) && bytes.Equal(c.serial, is.Serial.Bytes) {
			return c
		}
	}
	return nil
}
