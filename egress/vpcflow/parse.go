package vpcflow

import "net/netip"

// These helpers are the Zeek reader's (egress/zeek/parse.go), repeated
// here to keep the readers independent of one another.

// parseUint reads a decimal count.
func parseUint(b []byte) (uint64, bool) {
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

// parseAddr reads an IP address. IPv4, the common case, is parsed here
// without a copy; anything else goes to netip.ParseAddr, on a copy (a
// string made over the buffer would be unsafe, since an error keeps it).
func parseAddr(b []byte) (netip.Addr, bool) {
	if a, ok := parseIPv4(b); ok {
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

// parseIPv4 reads dotted-quad IPv4, refusing leading zeros as netip does.
// It is unrolled by octet: two addresses a line made the loop that looked
// at every byte alike one of the costliest parts of a conn.log line.
func parseIPv4(b []byte) (netip.Addr, bool) {
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
