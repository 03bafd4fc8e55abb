package trustca

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"

	"github.com/embargo-dev/embargo/inventory"
)

// maxFile bounds one certificate file. Bundles of every root a
// distribution trusts are a few hundred kilobytes; p11-kit's source
// bundle with its trust attributes, about a megabyte.
const maxFile = 16 << 20

// cert is one certificate of a file, with where it starts.
type cert struct {
	x      *x509.Certificate
	sum    [sha256.Size]byte // of the DER encoding
	line   int               // 1-based line of its PEM block; 0 for DER
	offset int64
}

// readFile reads the certificates of a file of the target.
func readFile(t *inventory.Target, p string, lim inventory.Limits) ([]cert, []inventory.Unknown, error) {
	name := t.Display(p)
	limit := int64(maxFile)
	if lim.MaxBytes > 0 {
		limit = min(limit, lim.MaxBytes)
	}
	fh, err := t.FS.Open(p)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	data, err := inventory.ReadAll(fh, limit)
	if err != nil {
		return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: err}
	}
	return parseCerts(name, data, lim)
}

var (
	pemBegin = []byte("-----BEGIN ")
	// certTypes are the PEM block types that hold a certificate;
	// OpenSSL's TRUSTED CERTIFICATE appends trust settings after it.
	certTypes = map[string]bool{"CERTIFICATE": true, "TRUSTED CERTIFICATE": true, "X509 CERTIFICATE": true}
)

// parseCerts reads PEM certificates (other PEM blocks, and the text
// around them such as p11-kit's attributes, are passed over), or else one
// DER certificate. A block that does not parse is an Unknown; a file in
// which no certificate is found is an error.
func parseCerts(name string, data []byte, lim inventory.Limits) ([]cert, []inventory.Unknown, error) {
	if !bytes.Contains(data, pemBegin) {
		der, err := firstElement(data)
		if err == nil {
			var x *x509.Certificate
			if x, err = x509.ParseCertificate(der); err == nil {
				return []cert{{x: x, sum: sha256.Sum256(der)}}, nil, nil
			}
		}
		return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: fmt.Errorf("neither a PEM nor a DER certificate: %w", err)}
	}
	var certs []cert
	var unknowns []inventory.Unknown
	rest, blocks := data, 0
	for {
		consumed := len(data) - len(rest)
		block, next := pem.Decode(rest)
		if block == nil {
			break
		}
		end := len(data) - len(next)
		start := consumed + max(bytes.LastIndex(data[consumed:end], pemBegin), 0)
		rest = next
		if !certTypes[block.Type] {
			continue
		}
		if blocks++; lim.MaxItems > 0 && blocks > lim.MaxItems {
			return nil, nil, &inventory.InputError{Source: name, Offset: int64(start), Err: fmt.Errorf("more than %d certificates", lim.MaxItems)}
		}
		line, _ := inventory.LineCol(data, int64(start))
		der, err := firstElement(block.Bytes)
		var x *x509.Certificate
		if err == nil {
			x, err = x509.ParseCertificate(der)
		}
		if err != nil {
			unknowns = append(unknowns, inventory.Unknown{
				Location: inventory.Location{Source: name, Line: line, Offset: int64(start)},
				Reason:   fmt.Sprintf("%s block that does not parse: %v", block.Type, err),
			})
			continue
		}
		certs = append(certs, cert{x: x, sum: sha256.Sum256(der), line: line, offset: int64(start)})
	}
	if len(certs) == 0 && len(unknowns) == 0 {
		return nil, nil, &inventory.InputError{Source: name, Offset: -1, Err: errors.New("no certificate in the file")}
	}
	return certs, unknowns, nil
}

// firstElement returns the first DER element of b: the certificate of an
// OpenSSL TRUSTED CERTIFICATE, which its trust settings follow.
func firstElement(b []byte) ([]byte, error) {
	var raw asn1.RawValue
	if _, err := asn1.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	return raw.FullBytes, nil
}

// item describes a certificate found in file name (path as on the
// target). The subject, and the issuer when another authority signed it,
// are CA subjects that attribution matches against the catalogue's
// TLS-interception authorities.
func (c cert) item(name, path, host string) inventory.Item {
	x := c.x
	it := inventory.Item{
		Type:      inventory.Certificate,
		Ecosystem: "trust-store",
		Name:      x.Subject.CommonName,
		Location: inventory.Location{Source: name, Line: c.line, Offset: c.offset, Host: host,
			Ref: "sha256:" + hex.EncodeToString(c.sum[:])},
	}
	if it.Name == "" {
		it.Name = x.Subject.String()
	}
	if it.Name == "" {
		it.Name = "certificate " + it.Location.Ref // an empty subject
	}
	it.Add(inventory.CASubject, x.Subject.String())
	if !bytes.Equal(x.RawIssuer, x.RawSubject) {
		it.Add(inventory.CASubject, x.Issuer.String())
	}
	it.Add(inventory.Path, path)
	return it
}

// authorities keeps the certificates that can act as a root: CAs, and
// self-signed certificates without basic constraints (version 1 roots).
func authorities(certs []cert) []cert {
	out := certs[:0]
	for _, c := range certs {
		if c.x.IsCA || !c.x.BasicConstraintsValid && bytes.Equal(c.x.RawIssuer, c.x.RawSubject) {
			out = append(out, c)
		}
	}
	return out
}

// unexplained keeps the certificates not found in any trust source.
func unexplained(certs []cert, known map[[sha256.Size]byte]bool) []cert {
	out := certs[:0]
	for _, c := range certs {
		if !known[c.sum] {
			out = append(out, c)
		}
	}
	return out
}
