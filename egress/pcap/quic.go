package pcap

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
)

// QUIC v1 Initial packets (RFC 9000 17.2.2) are encrypted with keys
// anyone can derive from the Destination Connection ID (RFC 9001 5.2):
// the client's first flight, its ClientHello included, is readable on
// the wire. Only v1 is read; other versions are left alone.

// quicV1Salt is initial_salt of RFC 9001 5.2.
var quicV1Salt = []byte{0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a}

// isQUICInitial reports whether b starts with a QUIC v1 long header of
// the Initial type.
func isQUICInitial(b []byte) bool {
	return len(b) >= 7 && b[0]&0xf0 == 0xc0 && be.Uint32(b[1:]) == 1
}

// quicKeys protect a client's Initial packets.
type quicKeys struct {
	aead cipher.AEAD
	iv   []byte
	hp   cipher.Block
}

// clientInitialKeys derives the client's Initial keys for a DCID.
func clientInitialKeys(dcid []byte) (quicKeys, error) {
	initial, err := hkdf.Extract(sha256.New, dcid, quicV1Salt)
	if err != nil {
		return quicKeys{}, err
	}
	secret := expandLabel(initial, "client in", sha256.Size)
	block, err := aes.NewCipher(expandLabel(secret, "quic key", 16))
	if err != nil {
		return quicKeys{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return quicKeys{}, err
	}
	hp, err := aes.NewCipher(expandLabel(secret, "quic hp", 16))
	if err != nil {
		return quicKeys{}, err
	}
	return quicKeys{aead: aead, iv: expandLabel(secret, "quic iv", 12), hp: hp}, nil
}

// expandLabel is HKDF-Expand-Label of TLS 1.3 (RFC 8446 7.1), empty context.
func expandLabel(secret []byte, label string, n int) []byte {
	info := []byte{byte(n >> 8), byte(n), byte(6 + len(label))}
	info = append(append(append(info, "tls13 "...), label...), 0)
	out, err := hkdf.Expand(sha256.New, secret, string(info), n)
	if err != nil {
		panic(err) // only for n beyond 255 hash lengths: never, n is a constant
	}
	return out
}

// openInitial removes header protection from a client Initial at the
// start of a datagram and decrypts its payload: the frames, appended to
// plain. hdr is scratch for the unprotected header.
func openInitial(b []byte, hdr, plain *[]byte) ([]byte, error) {
	c := cursor{b: b[5:]}
	dcid := c.bytes(int(c.u8()))
	scid := c.bytes(int(c.u8()))
	c.skip(int(varint(&c))) // the token
	length := varint(&c)
	switch {
	case c.bad:
		return nil, errors.New("QUIC Initial header cut short")
	case len(dcid) > 20 || len(scid) > 20:
		return nil, fmt.Errorf("QUIC Initial connection ID of %d bytes, above 20", max(len(dcid), len(scid)))
	case length > uint64(len(c.b)):
		return nil, fmt.Errorf("QUIC Initial length %d exceeds the %d bytes left in its datagram", length, len(c.b))
	case length < 20:
		return nil, fmt.Errorf("QUIC Initial length %d is too short to sample", length)
	}
	pnOff := len(b) - len(c.b)
	keys, err := clientInitialKeys(dcid)
	if err != nil {
		return nil, err
	}
	var mask [16]byte
	keys.hp.Encrypt(mask[:], b[pnOff+4:pnOff+20])
	h := append((*hdr)[:0], b[:pnOff+4]...)
	*hdr = h
	h[0] ^= mask[0] & 0x0f
	pnLen := int(h[0]&3) + 1
	var nonce [12]byte
	copy(nonce[:], keys.iv)
	for i := range pnLen {
		h[pnOff+i] ^= mask[1+i]
		nonce[12-pnLen+i] ^= h[pnOff+i]
	}
	out, err := keys.aead.Open((*plain)[:0], nonce[:], b[pnOff+pnLen:pnOff+int(length)], h[:pnOff+pnLen])
	if err != nil {
		return nil, fmt.Errorf("QUIC Initial does not decrypt with the keys of its connection ID: %v", err)
	}
	*plain = out
	return out, nil
}

// varint reads a QUIC variable-length integer (RFC 9000 16).
func varint(c *cursor) uint64 {
	first := c.bytes(1)
	if first == nil {
		return 0
	}
	n := 1 << (first[0] >> 6)
	v := uint64(first[0] & 0x3f)
	for _, x := range c.bytes(n - 1) {
		v = v<<8 | uint64(x)
	}
	return v
}

// cryptoFlow reassembles the CRYPTO stream of a flow's Initials: frames
// may come in any order, within MaxHello bytes.
type cryptoFlow struct {
	buf  []byte
	have []span // received ranges, sorted, merged
}

type span struct{ from, to int }

// cryptoFrames adds the CRYPTO frames of a decrypted Initial to the
// stream. Initials carry only PADDING, PING, ACK, CRYPTO and
// CONNECTION_CLOSE (RFC 9000 17.2.2).
func (r *run) cryptoFrames(s *cryptoFlow, p []byte) error {
	c := cursor{b: p}
	for len(c.b) > 0 && !c.bad {
		switch t := varint(&c); t {
		case 0x00, 0x01: // PADDING, PING
		case 0x02, 0x03: // ACK: largest, delay, range count, first range, ranges, ECN counts
			varint(&c)
			varint(&c)
			n := varint(&c)
			varint(&c)
			for i := uint64(0); i < n && !c.bad; i++ {
				varint(&c)
				varint(&c)
			}
			if t == 0x03 {
				varint(&c)
				varint(&c)
				varint(&c)
			}
		case 0x06:
			off, n := varint(&c), varint(&c)
			data := c.bytes(int(min(n, uint64(len(c.b)+1))))
			if c.bad {
				break
			}
			if off+n > MaxHello || len(s.have) >= 64 {
				return nil // a ClientHello this long or this scattered is given up on
			}
			if !r.table.grow(&s.buf, int(off+n)) {
				r.stats.Unbuffered++
				return nil
			}
			copy(s.buf[off:], data)
			s.add(int(off), int(off+n))
		case 0x1c, 0x1d:
			return nil // CONNECTION_CLOSE: nothing more follows
		default:
			return fmt.Errorf("QUIC Initial carries frame type %#x", t)
		}
	}
	if c.bad {
		return errors.New("QUIC Initial frame cut short")
	}
	return nil
}

// add merges a received range into have.
func (s *cryptoFlow) add(from, to int) {
	out := s.have[:0:0]
	for _, h := range s.have {
		if h.to < from || to < h.from {
			out = append(out, h)
			continue
		}
		from, to = min(from, h.from), max(to, h.to)
	}
	out = append(out, span{from, to})
	for i := len(out) - 1; i > 0 && out[i].from < out[i-1].from; i-- {
		out[i], out[i-1] = out[i-1], out[i]
	}
	s.have = out
}

// contiguous is the stream's prefix received without holes.
func (s *cryptoFlow) contiguous() []byte {
	if len(s.have) == 0 || s.have[0].from != 0 {
		return nil
	}
	return s.buf[:s.have[0].to]
}
