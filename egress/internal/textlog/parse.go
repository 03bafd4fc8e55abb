package textlog

import (
	"net/netip"
	"time"
)

// The parsers below are hand-written loops over bytes because conn.log is
// the hot path: strconv and netip want strings, and making one copies.

// ParseUint reads a decimal count.
func ParseUint(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		d := uint64(c - '0')
		if d > 9 || n > (1<<64-1-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// parsePort reads a port (or an ICMP type or code), 0 to 65535.

func ParseAddr(b []byte) (netip.Addr, bool) {
	if a, ok := ParseIPv4(b); ok {
		return a, true
	}
	for _, c := range b {
		if c == ':' {
			a, err := netip.ParseAddr(string(b))
			return a, err == nil
		}
	}
	return netip.Addr{}, false
}

// ParseIPv4 reads dotted-quad IPv4, refusing leading zeros as netip does.
// It is unrolled by octet: two addresses a line made the loop that looked
// at every byte alike one of the costliest parts of a conn.log line.
func ParseIPv4(b []byte) (netip.Addr, bool) {
	var ip [4]byte
	i := 0
	for k := range ip {
		if k > 0 {
			if i >= len(b) || b[i] != '.' {
				return netip.Addr{}, false
			}
			i++
		}
		if i >= len(b) || b[i]-'0' > 9 {
			return netip.Addr{}, false
		}
		v := uint(b[i] - '0')
		i++
		if i < len(b) && b[i]-'0' <= 9 {
			if v == 0 {
				return netip.Addr{}, false // a leading zero
			}
			v = v*10 + uint(b[i]-'0')
			i++
			if i < len(b) && b[i]-'0' <= 9 {
				v = v*10 + uint(b[i]-'0')
				i++
			}
		}
		if v > 255 {
			return netip.Addr{}, false
		}
		ip[k] = byte(v)
	}
	if i != len(b) {
		return netip.Addr{}, false
	}
	return netip.AddrFrom4(ip), true
}

// ParseISOTime reads an RFC 3339 time as JSON writers set to ISO 8601
// give it ("2020-08-16T06:26:03.553287Z"); the zone may be Z, +hh:mm,
// +hhmm or absent (UTC).
func ParseISOTime(b []byte) (time.Time, bool) {
	num := func(s []byte) (int, bool) {
		n := 0
		for _, c := range s {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	y, ok1 := num(b[0:4])
	mo, ok2 := num(b[5:7])
	d, ok3 := num(b[8:10])
	h, ok4 := num(b[11:13])
	mi, ok5 := num(b[14:16])
	s, ok6 := num(b[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 {
		return time.Time{}, false
	}
	rest := b[19:]
	nsec := 0
	if len(rest) > 0 && rest[0] == '.' {
		i, scale := 1, 100_000_000
		for ; i < len(rest) && rest[i] >= '0' && rest[i] <= '9'; i++ {
			nsec += int(rest[i]-'0') * scale
			scale /= 10
		}
		if i == 1 {
			return time.Time{}, false
		}
		rest = rest[i:]
	}
	offset := 0
	switch {
	case len(rest) == 0, len(rest) == 1 && rest[0] == 'Z':
	case rest[0] == '+' || rest[0] == '-':
		z := rest[1:]
		if len(z) == 5 && z[2] == ':' {
			z = append(z[:2:2], z[3:]...)
		}
		hh, ok1 := num(z[:min(2, len(z))])
		mm, ok2 := num(z[min(2, len(z)):])
		if len(z) != 4 || !ok1 || !ok2 || hh > 23 || mm > 59 {
			return time.Time{}, false
		}
		offset = hh*3600 + mm*60
		if rest[0] == '-' {
			offset = -offset
		}
	default:
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, s, nsec, time.UTC)
	if t.Day() != d {
		return time.Time{}, false // 31 April and the like
	}
	return t.Add(-time.Duration(offset) * time.Second), true
}

// HostOnly strips a port from an HTTP Host header value, and the
// brackets from an IPv6 literal.
func HostOnly(b []byte) []byte {
	if len(b) > 0 && b[0] == '[' {
		for i, c := range b {
			if c == ']' {
				return b[1:i]
			}
		}
		return b
	}
	for i := len(b) - 1; i >= 0; i-- {
		switch c := b[i]; {
		case c == ':':
			return b[:i]
		case c < '0' || c > '9':
			return b
		}
	}
	return b
}

// MaxNames bounds the interned Names; past it the table starts afresh.
const MaxNames = 1 << 14

// Names turns name bytes into lower-case strings without a trailing dot,
// handing out one string per distinct name, so that a log naming the
// same few hosts a million times makes a few strings, not a million.
type Names struct {
	m   map[string]string
	buf []byte
}

func (n *Names) Intern(b []byte) string {
	n.buf = n.buf[:0]
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		n.buf = append(n.buf, c)
	}
	for len(n.buf) > 0 && n.buf[len(n.buf)-1] == '.' {
		n.buf = n.buf[:len(n.buf)-1]
	}
	if s, ok := n.m[string(n.buf)]; ok {
		return s
	}
	if n.m == nil || len(n.m) >= MaxNames {
		n.m = make(map[string]string)
	}
	s := string(n.buf)
	n.m[s] = s
	return s
}
