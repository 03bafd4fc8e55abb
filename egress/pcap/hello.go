package pcap

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"
	"strings"
)

// status says whether the first client bytes of a flow are worth more.
type status uint8

const (
	stDone     status = iota // a name found, or none will be
	stNeedMore               // a ClientHello or HTTP header, incomplete
)

// tlsRecordsSNI looks for a ClientHello in the first client bytes of a
// TCP flow. The ClientHello may span TLS records; scratch is a buffer to
// join them. A ClientHello longer than MaxHello is given up on.
func tlsRecordsSNI(b []byte, scratch *[]byte) (string, status, error) {
	var msg []byte // the handshake bytes so far
	joined := false
	for len(b) >= 5 {
		if b[0] != 22 || b[1] != 3 {
			if msg == nil {
				return "", stDone, nil // not TLS
			}
			return "", stDone, errors.New("TLS ClientHello interrupted by another record type")
		}
		n := int(be.Uint16(b[3:]))
		if n == 0 || n > 1<<14 {
			return "", stDone, nil // a plaintext record is at most 2^14 bytes: not TLS
		}
		if len(b) < 5+n {
			break
		}
		frag := b[5 : 5+n]
		b = b[5+n:]
		switch {
		case msg == nil:
			msg = frag
		case !joined:
			*scratch = append(append((*scratch)[:0], msg...), frag...)
			msg, joined = *scratch, true
		default:
			*scratch = append(*scratch, frag...)
			msg = *scratch
		}
		if len(msg) < 4 {
			continue
		}
		if msg[0] != 1 {
			return "", stDone, nil // a handshake, but not a ClientHello
		}
		size := 4 + (int(msg[1])<<16 | int(msg[2])<<8 | int(msg[3]))
		if size > MaxHello {
			return "", stDone, nil
		}
		if len(msg) >= size {
			name, err := clientHelloSNI(msg[4:size])
			return name, stDone, err
		}
	}
	return "", stNeedMore, nil
}

// clientHelloSNI reads the server_name extension of a ClientHello body
// (RFC 8446 4.1.2, RFC 6066 3). A ClientHello without it has no name.
func clientHelloSNI(b []byte) (string, error) {
	c := cursor{b: b}
	c.skip(2 + 32) // legacy_version, random
	c.skip(int(c.u8()))
	c.skip(int(c.u16()))
	c.skip(int(c.u8()))
	if c.bad {
		return "", errors.New("TLS ClientHello cut short before its extensions")
	}
	if len(c.b) == 0 {
		return "", nil
	}
	exts := cursor{b: c.bytes(int(c.u16()))}
	for len(exts.b) > 0 && !exts.bad {
		typ, body := exts.u16(), exts.bytes(int(exts.u16()))
		if typ != 0 || exts.bad {
			continue
		}
		list := cursor{b: body}
		names := cursor{b: list.bytes(int(list.u16()))}
		for len(names.b) > 0 && !names.bad {
			kind, name := names.u8(), names.bytes(int(names.u16()))
			if kind == 0 && !names.bad {
				return hostName(name, "TLS SNI")
			}
		}
		if list.bad || names.bad {
			return "", errors.New("TLS ClientHello server_name extension cut short")
		}
		return "", nil
	}
	if exts.bad || c.bad {
		return "", errors.New("TLS ClientHello extensions cut short")
	}
	return "", nil
}

// cursor reads big-endian fields; reading past the end sets bad.
type cursor struct {
	b   []byte
	bad bool
}

func (c *cursor) bytes(n int) []byte {
	if n > len(c.b) {
		c.bad, c.b = true, nil
		return nil
	}
	v := c.b[:n]
	c.b = c.b[n:]
	return v
}

func (c *cursor) skip(n int) { c.bytes(n) }

func (c *cursor) u8() uint8 {
	if v := c.bytes(1); v != nil {
		return v[0]
	}
	return 0
}

func (c *cursor) u16() uint16 {
	if v := c.bytes(2); v != nil {
		return be.Uint16(v)
	}
	return 0
}

// httpMethods start an HTTP/1.x request.
var httpMethods = []string{"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE "}

// isHTTP reports whether b starts like an HTTP/1.x request.
func isHTTP(b []byte) bool {
	for _, m := range httpMethods {
		if len(b) >= len(m) && string(b[:len(m)]) == m {
			return true
		}
	}
	return false
}

// httpHost finds the Host header of an HTTP/1.x request's header block.
func httpHost(b []byte) (string, status, error) {
	for first := true; ; first = false {
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			return "", stNeedMore, nil
		}
		line := bytes.TrimRight(b[:i], "\r")
		b = b[i+1:]
		if len(line) == 0 {
			return "", stDone, nil // the end of the headers: no Host
		}
		if first || len(line) < 5 || !strings.EqualFold(string(line[:5]), "host:") {
			continue
		}
		v := string(bytes.TrimSpace(line[5:]))
		if strings.HasPrefix(v, "[") { // an IPv6 literal: no name
			return "", stDone, nil
		}
		if i := strings.LastIndexByte(v, ':'); i >= 0 {
			v = v[:i]
		}
		name, err := hostName([]byte(v), "HTTP Host")
		return name, stDone, err
	}
}

// hostName checks and normalises a name a client sent: lower case, no
// trailing dot. An address literal is no name; bytes no host name holds
// are an error, so that odd names are reported rather than passed on.
func hostName(b []byte, what string) (string, error) {
	b = bytes.TrimSuffix(b, []byte("."))
	if len(b) == 0 || len(b) > 253 {
		return "", fmt.Errorf("%s of %d bytes is not a host name", what, len(b))
	}
	if _, err := netip.ParseAddr(string(b)); err == nil {
		return "", nil
	}
	for _, c := range b {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '*') {
			return "", fmt.Errorf("%s %q is not a host name", what, b)
		}
	}
	return strings.ToLower(string(b)), nil
}
