package discover

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/miekg/dns"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/discovery"
)

const (
	mdnsPort = 5353
	// mdnsMaxReply is RFC 6762 §17's largest message.
	mdnsMaxReply = 9000
	// At most this many service types are read, and this many instances
	// across them.
	mdnsMaxTypes     = 16
	mdnsMaxInstances = 16
	// mdnsEnumeration is RFC 6763 §9's service type enumeration name.
	mdnsEnumeration = "_services._dns-sd._udp.local."
)

// mdnsPrinterTypes are the printing service types of Apple's Bonjour
// Printing Specification, whose TXT records carry the IEEE 1284 device
// ID's manufacturer and model as usb_MFG and usb_MDL.
var mdnsPrinterTypes = map[string]bool{
	"_ipp._tcp": true, "_ipps._tcp": true, "_printer._tcp": true, "_pdl-datastream._tcp": true,
}

// MDNS asks an address's Multicast DNS responder which DNS-SD services
// it advertises, with ordinary DNS queries sent by unicast to udp/5353
// of the address, never to the multicast group. RFC 6762 §5.5 has a
// responder answer such a direct query by unicast, and §6.7 makes a
// query from a port other than 5353 a "legacy unicast" one, answered to
// its source port with its ID and question repeated. The first query
// enumerates the service types (RFC 6763 §9); each type's instances
// follow (at most mdnsMaxTypes types, mdnsMaxInstances instances), and
// their SRV and TXT records when the answer did not carry them as
// additional records (RFC 6763 §12). The attributes are the service
// types ("_http._tcp"), the host names the instances point to, and, for
// printers, the manufacturer and model their TXT records give.
type MDNS struct{}

// NewMDNS returns the mDNS prober.
func NewMDNS() *MDNS { return &MDNS{} }

// Name is "mdns".
func (*MDNS) Name() string { return "mdns" }

// Probe enumerates the services, then their instances.
func (p *MDNS) Probe(ctx context.Context, s *Session, a netip.Addr) (discovery.Observation, error) {
	var ob discovery.Observation
	m, refused, err := p.ask(ctx, s, a, dns.Question{Name: mdnsEnumeration, Qtype: dns.TypePTR, Qclass: dns.ClassINET})
	switch {
	case err != nil:
		return ob, err
	case refused:
		ob.Answered = true
		ob.Notes = append(ob.Notes, "udp/5353 closed (ICMP port unreachable)")
		return ob, nil
	case m == nil:
		return ob, nil
	}
	ob.Answered = true
	types := pointers(m, mdnsEnumeration)
	if len(types) > mdnsMaxTypes {
		ob.Notes = append(ob.Notes, fmt.Sprintf("%d service types, the first %d read", len(types), mdnsMaxTypes))
		types = types[:mdnsMaxTypes]
	}
	budget, cut := mdnsMaxInstances, false
	seen := map[inventory.Attr]bool{}
	add := func(f inventory.Field, v string) {
		if at := (inventory.Attr{Field: f, Value: v}); v != "" && !seen[at] {
			seen[at] = true
			ob.Add(f, v)
		}
	}
	for _, t := range types {
		service, ok := serviceType(t)
		if !ok {
			ob.Notes = append(ob.Notes, fmt.Sprintf("%q is not a service type", t))
			continue
		}
		add(inventory.MDNSService, service)
		if budget == 0 {
			if !cut {
				cut = true
				ob.Notes = append(ob.Notes, fmt.Sprintf("instances of %s and later types not read: %d read", service, mdnsMaxInstances))
			}
			continue
		}
		m, _, err := p.ask(ctx, s, a, dns.Question{Name: t, Qtype: dns.TypePTR, Qclass: dns.ClassINET})
		if err != nil {
			return ob, err
		}
		if m == nil {
			ob.Notes = append(ob.Notes, "no answer to PTR "+t)
			continue
		}
		for _, inst := range pointers(m, t) {
			if budget == 0 {
				cut = true
				ob.Notes = append(ob.Notes, fmt.Sprintf("more than %d service instances, the rest not read", mdnsMaxInstances))
				break
			}
			budget--
			srv, txt := instanceRecords(m, inst)
			if srv == nil {
				im, _, err := p.ask(ctx, s, a, dns.Question{Name: inst, Qtype: dns.TypeSRV, Qclass: dns.ClassINET},
					dns.Question{Name: inst, Qtype: dns.TypeTXT, Qclass: dns.ClassINET})
				if err != nil {
					return ob, err
				}
				if im != nil {
					srv, txt = instanceRecords(im, inst)
				}
			}
			if srv != nil {
				add(inventory.Hostname, localHost(srv.Target))
			}
			if txt != nil && mdnsPrinterTypes[strings.ToLower(service)] {
				kv := txtPairs(txt.Txt)
				add(inventory.Manufacturer, kv["usb_mfg"])
				add(inventory.DeviceModel, kv["usb_mdl"])
			}
		}
	}
	return ob, nil
}

