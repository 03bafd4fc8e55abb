package pcap

import (
	"encoding/binary"
	"net/netip"

	"github.com/embargo-dev/embargo/egress"
)

// Link types (https://www.tcpdump.org/linktypes.html) decoded.
const (
	linkNull     = 0   // BSD loopback: 4-byte address family, host byte order
	linkEthernet = 1   //
	linkRawOld   = 12  // DLT_RAW as some systems wrote it
	linkRawOld2  = 14  //
	linkRaw      = 101 // raw IPv4 or IPv6
	linkLoop     = 108 // OpenBSD loopback: address family, network byte order
	linkSLL      = 113 // Linux cooked capture
	linkIPv4     = 228
	linkIPv6     = 229
	linkSLL2     = 276 // Linux cooked capture v2 (tcpdump -i any)
)

// verdict is what decoding a frame came to.
type verdict uint8

const (
	decIP          verdict = iota // an IP packet for the flow table
	decNonIP                      // no IP inside (ARP, LLDP, ...)
	decFragment                   // an IP fragment: counted only
	decUnknownLink                // a link type not decoded
	decMalformed                  // reason says why
)

// packet is a decoded IP packet. payload aliases the frame.
type packet struct {
	src, dst     netip.Addr
	sport, dport uint16
	proto        uint8
	tcpFlags     uint8
	seq          uint32
	ipLen        int // IP total length: what flows count
	payload      []byte
}

// TCP flags.
const (
	tcpFIN = 0x01
	tcpSYN = 0x02
	tcpRST = 0x04
	tcpACK = 0x10
)

var be = binary.BigEndian

// decode reads one frame of the given link type. On decMalformed, the
// reason is a constant string: the hot path allocates nothing.
func decode(link uint32, b []byte, p *packet) (verdict, string) {
	switch link {
	case linkEthernet:
		if len(b) < 14 {
			return decMalformed, "Ethernet header cut short"
		}
		return etherType(be.Uint16(b[12:]), b[14:], p)
	case linkSLL:
		if len(b) < 16 {
			return decMalformed, "Linux cooked header cut short"
		}
		return etherType(be.Uint16(b[14:]), b[16:], p)
	case linkSLL2:
		if len(b) < 20 {
			return decMalformed, "Linux cooked v2 header cut short"
		}
		return etherType(be.Uint16(b), b[20:], p)
	case linkRaw, linkRawOld, linkRawOld2, linkIPv4, linkIPv6:
		if len(b) == 0 {
			return decMalformed, "empty raw IP frame"
		}
		switch b[0] >> 4 {
		case 4:
			return ipv4(b, p)
		case 6:
			return ipv6(b, p)
		}
		return decMalformed, "raw IP frame of neither version 4 nor 6"
	case linkNull, linkLoop:
		if len(b) < 4 {
			return decMalformed, "loopback header cut short"
		}
		// The family was written in the capturing host's byte order
		// (DLT_NULL) or in network order (DLT_LOOP): whichever reading is
		// small is the right one.
		fam := binary.LittleEndian.Uint32(b)
		if fam > 0xffff {
			fam = be.Uint32(b)
		}
		switch fam {
		case 2:
			return ipv4(b[4:], p)
		case 10, 24, 28, 30: // AF_INET6 on Linux, NetBSD/OpenBSD, FreeBSD, Darwin
			return ipv6(b[4:], p)
		}
		return decNonIP, ""
	}
	return decUnknownLink, ""
}

// etherType follows up to four VLAN tags (802.1Q, 802.1ad QinQ) to IP.
func etherType(et uint16, b []byte, p *packet) (verdict, string) {
	for range 4 {
		switch et {
		case 0x0800:
			return ipv4(b, p)
		case 0x86dd:
			return ipv6(b, p)
		case 0x8100, 0x88a8, 0x9100:
			if len(b) < 4 {
				return decMalformed, "VLAN tag cut short"
			}
			et, b = be.Uint16(b[2:]), b[4:]
		default:
			return decNonIP, ""
		}
	}
	return decMalformed, "more than 3 VLAN tags"
}

