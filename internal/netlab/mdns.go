//go:build linux

package netlab

import (
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/miekg/dns"
	"golang.org/x/net/ipv4"
)

// MDNS configures a device's Multicast DNS responder on udp/5353, which
// answers for its host name and advertises DNS-SD services (RFC 6762,
// RFC 6763). See testdata/SOURCES.md.
type MDNS struct {
	// Host is the host name's single label, the device's name when
	// empty ("hik" answers for "hik.local.").
	Host     string
	Services []MDNSService
	// Minimal leaves out the additional records RFC 6763 §12 says a
	// responder should add (SRV, TXT and address with an instance's
	// PTR, the address with an SRV), so that a client must ask for them.
	Minimal bool
}

// MDNSService is one advertised service instance.
type MDNSService struct {
	// Type is the service type without the domain ("_http._tcp").
	Type string
	// Instance is the user-visible instance name ("Netlab Home Cam").
	Instance string
	Port     uint16
	// TXT holds the "key=value" strings; none gives the single empty
	// string RFC 6763 §6.1 asks for.
	TXT []string
}

// mDNS's IPv4 group and port.
var (
	MDNSGroup = net.IPv4(224, 0, 0, 251)
	MDNSPort  = 5353
)

// TTLs of RFC 6762 §10: 120 s for records with a host name in their
// name or rdata, 75 minutes for the others; legacy unicast answers carry
// no more than 10 s (§6.7).
const (
	mdnsHostTTL    = 120
	mdnsOtherTTL   = 4500
	mdnsLegacyTTL  = 10
	mdnsCacheFlush = 0x8000 // the top bit of rrclass (§10.2); in a question, QU (§5.4)
)

// mdnsResponder answers queries for one device's records.
type mdnsResponder struct {
	conn    *ipv4.PacketConn
	subnet  netip.Prefix
	records []mdnsRecord
	done    chan struct{}
}

// mdnsRecord is one of the device's records: unique records (host
// address, SRV, TXT) carry the cache-flush bit in multicast answers
// (§10.2); shared ones (PTR) never do. extra names the records RFC 6763
// §12 adds as additional records when this one is an answer.
type mdnsRecord struct {
	rr     dns.RR
	unique bool
	extra  []dns.RR
}

// startMDNS binds udp/5353, joins the mDNS group on the device's
// interface, and serves until cleanup.
func (l *Lab) startMDNS(d *Device, m *MDNS) error {
	recs, err := mdnsRecords(d, m)
	if err != nil {
		return err
	}
	var (
		pc  *ipv4.PacketConn
		raw net.PacketConn
	)
	err = inNetns(d.Namespace, func() error {
		ifi, err := net.InterfaceByName("eth0")
		if err != nil {
			return err
		}
		if raw, err = net.ListenPacket("udp4", fmt.Sprintf(":%d", MDNSPort)); err != nil {
			return err
		}
		pc = ipv4.NewPacketConn(raw)
		if err := pc.JoinGroup(ifi, &net.UDPAddr{IP: MDNSGroup}); err != nil {
			return fmt.Errorf("joining %v: %w", MDNSGroup, err)
		}
		if err := pc.SetMulticastInterface(ifi); err != nil {
			return err
		}
		// §11: multicast answers are sent with IP TTL 255.
		if err := pc.SetMulticastTTL(255); err != nil {
			return err
		}
		return pc.SetControlMessage(ipv4.FlagDst, true)
	})
	if err != nil {
		if raw != nil {
			raw.Close()
		}
		return err
	}
	d.MDNSHost = recs[0].rr.Header().Name
	r := &mdnsResponder{conn: pc, subnet: netip.PrefixFrom(d.Addr, 24).Masked(), records: recs, done: make(chan struct{})}
	go r.serve()
	l.onClose(func() { raw.Close(); <-r.done })
	return nil
}

