package pcap

import (
	"bytes"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Synthetic packets for the cases a live capture cannot produce on
// demand (idle timeouts, port reuse, fragments), encoded by gopacket's
// serialisers and written by its pcap writer: independent of the code
// under test.

var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// tpkt is one synthetic packet.
type tpkt struct {
	at       time.Duration // after t0
	src, dst string        // address:port
	proto    string        // "tcp", "udp", "icmp"
	flags    string        // TCP flags among "SAFRP"
	seq      uint32
	data     []byte
	// frag sets IPv4 more-fragments; v6frag adds an IPv6 fragment header
	// with that offset and M flag (atomic when both are zero).
	frag   bool
	v6frag *layers.IPv6Fragment
}

// ipLayers serialises p from the IP header on.
func ipLayers(t testing.TB, p tpkt) []gopacket.SerializableLayer {
	t.Helper()
	src, dst := netip.MustParseAddrPort(p.src), netip.MustParseAddrPort(p.dst)
	var ip gopacket.NetworkLayer
	var ls []gopacket.SerializableLayer
	var proto layers.IPProtocol
	switch p.proto {
	case "tcp":
		proto = layers.IPProtocolTCP
	case "udp":
		proto = layers.IPProtocolUDP
	default:
		proto = layers.IPProtocolICMPv4
	}
	if src.Addr().Is4() {
		v4 := &layers.IPv4{Version: 4, TTL: 64, Protocol: proto, SrcIP: net.IP(src.Addr().AsSlice()), DstIP: net.IP(dst.Addr().AsSlice())}
		if p.frag {
			v4.Flags = layers.IPv4MoreFragments
		}
		ip = v4
		ls = append(ls, v4)
	} else {
		v6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: proto, SrcIP: net.IP(src.Addr().AsSlice()), DstIP: net.IP(dst.Addr().AsSlice())}
		ip = v6
		ls = append(ls, v6)
		if p.v6frag != nil {
			v6.NextHeader = layers.IPProtocolIPv6Fragment
			p.v6frag.NextHeader = proto
			ls = append(ls, p.v6frag)
		}
	}
	switch p.proto {
	case "tcp":
		tcp := &layers.TCP{SrcPort: layers.TCPPort(src.Port()), DstPort: layers.TCPPort(dst.Port()), Seq: p.seq, Window: 1024,
			SYN: strings.Contains(p.flags, "S"), ACK: strings.Contains(p.flags, "A"), FIN: strings.Contains(p.flags, "F"),
			RST: strings.Contains(p.flags, "R"), PSH: strings.Contains(p.flags, "P")}
		tcp.SetNetworkLayerForChecksum(ip)
		ls = append(ls, tcp)
	case "udp":
		udp := &layers.UDP{SrcPort: layers.UDPPort(src.Port()), DstPort: layers.UDPPort(dst.Port())}
		udp.SetNetworkLayerForChecksum(ip)
		ls = append(ls, udp)
	default:
		ls = append(ls, &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(8, 0)})
	}
	return append(ls, gopacket.Payload(p.data))
}

func serialize(t testing.TB, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// ethernet frames p.
func ethernet(t testing.TB, p tpkt) []byte {
	t.Helper()
	et := layers.EthernetTypeIPv4
	if netip.MustParseAddrPort(p.src).Addr().Is6() {
		et = layers.EthernetTypeIPv6
	}
	eth := &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: et}
	return serialize(t, append([]gopacket.SerializableLayer{eth}, ipLayers(t, p)...)...)
}

// capture writes packets as an Ethernet pcap.
func capture(t testing.TB, pkts ...tpkt) []byte {
	t.Helper()
	frames := make([][]byte, len(pkts))
	for i, p := range pkts {
		frames[i] = ethernet(t, p)
	}
	return writePcap(t, layers.LinkTypeEthernet, pkts, frames)
}

func writePcap(t testing.TB, link layers.LinkType, pkts []tpkt, frames [][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := pcapgo.NewWriter(&buf)
	if err := w.WriteFileHeader(65535, link); err != nil {
		t.Fatal(err)
	}
	for i, f := range frames {
		ci := gopacket.CaptureInfo{Timestamp: t0.Add(pkts[i].at), CaptureLength: len(f), Length: len(f)}
		if err := w.WritePacket(ci, f); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}
