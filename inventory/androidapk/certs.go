package androidapk

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
)

// cert is a signing certificate as far as an APK's identity needs it:
// its DER bytes (whose digests apksigner prints) and its subject. It is
// read with a lenient X.509 structure rather than crypto/x509, which
// refuses certificates that Android accepts (negative serial numbers,
// written by old keytool releases).
type cert struct {
	der       []byte
	rawIssuer []byte
	serial    []byte // content octets of the serial INTEGER
	subject   pkix.Name
	sha256    string
	sha1      string
}

type certLite struct {
	TBS    tbsLite
	SigAlg asn1.RawValue
	Sig    asn1.RawValue
}

type tbsLite struct {
	Version  int `asn1:"optional,explicit,default:0,tag:0"`
	Serial   asn1.RawValue
	SigAlg   asn1.RawValue
	Issuer   asn1.RawValue
	Validity asn1.RawValue
	Subject  asn1.RawValue
	Rest     []asn1.RawValue `asn1:"optional"`
}

// parseCert reads a DER certificate.
func parseCert(der []byte) (*cert, error) {
	var c certLite
	rest, err := asn1.Unmarshal(der, &c)
	if err != nil {
		return nil, fmt.Errorf("not an X.509 certificate: %w", err)
	}
	if len(rest) > 0 {
		return nil, fmt.Errorf("%d bytes after the certificate", len(rest))
	}
	if c.TBS.Serial.Tag != asn1.TagInteger || c.TBS.Serial.Class != asn1.ClassUniversal {
		return nil, errors.New("certificate serial number is not an INTEGER")
	}
	var rdn pkix.RDNSequence
	if rest, err := asn1.Unmarshal(c.TBS.Subject.FullBytes, &rdn); err != nil || len(rest) > 0 {
		return nil, fmt.Errorf("certificate subject is not a name")
	}
	out := &cert{der: der, rawIssuer: c.TBS.Issuer.FullBytes, serial: c.TBS.Serial.Bytes}
	out.subject.FillFromRDNSequence(&rdn)
	s256, s1 := sha256.Sum256(der), sha1.Sum(der)
	out.sha256, out.sha1 = hex.EncodeToString(s256[:]), hex.EncodeToString(s1[:])
	return out, nil
}

// signerName is the subject's organisation, or its common name, as a
// one-attribute distinguished name ("O=Example Ltd"), escaped as RFC
// 4514 says so that attribution splits it correctly.
func (c *cert) signerName() string {
	var n pkix.Name
	switch {
	case len(c.subject.Organization) > 0 && c.subject.Organization[0] != "":
		n.Organization = c.subject.Organization[:1]
	case c.subject.CommonName != "":
		n.CommonName = c.subject.CommonName
	default:
		return ""
	}
	return n.String()
}

// certSet is the distinct certificates of one scheme, in order.
type certSet []*cert

func (s *certSet) add(c *cert) {
	if !s.has(c.sha256) {
		*s = append(*s, c)
	}
}

func (s certSet) has(sum string) bool {
	for _, c := range s {
		if c.sha256 == sum {
			return true
		}
	}
	return false
}

// same reports whether two sets hold the same certificates.
func (s certSet) same(o certSet) bool {
	return s.within(o) && o.within(s)
}

// within reports whether every certificate of s is in o.
func (s certSet) within(o certSet) bool {
	for _, c := range s {
		if !o.has(c.sha256) {
			return false
		}
	}
	return true
}

func (s certSet) String() string {
	out := ""
	for i, c := range s {
		if i > 0 {
			out += ", "
		}
		out += c.sha256[:16] + "…"
	}
	return out
}
