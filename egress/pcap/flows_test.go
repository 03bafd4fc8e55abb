package pcap

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/gopacket/gopacket/layers"
	"github.com/miekg/dns"

	"github.com/embargo-dev/embargo/egress"
)

const (
	cli  = "10.0.0.1:40000"
	srv  = "192.0.2.10:80"
	cli6 = "[2001:db8::1]:40000"
	srv6 = "[2001:db8::2]:443"
	ms   = time.Millisecond
)

// want is a flow as the tests state it.
func want(src, dst string, proto uint8, record string, pktsOut, bytesOut, pktsIn, bytesIn uint64, start, end time.Duration, names ...egress.Name) egress.Flow {
	s, d := netip.MustParseAddrPort(src), netip.MustParseAddrPort(dst)
	return egress.Flow{
		Start: t0.Add(start), End: t0.Add(end), Src: s.Addr(), Dst: d.Addr(), SrcPort: s.Port(), DstPort: d.Port(), Proto: proto,
		PktsOut: pktsOut, BytesOut: bytesOut, PktsIn: pktsIn, BytesIn: bytesIn, Names: names,
		Where: egress.Location{Source: "t.pcap", Record: record},
	}
}

func tcp(at time.Duration, src, dst, flags string, seq uint32, data string) tpkt {
	return tpkt{at: at, src: src, dst: dst, proto: "tcp", flags: flags, seq: seq, data: []byte(data)}
}

func udp(at time.Duration, src, dst string, data []byte) tpkt {
	return tpkt{at: at, src: src, dst: dst, proto: "udp", data: data}
}

// handshake is a TCP open from cli to srv at 0, 1 and 2 ms: client ISN
// 100, server ISN 500.
func handshake(c, s string) []tpkt {
	return []tpkt{tcp(0, c, s, "S", 100, ""), tcp(ms, s, c, "SA", 500, ""), tcp(2*ms, c, s, "A", 101, "")}
}