func ipv4(b []byte, p *packet) (verdict, string) {
	if len(b) < 20 {
		return decMalformed, "IPv4 header cut short"
	}
	if b[0]>>4 != 4 {
		return decMalformed, "IPv4 frame holds another IP version"
	}
	hl := int(b[0]&0x0f) * 4
	if hl < 20 {
		return decMalformed, "IPv4 header length below 20"
	}
	if len(b) < hl {
		return decMalformed, "IPv4 options cut short"
	}
	total := int(be.Uint16(b[2:]))
	switch {
	case total == 0:
		// Segmentation offload hands the capture a packet before its
		// length is filled in: what was captured is all there is.
		total = len(b)
	case total < hl:
		return decMalformed, "IPv4 total length below its header length"
	}
	if be.Uint16(b[6:])&0x3fff != 0 { // more fragments, or an offset
		return decFragment, ""
	}
	p.proto = b[9]
	p.src = netip.AddrFrom4([4]byte(b[12:16]))
	p.dst = netip.AddrFrom4([4]byte(b[16:20]))
	p.ipLen = total
	return transport(b[hl:min(total, len(b))], p)
}

// ipv6 follows the extension headers to the transport header.
func ipv6(b []byte, p *packet) (verdict, string) {
	if len(b) < 40 {
		return decMalformed, "IPv6 header cut short"
	}
	if b[0]>>4 != 6 {
		return decMalformed, "IPv6 frame holds another IP version"
	}
	total := 40 + int(be.Uint16(b[4:]))
	if total == 40 {
		total = max(total, len(b)) // a jumbogram, or offload as for IPv4
	}
	p.src = netip.AddrFrom16([16]byte(b[8:24]))
	p.dst = netip.AddrFrom16([16]byte(b[24:40]))
	p.ipLen = total
	next, rest := b[6], b[40:min(total, len(b))]
	for range 8 {
		switch next {
		case 0, 43, 60, 135, 139, 140: // hop-by-hop, routing, destination, mobility, HIP, shim6
			if len(rest) < 8 || len(rest) < (int(rest[1])+1)*8 {
				return decMalformed, "IPv6 extension header cut short"
			}
			next, rest = rest[0], rest[(int(rest[1])+1)*8:]
		case 51: // authentication header: length in 4-byte units, less 2
			if len(rest) < 8 || len(rest) < (int(rest[1])+2)*4 {
				return decMalformed, "IPv6 authentication header cut short"
			}
			next, rest = rest[0], rest[(int(rest[1])+2)*4:]
		case 44:
			if len(rest) < 8 {
				return decMalformed, "IPv6 fragment header cut short"
			}
			// An atomic fragment (offset 0, no more fragments) is a whole
			// packet (RFC 6946).
			if be.Uint16(rest[2:])&0xfff9 != 0 {
				return decFragment, ""
			}
			next, rest = rest[0], rest[8:]
		default:
			p.proto = next
			return transport(rest, p)
		}
	}
	return decMalformed, "more than 8 IPv6 extension headers"
}

// transport reads ports, TCP flags and the payload. A TCP header whose
// options were cut by the snap length still gives ports and flags.
func transport(b []byte, p *packet) (verdict, string) {
	p.sport, p.dport, p.tcpFlags, p.seq, p.payload = 0, 0, 0, 0, nil
	switch p.proto {
	case egress.TCP:
		if len(b) < 20 {
			return decMalformed, "TCP header cut short"
		}
		off := int(b[12]>>4) * 4
		if off < 20 {
			return decMalformed, "TCP data offset below 20"
		}
		p.sport, p.dport = be.Uint16(b), be.Uint16(b[2:])
		p.seq, p.tcpFlags = be.Uint32(b[4:]), b[13]
		if off <= len(b) {
			p.payload = b[off:]
		}
	case egress.UDP:
		if len(b) < 8 {
			return decMalformed, "UDP header cut short"
		}
		p.sport, p.dport = be.Uint16(b), be.Uint16(b[2:])
		if n := int(be.Uint16(b[4:])); n >= 8 && n < len(b) {
			b = b[:n]
		}
		p.payload = b[8:]
	}
	return decIP, ""
}
