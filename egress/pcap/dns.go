package pcap

import (
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/embargo-dev/embargo/egress"
)

// dnsAnswers turns a DNS message sent from port 53 into one answer per
// A and AAAA record, named by the record's owner. When the owner was
// reached from the question through the response's CNAME chain, a second
// answer names the question too: that is the name the client asked for,
// and the one it connects to the address for. Queries yield nothing.
func (r *run) dnsAnswers(b []byte, client netip.Addr, ts time.Time, where egress.Location) {
	var m dns.Msg
	if err := m.Unpack(b); err != nil {
		r.badPacket(where, fmt.Sprintf("DNS response: %v", err))
		return
	}
	if !m.Response {
		return
	}
	var chain []string // the question and the names it is an alias of
	if len(m.Question) > 0 {
		chain = append(chain, dnsName(m.Question[0].Name))
		// A chain is at most as long as the CNAMEs in the answer, in any order.
		for range m.Answer {
			grew := false
			for _, rr := range m.Answer {
				if c, ok := rr.(*dns.CNAME); ok && inChain(chain, dnsName(c.Hdr.Name)) && !inChain(chain, dnsName(c.Target)) {
					chain, grew = append(chain, dnsName(c.Target)), true
				}
			}
			if !grew {
				break
			}
		}
	}
	for _, rr := range m.Answer {
		var addr netip.Addr
		switch rr := rr.(type) {
		case *dns.A:
			addr, _ = netip.AddrFromSlice(rr.A.To4())
		case *dns.AAAA:
			addr, _ = netip.AddrFromSlice(rr.AAAA)
		default:
			continue
		}
		h := rr.Header()
		owner := dnsName(h.Name)
		if !addr.IsValid() || owner == "" {
			continue
		}
		a := egress.DNSAnswer{Time: ts, Client: client, Name: owner, Addr: addr, TTL: time.Duration(h.Ttl) * time.Second, Where: where}
		r.emitDNS(&a)
		if len(chain) > 1 && owner != chain[0] && inChain(chain, owner) {
			a.Name = chain[0]
			r.emitDNS(&a)
		}
	}
}

func (r *run) emitDNS(a *egress.DNSAnswer) {
	r.stats.DNSAnswers++
	r.sink.DNS(a)
}

// dnsName is a name as egress wants it: lower case, no trailing dot.
func dnsName(s string) string {
	return strings.ToLower(strings.TrimSuffix(s, "."))
}

func inChain(chain []string, name string) bool {
	for _, c := range chain {
		if c == name {
			return true
		}
	}
	return false
}

// dnsStream reassembles DNS over TCP from the responder: messages each
// prefixed with a 2-byte length (RFC 1035 4.2.2), so at most 64 KiB held.
type dnsStream struct {
	buf  []byte
	next uint32 // sequence number expected next
	dead bool   // a gap in the capture: the framing is lost
}

// dnsTCP feeds a segment from port 53 of a TCP flow to its DNS stream.
func (r *run) dnsTCP(f *flow, p *packet, ts time.Time) {
	if len(p.payload) == 0 {
		return
	}
	s := f.dns
	if s == nil {
		s = &dnsStream{next: p.seq}
		f.dns = s
	}
	data, ok := inOrder(&s.next, p.seq, p.payload)
	if s.dead || !ok {
		s.dead = true
		return
	}
	// Whole messages are read from the segment itself; only a message
	// cut by the segment's end is copied.
	if len(s.buf) > 0 {
		if !r.table.keep(&s.buf, data) {
			s.dead = true
			r.stats.Unbuffered++
			return
		}
		data = s.buf
	}
	for len(data) >= 2 {
		n := 2 + int(be.Uint16(data))
		if len(data) < n {
			break
		}
		r.dnsAnswers(data[2:n], p.dst, ts, r.where())
		data = data[n:]
	}
	rest := len(data)
	if len(s.buf) > 0 {
		s.buf = s.buf[:copy(s.buf, data)]
	} else if rest > 0 && !r.table.keep(&s.buf, data) {
		s.dead = true
		r.stats.Unbuffered++
	}
}

// inOrder takes a segment at seq for a stream expecting next: the bytes
// not seen before, and false when bytes are missing in between.
func inOrder(next *uint32, seq uint32, data []byte) ([]byte, bool) {
	d := int32(seq - *next)
	switch {
	case d > 0:
		return nil, false
	case d < 0:
		if int(-d) >= len(data) {
			return nil, true // a retransmission
		}
		data = data[-d:]
	}
	*next += uint32(len(data))
	return data, true
}
