//go:build linux

package netlab

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"
)

// mdnsQuery packs a query; qclass is ClassINET, with the QU bit when qu.
func mdnsQuery(t *testing.T, id uint16, qu bool, known []dns.RR, qs ...dns.Question) []byte {
	t.Helper()
	m := &dns.Msg{MsgHdr: dns.MsgHdr{Id: id}, Question: qs, Answer: known}
	if qu {
		for i := range m.Question {
			m.Question[i].Qclass |= mdnsCacheFlush
		}
	}
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func question(name string, t uint16) dns.Question {
	return dns.Question{Name: name, Qtype: t, Qclass: dns.ClassINET}
}

// brief lists a response's records as "section name type ttl", with
// "flush" after those whose class has the cache-flush bit.
func brief(m *dns.Msg) []string {
	var out []string
	for _, s := range []struct {
		name string
		rrs  []dns.RR
	}{{"an", m.Answer}, {"ar", m.Extra}} {
		for _, rr := range s.rrs {
			h := rr.Header()
			line := fmt.Sprintf("%s %s %s %d", s.name, h.Name, dns.TypeToString[h.Rrtype], h.Ttl)
			if h.Class&mdnsCacheFlush != 0 {
				line += " flush"
			}
			out = append(out, line)
		}
	}
	return out
}

func TestMDNSAnswer(t *testing.T) {
	d := &Device{Name: "home", Addr: netip.MustParseAddr("10.250.0.11")}
	spec := &MDNS{Services: []MDNSService{{Type: "_http._tcp", Instance: "Home Cam", Port: 80}}}
	recs, err := mdnsRecords(d, spec)
	if err != nil {
		t.Fatal(err)
	}
	r := &mdnsResponder{subnet: Subnet, records: recs}
	scanner := netip.AddrPortFrom(ScannerAddr, 40000)
	peer := netip.AddrPortFrom(ScannerAddr, 5353)
	group := netip.AddrPortFrom(netip.MustParseAddr("224.0.0.251"), 5353)
	const inst = `Home\ Cam._http._tcp.local.`
	srv := &dns.SRV{Hdr: dns.RR_Header{Name: inst, Rrtype: dns.TypeSRV, Class: dns.ClassINET, Ttl: 120}, Port: 80, Target: "home.local."}
	minimal, err := mdnsRecords(d, &MDNS{Services: spec.Services, Minimal: true})
	if err != nil {
		t.Fatal(err)
	}
	rm := &mdnsResponder{subnet: Subnet, records: minimal}
	for _, c := range []struct {
		name     string
		r        *mdnsResponder
		msg      []byte
		from     netip.AddrPort
		unicast  bool
		wantDst  netip.AddrPort
		wantID   uint16
		wantRecs []string // nil: no answer
	}{
		{"legacy enumeration", r, mdnsQuery(t, 7, false, nil, question("_services._dns-sd._udp.local.", dns.TypePTR)), scanner, true, scanner, 7,
			[]string{"an _services._dns-sd._udp.local. PTR 10"}},
		{"legacy service PTR", r, mdnsQuery(t, 8, false, nil, question("_HTTP._tcp.local.", dns.TypePTR)), scanner, true, scanner, 8,
			[]string{"an _http._tcp.local. PTR 10", "ar " + inst + " SRV 10", "ar " + inst + " TXT 10", "ar home.local. A 10"}},
		{"multicast QM", r, mdnsQuery(t, 0, false, nil, question(inst, dns.TypeSRV)), peer, false, group, 0,
			[]string{"an " + inst + " SRV 120 flush", "ar home.local. A 120 flush"}},
		{"multicast QU", r, mdnsQuery(t, 0, true, nil, question("home.local.", dns.TypeA)), peer, false, peer, 0,
			[]string{"an home.local. A 120 flush"}},
		{"direct unicast", r, mdnsQuery(t, 0, false, nil, question("11.0.250.10.in-addr.arpa.", dns.TypePTR)), peer, true, peer, 0,
			[]string{"an 11.0.250.10.in-addr.arpa. PTR 120 flush", "ar home.local. A 120 flush"}},
		{"ANY", r, mdnsQuery(t, 3, false, nil, question(inst, dns.TypeANY)), scanner, true, scanner, 3,
			[]string{"an " + inst + " SRV 10", "an " + inst + " TXT 10", "ar home.local. A 10"}},
		{"known answer", r, mdnsQuery(t, 0, false, []dns.RR{srv}, question(inst, dns.TypeSRV)), peer, false, group, 0, nil},
		{"off the subnet", r, mdnsQuery(t, 9, false, nil, question("home.local.", dns.TypeA)), netip.MustParseAddrPort("10.250.1.1:40000"), true, netip.AddrPort{}, 0, nil},
		{"other name", r, mdnsQuery(t, 9, false, nil, question("hik.local.", dns.TypeA)), scanner, true, netip.AddrPort{}, 0, nil},
		{"garbage", r, []byte{1, 2, 3}, scanner, true, netip.AddrPort{}, 0, nil},
		{"minimal", rm, mdnsQuery(t, 8, false, nil, question("_http._tcp.local.", dns.TypePTR)), scanner, true, scanner, 8,
			[]string{"an _http._tcp.local. PTR 10"}},
	} {
		out, dst := c.r.answer(c.msg, c.from, c.unicast)
		if c.wantRecs == nil {
			if out != nil {
				t.Errorf("%s: answered %d bytes to %v", c.name, len(out), dst)
			}
			continue
		}
		var m dns.Msg
		if err := m.Unpack(out); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		legacy := c.from.Port() != 5353
		if dst != c.wantDst || m.Id != c.wantID || !m.Response || !m.Authoritative || (len(m.Question) > 0) != legacy {
			t.Errorf("%s: to %v id %d header %+v questions %v", c.name, dst, m.Id, m.MsgHdr, m.Question)
		}
		if d := cmp.Diff(c.wantRecs, brief(&m)); d != "" {
			t.Errorf("%s (-want +got):\n%s", c.name, d)
		}
	}
}

// TestMDNS asks a lab device's responder over real sockets: legacy
// unicast from the scanner, and nmap's dns-service-discovery script.
func TestMDNS(t *testing.T) {
	t.Parallel()
	RequireTools(t, "ip", "nmap")
	lab := New(t)
	home := lab.AddDevice(ConsumerCamera("home", 3))
	if home.MDNSHost != "home.local." {
		t.Errorf("MDNSHost %q", home.MDNSHost)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := lab.DialContext(ctx, Scanner, "udp", netip.AddrPortFrom(home.Addr, 5353).String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	q := new(dns.Msg).SetQuestion("_http._tcp.local.", dns.TypePTR)
	b, _ := q.Pack()
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := conn.Write(b); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 9000)
	n, err := conn.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	var m dns.Msg
	if err := m.Unpack(buf[:n]); err != nil {
		t.Fatal(err)
	}
	if m.Id != q.Id || len(m.Answer) != 1 || m.Answer[0].(*dns.PTR).Ptr != `Netlab\ Home\ Cam._http._tcp.local.` {
		t.Fatalf("answer %v", &m)
	}
	var a net.IP
	for _, rr := range m.Extra {
		if x, ok := rr.(*dns.A); ok {
			a = x.A
		}
	}
	if !a.Equal(home.Addr.AsSlice()) {
		t.Errorf("additional records %v", m.Extra)
	}

	out, err := lab.Run(ctx, Scanner, "nmap", "-n", "-Pn", "-sU", "-p", "5353", "--script", "dns-service-discovery", home.Addr.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"80/tcp http", "Address=" + home.Addr.String()} {
		if !strings.Contains(string(out), want) {
			t.Errorf("nmap's output lacks %q:\n%s", want, out)
		}
	}
}