// mdnsRecords builds the device's records, its address record first.
func mdnsRecords(d *Device, m *MDNS) ([]mdnsRecord, error) {
	label := m.Host
	if label == "" {
		label = d.Name
	}
	host := dns.Fqdn(label + ".local")
	hdr := func(name string, t uint16, ttl uint32) dns.RR_Header {
		return dns.RR_Header{Name: name, Rrtype: t, Class: dns.ClassINET, Ttl: ttl}
	}
	a := &dns.A{Hdr: hdr(host, dns.TypeA, mdnsHostTTL), A: d.Addr.AsSlice()}
	rev, err := dns.ReverseAddr(d.Addr.String())
	if err != nil {
		return nil, err
	}
	extra := func(rrs ...dns.RR) []dns.RR {
		if m.Minimal {
			return nil
		}
		return rrs
	}
	recs := []mdnsRecord{
		{rr: a, unique: true},
		{rr: &dns.PTR{Hdr: hdr(rev, dns.TypePTR, mdnsHostTTL), Ptr: host}, unique: true, extra: extra(a)},
	}
	types := map[string]bool{}
	for _, s := range m.Services {
		if !strings.HasPrefix(s.Type, "_") || (!strings.HasSuffix(s.Type, "._tcp") && !strings.HasSuffix(s.Type, "._udp")) {
			return nil, fmt.Errorf("mdns service type %q: want _name._tcp or _name._udp", s.Type)
		}
		typ := dns.Fqdn(s.Type + ".local")
		label := strings.NewReplacer(`\`, `\\`, ".", `\.`).Replace(s.Instance)
		inst, err := wireName(label + "." + typ)
		if err != nil {
			return nil, fmt.Errorf("mdns instance %q: %w", s.Instance, err)
		}
		txt := s.TXT
		if len(txt) == 0 {
			txt = []string{""}
		}
		srv := &dns.SRV{Hdr: hdr(inst, dns.TypeSRV, mdnsHostTTL), Port: s.Port, Target: host}
		t := &dns.TXT{Hdr: hdr(inst, dns.TypeTXT, mdnsOtherTTL), Txt: txt}
		if !types[typ] {
			types[typ] = true
			recs = append(recs, mdnsRecord{rr: &dns.PTR{Hdr: hdr("_services._dns-sd._udp.local.", dns.TypePTR, mdnsOtherTTL), Ptr: typ}})
		}
		recs = append(recs,
			mdnsRecord{rr: &dns.PTR{Hdr: hdr(typ, dns.TypePTR, mdnsOtherTTL), Ptr: inst}, extra: extra(srv, t, a)},
			mdnsRecord{rr: srv, unique: true, extra: extra(a)},
			mdnsRecord{rr: t, unique: true})
	}
	return recs, nil
}

// wireName returns a name as it reads once packed and unpacked, so that
// it compares equal to the names of queries ("a b" becomes "a\ b").
func wireName(name string) (string, error) {
	buf := make([]byte, 256)
	n, err := dns.PackDomainName(name, buf, 0, nil, false)
	if err != nil {
		return "", err
	}
	out, _, err := dns.UnpackDomainName(buf[:n], 0)
	return out, err
}

// serve answers queries until the socket is closed.
func (r *mdnsResponder) serve() {
	defer close(r.done)
	buf := make([]byte, 9000) // §17: a message is at most 9000 bytes
	for {
		n, cm, src, err := r.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		u, ok := src.(*net.UDPAddr)
		if !ok {
			continue
		}
		ap := u.AddrPort()
		from := netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
		unicastDst := cm != nil && !cm.Dst.IsMulticast()
		if out, dst := r.answer(buf[:n], from, unicastDst); out != nil {
			r.conn.WriteTo(out, nil, net.UDPAddrFromAddrPort(dst))
		}
	}
}

// answer builds the response to one query and where to send it; nil when
// there is nothing to say. It follows RFC 6762: queries from off the
// local subnet are ignored (§5.5, §11); only standard queries with
// rcode 0 are read (§18); a query from a port other than 5353 is a
// legacy unicast query, answered to its source with its ID and question
// repeated, without the cache-flush bit and with TTLs of at most 10 s
// (§6.7); a direct unicast query or a QU question is answered by unicast
// (§5.4, §5.5), any other by multicast. Known answers with at least half
// their TTL left are not repeated (§7.1). The random delay before
// multicast answers to shared records (§6) is left out: a lab has a few
// devices.
func (r *mdnsResponder) answer(msg []byte, from netip.AddrPort, unicastDst bool) ([]byte, netip.AddrPort) {
	var q dns.Msg
	if err := q.Unpack(msg); err != nil || q.Response || q.Opcode != dns.OpcodeQuery || q.Rcode != dns.RcodeSuccess {
		return nil, netip.AddrPort{}
	}
	if !r.subnet.Contains(from.Addr()) {
		return nil, netip.AddrPort{}
	}
	legacy := from.Port() != uint16(MDNSPort)
	unicast := legacy || unicastDst
	resp := &dns.Msg{MsgHdr: dns.MsgHdr{Response: true, Authoritative: true}}
	if legacy {
		resp.Id, resp.Question = q.Id, q.Question
	}
	seen := map[dns.RR]bool{}
	for _, qu := range q.Question {
		if qu.Qclass&^mdnsCacheFlush != dns.ClassINET && qu.Qclass&^mdnsCacheFlush != dns.ClassANY {
			continue
		}
		unicast = unicast || qu.Qclass&mdnsCacheFlush != 0
		for _, rec := range r.records {
			h := rec.rr.Header()
			if (qu.Qtype != dns.TypeANY && qu.Qtype != h.Rrtype) || !strings.EqualFold(qu.Name, h.Name) ||
				known(q.Answer, rec.rr) || seen[rec.rr] {
				continue
			}
			seen[rec.rr] = true
			resp.Answer = append(resp.Answer, r.outgoing(rec.rr, rec.unique, legacy))
			for _, x := range rec.extra {
				if !seen[x] {
					seen[x] = true
					resp.Extra = append(resp.Extra, r.outgoing(x, r.unique(x), legacy))
				}
			}
		}
	}
	if len(resp.Answer) == 0 {
		return nil, netip.AddrPort{}
	}
	out, err := resp.Pack()
	if err != nil {
		return nil, netip.AddrPort{}
	}
	if unicast {
		return out, from
	}
	return out, netip.AddrPortFrom(netip.AddrFrom4([4]byte(MDNSGroup.To4())), uint16(MDNSPort))
}

// known reports whether the query's known-answer list holds rr with at
// least half its TTL (§7.1).
func known(answers []dns.RR, rr dns.RR) bool {
	for _, k := range answers {
		kc := dns.Copy(k)
		kc.Header().Class &^= mdnsCacheFlush
		if dns.IsDuplicate(kc, rr) && kc.Header().Ttl >= rr.Header().Ttl/2 {
			return true
		}
	}
	return false
}

// unique reports whether one of the device's records is a unique one.
func (r *mdnsResponder) unique(rr dns.RR) bool {
	for _, rec := range r.records {
		if rec.rr == rr {
			return rec.unique
		}
	}
	return false
}

// outgoing copies a record for a response: the cache-flush bit on unique
// records except in legacy answers, whose TTLs are capped.
func (r *mdnsResponder) outgoing(rr dns.RR, unique, legacy bool) dns.RR {
	c := dns.Copy(rr)
	h := c.Header()
	switch {
	case legacy:
		h.Ttl = min(h.Ttl, mdnsLegacyTTL)
	case unique:
		h.Class |= mdnsCacheFlush
	}
	return c
}