// ask sends one query with these questions, from a port other than 5353,
// and returns the answer with its ID; nil without an answer.
func (p *MDNS) ask(ctx context.Context, s *Session, a netip.Addr, qs ...dns.Question) (*dns.Msg, bool, error) {
	var what []string
	for _, q := range qs {
		what = append(what, dns.TypeToString[q.Qtype]+" "+q.Name)
	}
	c, err := s.Dial(ctx, Probe{Prober: p.Name(), Target: port(a, mdnsPort), Transport: "udp",
		What: "mDNS query " + strings.Join(what, ", ") + " (unicast)"})
	if err != nil {
		return nil, false, err
	}
	defer c.Close()
	q := &dns.Msg{MsgHdr: dns.MsgHdr{Id: dns.Id()}, Question: qs}
	req, err := q.Pack()
	if err != nil {
		return nil, false, err
	}
	var m *dns.Msg
	_, refused, err := askDatagram(ctx, c, req, mdnsMaxReply, func(b []byte) (bool, error) {
		m, err = parseMDNS(b, q.Id)
		return m != nil, err
	})
	if err != nil {
		return nil, false, fmt.Errorf("mDNS answer from %v: %w", a, err)
	}
	return m, refused, nil
}

// parseMDNS reads an answer to the query id: nil, and no error, for a
// message that answers something else or has a non-zero rcode, which
// RFC 6762 §18.11 has receivers ignore.
func parseMDNS(b []byte, id uint16) (*dns.Msg, error) {
	m := new(dns.Msg)
	if err := m.Unpack(b); err != nil {
		return nil, fmt.Errorf("malformed DNS message: %w", err)
	}
	if !m.Response || m.Id != id || m.Opcode != dns.OpcodeQuery || m.Rcode != dns.RcodeSuccess {
		return nil, nil
	}
	return m, nil
}

// pointers lists the targets of the PTR records named name, in the
// answer and additional sections, once each.
func pointers(m *dns.Msg, name string) []string {
	var out []string
	seen := map[string]bool{}
	for _, rr := range append(m.Answer[:len(m.Answer):len(m.Answer)], m.Extra...) {
		p, ok := rr.(*dns.PTR)
		if !ok || !strings.EqualFold(p.Hdr.Name, name) || seen[strings.ToLower(p.Ptr)] {
			continue
		}
		seen[strings.ToLower(p.Ptr)] = true
		out = append(out, p.Ptr)
	}
	return out
}

// instanceRecords finds a service instance's SRV and TXT records.
func instanceRecords(m *dns.Msg, inst string) (srv *dns.SRV, txt *dns.TXT) {
	for _, rr := range append(m.Answer[:len(m.Answer):len(m.Answer)], m.Extra...) {
		if !strings.EqualFold(rr.Header().Name, inst) {
			continue
		}
		switch r := rr.(type) {
		case *dns.SRV:
			if srv == nil {
				srv = r
			}
		case *dns.TXT:
			if txt == nil {
				txt = r
			}
		}
	}
	return srv, txt
}

// serviceType returns "_name._tcp" (or "._udp") for a service type name
// in .local, as RFC 6763 §7 forms it.
func serviceType(name string) (string, bool) {
	l := dns.SplitDomainName(name)
	if len(l) != 3 || !strings.EqualFold(l[2], "local") || len(l[0]) < 2 || l[0][0] != '_' ||
		(!strings.EqualFold(l[1], "_tcp") && !strings.EqualFold(l[1], "_udp")) {
		return "", false
	}
	return l[0] + "." + strings.ToLower(l[1]), true
}

// localHost returns a host name without the .local. domain and the
// final dot; "" for the root.
func localHost(name string) string {
	name = strings.TrimSuffix(name, ".")
	if h, ok := cutSuffixFold(name, ".local"); ok {
		name = h
	}
	return unescapeDNS(name)
}

func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) > len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return s[:len(s)-len(suffix)], true
	}
	return s, false
}

// txtPairs reads DNS-SD TXT strings (RFC 6763 §6.3-6.4): key=value, the
// key compared without case, the first occurrence of a key kept; a
// string without "=" is a boolean key, one starting with "=" ignored.
// Values are unescaped and cut at 256 bytes.
func txtPairs(txt []string) map[string]string {
	out := map[string]string{}
	for _, t := range txt {
		k, v, _ := strings.Cut(unescapeDNS(t), "=")
		if k == "" {
			continue
		}
		if _, dup := out[strings.ToLower(k)]; !dup {
			out[strings.ToLower(k)] = strings.TrimSpace(v[:min(len(v), 256)])
		}
	}
	return out
}

// unescapeDNS undoes miekg/dns's presentation escapes: \DDD and \X.
func unescapeDNS(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] != '\\' || i+1 == len(s):
			b.WriteByte(s[i])
		case i+3 < len(s) && dnsDecimal(s[i+1:i+4]) >= 0:
			b.WriteByte(byte(dnsDecimal(s[i+1 : i+4])))
			i += 3
		default:
			b.WriteByte(s[i+1])
			i++
		}
	}
	return b.String()
}

// dnsDecimal is the byte a \DDD escape's digits give, -1 if none.
func dnsDecimal(ddd string) int {
	n, err := strconv.Atoi(ddd)
	if err != nil || n < 0 || n > 255 || strings.Trim(ddd, "0123456789") != "" {
		return -1
	}
	return n
}
