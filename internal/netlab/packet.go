//go:build linux

package netlab

import (
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"time"
)

// EtherTypes the watcher decodes.
const (
	EtherTypeIPv4 = 0x0800
	EtherTypeARP  = 0x0806
	EtherTypeIPv6 = 0x86dd
)

// IP protocol numbers the watcher decodes ports for.
const (
	ProtoTCP = 6
	ProtoUDP = 17
)

// Packet is one recorded Ethernet frame with the fields a "no packet
// outside the targets" check needs already decoded.
type Packet struct {
	Time time.Time
	// Outgoing is true for a frame this interface sent, false for one
	// it received.
	Outgoing  bool
	Frame     []byte // the whole frame, from the destination MAC on
	DstMAC    net.HardwareAddr
	SrcMAC    net.HardwareAddr
	EtherType uint16
	// Src and Dst are the IPv4 source and destination; for ARP, the
	// sender's and the target's protocol addresses.
	Src, Dst netip.Addr
	// Proto is the IPv4 protocol; SrcPort and DstPort are set for TCP
	// and UDP (first fragment only).
	Proto            uint8
	SrcPort, DstPort uint16
	// ARPOp is 1 (request) or 2 (reply) for ARP.
	ARPOp uint16
}

// decodeFrame decodes what it can of an Ethernet II frame; anything
// short or unknown is kept with the fields it had room for.
func decodeFrame(b []byte) Packet {
	p := Packet{Frame: append([]byte(nil), b...)}
	if len(b) < 14 {
		return p
	}
	p.DstMAC = net.HardwareAddr(p.Frame[0:6])
	p.SrcMAC = net.HardwareAddr(p.Frame[6:12])
	p.EtherType = binary.BigEndian.Uint16(b[12:14])
	l3 := b[14:]
	switch p.EtherType {
	case EtherTypeARP:
		// htype(2) ptype(2) hlen(1) plen(1) oper(2) sha(6) spa(4) tha(6) tpa(4)
		if len(l3) >= 28 && l3[4] == 6 && l3[5] == 4 {
			p.ARPOp = binary.BigEndian.Uint16(l3[6:8])
			p.Src = netip.AddrFrom4([4]byte(l3[14:18]))
			p.Dst = netip.AddrFrom4([4]byte(l3[24:28]))
		}
	case EtherTypeIPv4:
		if len(l3) < 20 || l3[0]>>4 != 4 {
			return p
		}
		ihl := int(l3[0]&0x0f) * 4
		p.Proto = l3[9]
		p.Src = netip.AddrFrom4([4]byte(l3[12:16]))
		p.Dst = netip.AddrFrom4([4]byte(l3[16:20]))
		fragOffset := binary.BigEndian.Uint16(l3[6:8]) & 0x1fff
		if (p.Proto == ProtoTCP || p.Proto == ProtoUDP) && fragOffset == 0 && ihl >= 20 && len(l3) >= ihl+4 {
			p.SrcPort = binary.BigEndian.Uint16(l3[ihl : ihl+2])
			p.DstPort = binary.BigEndian.Uint16(l3[ihl+2 : ihl+4])
		}
	}
	return p
}

// String summarises the packet in one line for test logs.
func (p Packet) String() string {
	dir := "in "
	if p.Outgoing {
		dir = "out"
	}
	head := fmt.Sprintf("%s %v > %v", dir, p.SrcMAC, p.DstMAC)
	switch {
	case p.EtherType == EtherTypeARP && p.ARPOp == 1:
		return fmt.Sprintf("%s ARP who-has %v tell %v", head, p.Dst, p.Src)
	case p.EtherType == EtherTypeARP:
		return fmt.Sprintf("%s ARP %v is-at %v", head, p.Src, p.SrcMAC)
	case p.EtherType == EtherTypeIPv4 && p.SrcPort != 0:
		return fmt.Sprintf("%s IPv4 proto %d %v:%d > %v:%d", head, p.Proto, p.Src, p.SrcPort, p.Dst, p.DstPort)
	case p.EtherType == EtherTypeIPv4:
		return fmt.Sprintf("%s IPv4 proto %d %v > %v", head, p.Proto, p.Src, p.Dst)
	}
	return fmt.Sprintf("%s ethertype %#04x, %d bytes", head, p.EtherType, len(p.Frame))
}

// netInterface returns the index of an interface of the calling
// thread's namespace (net.InterfaceByName asks over a netlink socket
// created on this thread).
func netInterface(name string) (int, error) {
	ifi, err := net.InterfaceByName(name)
	if err != nil {
		return 0, err
	}
	return ifi.Index, nil
}
