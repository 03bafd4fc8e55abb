package ipa

import (
	"bytes"
	"errors"
	"fmt"
)

// A minimal reader of ASN.1 BER (ITU-T X.690), as far as CMS signatures
// need it. CMS is defined in BER, and streaming signers (openssl cms
// -stream, among others) write indefinite lengths and constructed OCTET
// STRINGs, which encoding/asn1, a DER reader, refuses; the provisioning
// profile in Apple's own Security sources is DER. Both are read.

// tlv is one BER element.
type tlv struct {
	class       int
	tag         int
	constructed bool
	content     []byte // the contents; of an indefinite length, its elements without the end marker
	full        []byte // the whole encoding
}

// ASN.1 universal tags used here.
const (
	tagInteger     = 2
	tagOctetString = 4
	tagOID         = 6
	tagSequence    = 16
	tagSet         = 17
)

func (t tlv) is(class, tag int) bool { return t.class == class && t.tag == tag }

// universal reports whether t is the universal type tag.
func (t tlv) universal(tag int) bool { return t.is(0, tag) }

var errDepth = errors.New("BER nested too deeply")

// parseTLV reads the element at the start of b and returns it with the
// bytes after it. depth bounds the nesting of indefinite lengths, the
// only case where finding an element's end means reading inside it.
func parseTLV(b []byte, depth int) (tlv, []byte, error) {
	var t tlv
	if len(b) < 2 {
		return t, nil, errors.New("BER element truncated")
	}
	t.class, t.constructed, t.tag = int(b[0]>>6), b[0]&0x20 != 0, int(b[0]&0x1f)
	i := 1
	if t.tag == 0x1f {
		t.tag = 0
		for ; ; i++ {
			if i >= len(b) || i > 4 {
				return t, nil, errors.New("BER tag number too long")
			}
			t.tag = t.tag<<7 | int(b[i]&0x7f)
			if b[i]&0x80 == 0 {
				i++
				break
			}
		}
	}
	if i >= len(b) {
		return t, nil, errors.New("BER length missing")
	}
	l := int(b[i])
	i++
	switch {
	case l == 0x80:
		if !t.constructed {
			return t, nil, errors.New("BER indefinite length of a primitive element")
		}
		if depth <= 0 {
			return t, nil, errDepth
		}
		rest := b[i:]
		for {
			if len(rest) >= 2 && rest[0] == 0 && rest[1] == 0 {
				end := len(b) - len(rest)
				t.content, t.full = b[i:end], b[:end+2]
				return t, rest[2:], nil
			}
			var err error
			if _, rest, err = parseTLV(rest, depth-1); err != nil {
				return t, nil, err
			}
		}
	case l > 0x80:
		n := l & 0x7f
		if n > 4 || i+n > len(b) {
			return t, nil, fmt.Errorf("BER length of %d bytes", n)
		}
		l = 0
		for _, c := range b[i : i+n] {
			l = l<<8 | int(c)
		}
		i += n
	}
	if l > len(b)-i {
		return t, nil, fmt.Errorf("BER element of %d bytes, %d left", l, len(b)-i)
	}
	t.content, t.full = b[i:i+l], b[:i+l]
	return t, b[i+l:], nil
}

// children reads the elements inside a constructed element.
func children(t tlv, depth int) ([]tlv, error) {
	if !t.constructed {
		return nil, errors.New("BER: elements inside a primitive element")
	}
	var out []tlv
	for rest := t.content; len(rest) > 0; {
		var c tlv
		var err error
		if c, rest, err = parseTLV(rest, depth-1); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// octets is the value of an OCTET STRING, joining the pieces of a
// constructed one.
func octets(t tlv, depth int) ([]byte, error) {
	if !t.universal(tagOctetString) {
		return nil, fmt.Errorf("BER: tag %d where an OCTET STRING was expected", t.tag)
	}
	if !t.constructed {
		return t.content, nil
	}
	if depth <= 0 {
		return nil, errDepth
	}
	parts, err := children(t, depth)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	for _, p := range parts {
		b, err := octets(p, depth-1)
		if err != nil {
			return nil, err
		}
		out.Write(b)
	}
	return out.Bytes(), nil
}
