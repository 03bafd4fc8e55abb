package pcap

import (
	"net"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// decoded is what a test compares of a decoded packet.
type decoded struct {
	V        verdict
	Why      string
	Src, Dst string
	Proto    uint8
	IPLen    int
	Payload  string
}

func TestDecode(t *testing.T) {
	tcp4 := tcp(0, cli, srv, "PA", 1, "tcp payload")
	udp4 := udp(0, cli, srv, []byte("u"))
	ip4 := serialize(t, ipLayers(t, tcp4)...)
	eth := ethernet(t, tcp4)
	vlan := serialize(t, &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeQinQ},
		&layers.Dot1Q{VLANIdentifier: 10, Type: layers.EthernetTypeDot1Q}, &layers.Dot1Q{VLANIdentifier: 20, Type: layers.EthernetTypeIPv4}, gopacket.Payload(ip4))
	arp := serialize(t, &layers.Ethernet{SrcMAC: net.HardwareAddr{2, 0, 0, 0, 0, 1}, DstMAC: net.HardwareAddr{2, 0, 0, 0, 0, 2}, EthernetType: layers.EthernetTypeARP}, gopacket.Payload(make([]byte, 28)))
	sll := append([]byte{0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00}, ip4...)
	sll2 := append([]byte{0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0}, ip4...)

	// IPv4 with a router-alert option; IPv6 with hop-by-hop and
	// destination options before TCP.
	opt := ipLayers(t, tcp4)
	opt[0].(*layers.IPv4).Options = []layers.IPv4Option{{OptionType: 148, OptionLength: 4, OptionData: []byte{0, 0}}}
	ip4opt := serialize(t, opt...)
	tcp6 := tcp(0, cli6, srv6, "PA", 1, "six")
	l6 := ipLayers(t, tcp6)
	seg := serialize(t, l6[1:]...)
	l6[0].(*layers.IPv6).NextHeader = 0
	ext := append([]byte{60, 0, 1, 4, 0, 0, 0, 0}, 6, 0, 1, 4, 0, 0, 0, 0)
	ip6ext := serialize(t, l6[0], gopacket.Payload(append(ext, seg...)))

	tcpWant := decoded{Src: cli, Dst: srv, Proto: 6, IPLen: 51, Payload: "tcp payload"}
	for _, tc := range []struct {
		desc string
		link uint32
		in   []byte
		want decoded
	}{
		{"Ethernet", linkEthernet, eth, tcpWant},
		{"Ethernet padding left out", linkEthernet, ethernet(t, udp4), decoded{Src: cli, Dst: srv, Proto: 17, IPLen: 29, Payload: "u"}},
		{"QinQ", linkEthernet, vlan, tcpWant},
		{"ARP", linkEthernet, arp, decoded{V: decNonIP}},
		{"Linux cooked", linkSLL, sll, tcpWant},
		{"Linux cooked v2", linkSLL2, sll2, tcpWant},
		{"raw", linkRaw, ip4, tcpWant},
		{"IPv4 options", linkIPv4, ip4opt, decoded{Src: cli, Dst: srv, Proto: 6, IPLen: 55, Payload: "tcp payload"}},
		{"IPv6 extension headers", linkRaw, ip6ext, decoded{Src: cli6, Dst: srv6, Proto: 6, IPLen: 40 + 16 + 20 + 3, Payload: "six"}},
		{"BSD null, little-endian", linkNull, append([]byte{2, 0, 0, 0}, ip4...), tcpWant},
		{"BSD null, Darwin IPv6", linkNull, append([]byte{30, 0, 0, 0}, ip6ext...), decoded{Src: cli6, Dst: srv6, Proto: 6, IPLen: 79, Payload: "six"}},
		{"OpenBSD loop", linkLoop, append([]byte{0, 0, 0, 2}, ip4...), tcpWant},
		{"unknown link", 147, eth, decoded{V: decUnknownLink}},
		{"IPv4 cut", linkRaw, ip4[:19], decoded{V: decMalformed, Why: "IPv4 header cut short"}},
		{"TCP cut", linkRaw, ip4[:30], decoded{V: decMalformed, Why: "TCP header cut short"}},
		{"IPv6 extension cut", linkRaw, ip6ext[:44], decoded{V: decMalformed, Why: "IPv6 extension header cut short"}},
		{"bad data offset", linkRaw, func() []byte { b := append([]byte(nil), ip4...); b[32] = 0x40; return b }(), decoded{V: decMalformed, Why: "TCP data offset below 20"}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			var p packet
			v, why := decode(tc.link, tc.in, &p)
			got := decoded{V: v, Why: why}
			if v == decIP {
				got.Src = netip.AddrPortFrom(p.src, p.sport).String()
				got.Dst = netip.AddrPortFrom(p.dst, p.dport).String()
				got.Proto, got.IPLen, got.Payload = p.proto, p.ipLen, string(p.payload)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// BenchmarkDecode measures the hand decoder against gopacket's
// DecodingLayerParser on the same frames (Ethernet, IPv4, TCP with a
// payload): the reason decode.go exists.
func BenchmarkDecode(b *testing.B) {
	frame := ethernet(b, tcp(0, cli, srv, "PA", 1, string(make([]byte, 200))))
	b.Run("hand", func(b *testing.B) {
		var p packet
		b.SetBytes(int64(len(frame)))
		for b.Loop() {
			if v, _ := decode(linkEthernet, frame, &p); v != decIP {
				b.Fatal(v)
			}
		}
	})
	b.Run("gopacket", func(b *testing.B) {
		var (
			eth     layers.Ethernet
			dot1q   layers.Dot1Q
			ip4     layers.IPv4
			ip6     layers.IPv6
			tcp     layers.TCP
			udp     layers.UDP
			payload gopacket.Payload
		)
		parser := gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &eth, &dot1q, &ip4, &ip6, &tcp, &udp, &payload)
		parser.IgnoreUnsupported = true
		var decodedLayers []gopacket.LayerType
		b.SetBytes(int64(len(frame)))
		for b.Loop() {
			if err := parser.DecodeLayers(frame, &decodedLayers); err != nil || len(decodedLayers) != 4 {
				b.Fatal(err, decodedLayers)
			}
		}
	})
}