func dnsResponse(t testing.TB, rrs ...string) []byte {
	t.Helper()
	m := new(dns.Msg).SetQuestion("WWW.Example.org.", dns.TypeA)
	m.Response = true
	for _, s := range rrs {
		rr, err := dns.NewRR(s)
		if err != nil {
			t.Fatal(err)
		}
		m.Answer = append(m.Answer, rr)
	}
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFlows(t *testing.T) {
	name := func(n string, via egress.NameVia) egress.Name { return egress.Name{Name: n, Via: via} }
	cname := dnsResponse(t, "www.example.org. 30 IN CNAME edge.cdn.example.", "edge.cdn.example. 60 IN A 198.51.100.7", "other.example. 60 IN A 198.51.100.8")
	aaaa := dnsResponse(t, "www.example.org. 300 IN AAAA 2001:db8::80")
	dnsTCP := append(append([]byte{byte(len(cname) >> 8), byte(len(cname))}, cname...), byte(len(aaaa)>>8), byte(len(aaaa)))
	dnsTCP = append(dnsTCP, aaaa...)
	ans := func(name, addr string, ttl time.Duration, at time.Duration, record string) egress.DNSAnswer {
		return egress.DNSAnswer{Time: t0.Add(at), Client: netip.MustParseAddr("10.0.0.1"), Name: name, Addr: netip.MustParseAddr(addr), TTL: ttl, Where: egress.Location{Source: "t.pcap", Record: record}}
	}
	for _, tc := range []struct {
		desc     string
		maxFlows int
		pkts     []tpkt
		flows    []egress.Flow
		dns      []egress.DNSAnswer
		bads     []string
	}{{
		desc: "open, data, close both ways, last ACK",
		pkts: append(handshake(cli, srv), tcp(3*ms, cli, srv, "PA", 101, "hello"), tcp(4*ms, srv, cli, "FA", 501, ""),
			tcp(5*ms, cli, srv, "FA", 106, ""), tcp(6*ms, srv, cli, "A", 502, "")),
		flows: []egress.Flow{want(cli, srv, egress.TCP, "packet 1", 4, 165, 3, 120, 0, 6*ms)},
	}, {
		desc:  "SYN-ACK first: its receiver opened",
		pkts:  []tpkt{tcp(0, srv, cli, "SA", 500, ""), tcp(ms, cli, srv, "A", 101, "")},
		flows: []egress.Flow{want(cli, srv, egress.TCP, "packet 1", 1, 40, 1, 40, 0, ms)},
	}, {
		desc:  "mid-stream: the first sender is taken as originator",
		pkts:  []tpkt{tcp(0, srv, cli, "PA", 500, "data"), tcp(ms, cli, srv, "A", 101, "")},
		flows: []egress.Flow{want(srv, cli, egress.TCP, "packet 1", 1, 44, 1, 40, 0, ms)},
	}, {
		desc: "idle timeout splits a UDP flow",
		pkts: []tpkt{udp(0, cli, srv, []byte("a")), udp(time.Second, srv, cli, []byte("bb")), udp(6*time.Minute+2*time.Second, cli, srv, nil)},
		flows: []egress.Flow{
			want(cli, srv, egress.UDP, "packet 1", 1, 29, 1, 30, 0, time.Second),
			want(cli, srv, egress.UDP, "packet 3", 1, 28, 0, 0, 6*time.Minute+2*time.Second, 6*time.Minute+2*time.Second),
		},
	}, {
		desc: "a new SYN on closed ports starts a new flow",
		pkts: append(handshake(cli, srv), tcp(3*ms, cli, srv, "FA", 101, ""), tcp(4*ms, srv, cli, "FA", 501, ""),
			tcp(5*ms, cli, srv, "A", 102, ""), tcp(time.Second, cli, srv, "S", 9000, "")),
		flows: []egress.Flow{
			want(cli, srv, egress.TCP, "packet 1", 4, 160, 2, 80, 0, 5*ms),
			want(cli, srv, egress.TCP, "packet 7", 1, 40, 0, 0, time.Second, time.Second),
		},
	}, {
		desc: "RST: late packets join within the linger, not after",
		pkts: []tpkt{tcp(0, cli, srv, "S", 100, ""), tcp(ms, srv, cli, "RA", 0, ""), tcp(2*time.Second, cli, srv, "A", 101, ""),
			tcp(20*time.Second, cli, srv, "A", 101, "")},
		flows: []egress.Flow{
			want(cli, srv, egress.TCP, "packet 1", 2, 80, 1, 40, 0, 2*time.Second),
			want(cli, srv, egress.TCP, "packet 4", 1, 40, 0, 0, 20*time.Second, 20*time.Second),
		},
	}, {
		desc:     "a full table emits its least recent flow early",
		maxFlows: 2,
		pkts:     []tpkt{udp(0, cli, srv, nil), udp(ms, cli, "192.0.2.11:80", nil), udp(2*ms, cli, srv, nil), udp(3*ms, cli, "192.0.2.12:80", nil)},
		flows: []egress.Flow{
			want(cli, "192.0.2.11:80", egress.UDP, "packet 2", 1, 28, 0, 0, ms, ms),
			want(cli, srv, egress.UDP, "packet 1", 2, 56, 0, 0, 0, 2*ms),
			want(cli, "192.0.2.12:80", egress.UDP, "packet 4", 1, 28, 0, 0, 3*ms, 3*ms),
		},
		bads: []string{"t.pcap packet 4: flow table full at 2 flows: 1 flows emitted before they ended, the first at this packet"},
	}, {
		desc: "fragments are counted, atomic fragments are packets",
		pkts: []tpkt{
			{src: cli, dst: srv, proto: "udp", frag: true, data: []byte("x")},
			{src: cli6, dst: srv6, proto: "udp", v6frag: &layers.IPv6Fragment{MoreFragments: true, Identification: 7}},
			{src: cli6, dst: srv6, proto: "udp", v6frag: &layers.IPv6Fragment{Identification: 8}},
		},
		flows: []egress.Flow{want(cli6, srv6, egress.UDP, "packet 3", 1, 56, 0, 0, 0, 0)},
	}, {
		desc: "HTTP Host split over two segments, with a retransmission",
		pkts: append(handshake(cli, srv), tcp(3*ms, cli, srv, "PA", 101, "GET / HTTP/1.1\r\nUser-Agent: t\r\nHo"),
			tcp(4*ms, cli, srv, "PA", 101, "GET / HTTP/1.1\r\nUser-Agent: t\r\nHo"), tcp(5*ms, cli, srv, "PA", 134, "st: Split.Example\r\n\r\n")),
		flows: []egress.Flow{want(cli, srv, egress.TCP, "packet 1", 5, 40*5+33*2+21, 1, 40, 0, 5*ms, name("split.example", egress.ViaHTTPHost))},
	}, {
		desc:  "DNS over UDP: owner names, and the question through its CNAME",
		pkts:  []tpkt{udp(0, "192.0.2.53:53", "10.0.0.1:5353", cname)},
		flows: []egress.Flow{want("192.0.2.53:53", "10.0.0.1:5353", egress.UDP, "packet 1", 1, uint64(28+len(cname)), 0, 0, 0, 0)},
		dns: []egress.DNSAnswer{
			ans("edge.cdn.example", "198.51.100.7", time.Minute, 0, "packet 1"),
			ans("www.example.org", "198.51.100.7", time.Minute, 0, "packet 1"),
			ans("other.example", "198.51.100.8", time.Minute, 0, "packet 1"),
		},
	}, {
		desc: "DNS over TCP: two messages over two segments",
		pkts: append(handshake("10.0.0.1:40000", "192.0.2.53:53"), tcp(3*ms, "192.0.2.53:53", "10.0.0.1:40000", "PA", 501, string(dnsTCP[:len(cname)+5])),
			tcp(4*ms, "192.0.2.53:53", "10.0.0.1:40000", "PA", 501+uint32(len(cname)+5), string(dnsTCP[len(cname)+5:]))),
		flows: []egress.Flow{want("10.0.0.1:40000", "192.0.2.53:53", egress.TCP, "packet 1", 2, 80, 3, uint64(120+len(dnsTCP)), 0, 4*ms)},
		dns: []egress.DNSAnswer{
			ans("edge.cdn.example", "198.51.100.7", time.Minute, 3*ms, "packet 4"),
			ans("www.example.org", "198.51.100.7", time.Minute, 3*ms, "packet 4"),
			ans("other.example", "198.51.100.8", time.Minute, 3*ms, "packet 4"),
			ans("www.example.org", "2001:db8::80", 5*time.Minute, 4*ms, "packet 5"),
		},
	}} {
		t.Run(tc.desc, func(t *testing.T) {
			c, _ := read(t, &Reader{maxFlows: tc.maxFlows}, "t.pcap", capture(t, tc.pkts...))
			ignore := cmp.Options{cmpopts.IgnoreFields(egress.Location{}, "Offset"), cmpopts.EquateComparable(netip.Addr{})}
			if diff := cmp.Diff(tc.flows, c.flows, ignore, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("flows (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.dns, c.dns, ignore, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("DNS answers (-want +got):\n%s", diff)
			}
			var bads []string
			for _, b := range c.bads {
				bads = append(bads, b.Where.String()+": "+b.Reason)
			}
			if diff := cmp.Diff(tc.bads, bads, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("bads (-want +got):\n%s", diff)
			}
		})
	}
}
