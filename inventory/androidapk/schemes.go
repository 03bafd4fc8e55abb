package androidapk

import (
	"fmt"
)

// A scheme block (v2, v3, v3.1) is, with uint32 length prefixes:
//
//	signers: signer*
//	signer:  signed data, [v3: minSDK, maxSDK,] signatures, public key
//	signed data: digests, certificates (each DER X.509), [v3: minSDK,
//	             maxSDK,] additional attributes (uint32 ID and value)
//
// The first certificate of a signer is its own. In v3 the attribute
// 0x3ba06f8c is the proof-of-rotation: a uint32 version, then
// length-prefixed levels, each holding, within its signed data, the certificate of one key of
// the app's lineage, oldest first.

const (
	attrProofOfRotation = 0x3ba06f8c
	// maxSigners and maxCerts bound what one scheme block may list;
	// real APKs have one signer with one certificate, a few at most.
	maxSigners = 16
	maxCerts   = 16
)

// signer is one signer of a scheme block.
type signer struct {
	cert    []byte   // DER of the signer's certificate
	lineage [][]byte // v3 proof-of-rotation certificates, oldest first
}

// parseScheme reads the signers of a v2 (v3 false) or v3 block.
func parseScheme(block []byte, v3 bool) ([]signer, error) {
	b := lp(block)
	seq, err := b.next()
	if err != nil {
		return nil, fmt.Errorf("signers: %w", err)
	}
	var out []signer
	for len(seq) > 0 {
		if len(out) == maxSigners {
			return nil, fmt.Errorf("more than %d signers", maxSigners)
		}
		raw, err := seq.next()
		if err != nil {
			return nil, fmt.Errorf("signer %d: %w", len(out)+1, err)
		}
		s, err := parseSigner(raw, v3)
		if err != nil {
			return nil, fmt.Errorf("signer %d: %w", len(out)+1, err)
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no signer")
	}
	return out, nil
}

func parseSigner(raw lp, v3 bool) (signer, error) {
	var s signer
	sd, err := raw.next()
	if err != nil {
		return s, fmt.Errorf("signed data: %w", err)
	}
	if _, err := sd.next(); err != nil {
		return s, fmt.Errorf("digests: %w", err)
	}
	certs, err := sd.next()
	if err != nil {
		return s, fmt.Errorf("certificates: %w", err)
	}
	for n := 0; len(certs) > 0; n++ {
		c, err := certs.next()
		if err != nil || n == maxCerts {
			return s, fmt.Errorf("certificate %d: malformed or over %d", n+1, maxCerts)
		}
		if s.cert == nil {
			s.cert = c
		}
	}
	if len(s.cert) == 0 {
		return s, fmt.Errorf("no certificate")
	}
	if !v3 {
		return s, nil
	}
	if _, err := sd.uint32(); err != nil {
		return s, fmt.Errorf("minSDK: %w", err)
	}
	if _, err := sd.uint32(); err != nil {
		return s, fmt.Errorf("maxSDK: %w", err)
	}
	attrs, err := sd.next()
	if err != nil {
		return s, fmt.Errorf("additional attributes: %w", err)
	}
	for len(attrs) > 0 {
		a, err := attrs.next()
		if err != nil {
			return s, fmt.Errorf("additional attribute: %w", err)
		}
		id, err := a.uint32()
		if err != nil {
			return s, fmt.Errorf("additional attribute: %w", err)
		}
		if id == attrProofOfRotation {
			if s.lineage, err = parseLineage(a); err != nil {
				return s, fmt.Errorf("proof-of-rotation: %w", err)
			}
		}
	}
	return s, nil
}

// parseLineage reads the certificates of a proof-of-rotation: a uint32
// version, then the levels to its end, each length-prefixed and holding
// signed data (certificate, signature algorithm), flags, signature
// algorithm and signature.
func parseLineage(levels lp) ([][]byte, error) {
	if _, err := levels.uint32(); err != nil {
		return nil, err
	}
	var out [][]byte
	for len(levels) > 0 {
		if len(out) == maxCerts {
			return nil, fmt.Errorf("more than %d levels", maxCerts)
		}
		level, err := levels.next()
		if err != nil {
			return nil, fmt.Errorf("level %d: %w", len(out)+1, err)
		}
		sd, err := level.next()
		if err != nil {
			return nil, fmt.Errorf("level %d: %w", len(out)+1, err)
		}
		cert, err := sd.next()
		if err != nil || len(cert) == 0 {
			return nil, fmt.Errorf("level %d: no certificate", len(out)+1)
		}
		out = append(out, cert)
	}
	return out, nil
}
