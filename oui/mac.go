package oui

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// MAC is a 48-bit MAC address (EUI-48), octets in transmission order.
type MAC [6]byte

// ErrMAC is wrapped by ParseMAC's errors.
var ErrMAC = errors.New("not a 48-bit MAC address")

// ParseMAC reads a MAC address in any of the forms inventories print,
// upper or lower case, surrounding white space ignored:
//
//	00:11:22:33:44:55  colons (an octet may be one digit, as BSD and
//	                   macOS print them: 0:11:22:3:44:55)
//	00-11-22-33-44-55  hyphens (IEEE's own form, Windows)
//	0011.2233.4455     three groups of four digits (Cisco IOS)
//	001122334455       twelve digits
//
// Anything else — another length (EUI-64, InfiniBand), mixed
// separators, a non-hex digit — is an error wrapping ErrMAC.
func ParseMAC(s string) (MAC, error) {
	var m MAC
	// The common forms first, without the general path's scanning.
	if len(s) == 17 && (s[2] == ':' || s[2] == '-') {
		sep, ok := s[2], true
		for i := range 6 {
			hi, lo := hexval[s[3*i]], hexval[s[3*i+1]]
			if hi|lo > 0xF || i < 5 && s[3*i+2] != sep {
				ok = false
				break
			}
			m[i] = hi<<4 | lo
		}
		if ok {
			return m, nil
		}
	}
	t := strings.TrimSpace(s)
	ok := false
	switch {
	case strings.Count(t, ":") == 5 && len(t) <= 17:
		ok = true
		rest := t
		for i := range 6 {
			part := rest
			if i < 5 {
				part, rest, _ = strings.Cut(rest, ":")
			}
			if len(part) == 1 {
				m[i], ok = unhex(part[0])
			} else {
				ok = hexInto(m[i:i+1], part)
			}
			if !ok {
				break
			}
		}
	case len(t) == 12:
		ok = hexInto(m[:], t)
	case len(t) == 14 && t[4] == '.' && t[9] == '.':
		ok = hexInto(m[:2], t[:4]) && hexInto(m[2:4], t[5:9]) && hexInto(m[4:], t[10:])
	case len(t) == 17 && t[2] == '-':
		ok = true
		for i := range 6 {
			if i < 5 && t[3*i+2] != '-' || !hexInto(m[i:i+1], t[3*i:3*i+2]) {
				ok = false
				break
			}
		}
	}
	if !ok {
		return MAC{}, fmt.Errorf("%.40q: %w", s, ErrMAC)
	}
	return m, nil
}

// hexInto decodes exactly 2*len(dst) hex digits of s into dst.
func hexInto(dst []byte, s string) bool {
	if len(s) != 2*len(dst) {
		return false
	}
	for i := range dst {
		hi, ok1 := unhex(s[2*i])
		lo, ok2 := unhex(s[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func unhex(c byte) (byte, bool) {
	v := hexval[c]
	return v, v <= 0xF
}

// hexval is each byte's value as a hex digit, 0xFF for none.
var hexval = func() (t [256]byte) {
	for i := range t {
		t[i] = 0xFF
	}
	for i, c := range "0123456789abcdef" {
		t[c] = byte(i)
		t[unicode.ToUpper(c)] = byte(i)
	}
	return t
}()

// String is m in lower-case colon form, 00:11:22:33:44:55.
func (m MAC) String() string {
	const digits = "0123456789abcdef"
	b := make([]byte, 0, 17)
	for i, x := range m {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, digits[x>>4], digits[x&0xF])
	}
	return string(b)
}

// Local reports whether m is locally administered (the U/L bit, 0x02 of
// the first octet): assigned by software, not from an IEEE block.
func (m MAC) Local() bool { return m[0]&2 != 0 }

// Group reports whether m is a group (multicast or broadcast) address
// (the I/G bit, 0x01 of the first octet).
func (m MAC) Group() bool { return m[0]&1 != 0 }
