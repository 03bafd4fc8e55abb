package eve

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/internal/textlog"
)

// emit turns a decoded record into Flows or DNSAnswers; it returns why
// the record is bad, or "".
func (d *decoder) emit(where egress.Location) string {
	ev := &d.ev
	switch ev.kind {
	case kindFlow, kindNetflow:
		return d.flow(where)
	case kindDNS:
		return d.dns(where)
	case kindTLS, kindQUIC:
		via := egress.ViaSNI
		if ev.kind == kindQUIC {
			via = egress.ViaQUICSNI
		}
		return d.named(where, "sni", via)
	case kindHTTP:
		return d.named(where, "hostname", egress.ViaHTTPHost)
	}
	return ""
}

// flow reads a flow record's counters, or a netflow record's (one
// direction's, which go out).
func (d *decoder) flow(where egress.Location) string {
	var n [4]uint64 // out, in, pkts out, pkts in
	var start, end time.Time
	m := membersOf(d.ev.body)
	for key, v, ok := m.next(); ok; key, v, ok = m.next() {
		i := -1
		switch string(key) {
		case "bytes_toserver", "bytes":
			i = 0
		case "bytes_toclient":
			i = 1
		case "pkts_toserver", "pkts":
			i = 2
		case "pkts_toclient":
			i = 3
		case "start", "end":
			t, ok := timeOf(v)
			if !ok {
				return badValue(kindNames[d.ev.kind]+"."+string(key), v, "an RFC 3339 time")
			}
			if key[0] == 's' {
				start = t
			} else {
				end = t
			}
		}
		if i >= 0 {
			var ok bool
			if n[i], ok = numOf(v); !ok {
				return badValue(kindNames[d.ev.kind]+"."+string(key), v, "a count")
			}
		}
	}
	if m.err != nil {
		return "malformed JSON in " + kindNames[d.ev.kind]
	}
	return d.send(where, start, end, n, nil)
}

// send passes a Flow of the record's 5-tuple to the sink. A record
// without its own start (a flow just begun, a tls record) spans the
// instant of its timestamp.
func (d *decoder) send(where egress.Location, start, end time.Time, n [4]uint64, names []egress.Name) string {
	ev := &d.ev
	switch {
	case !ev.src.IsValid() || !ev.dst.IsValid():
		return "no src_ip or dest_ip"
	case !ev.hasProto:
		return "no proto"
	case start.IsZero() && !ev.hasTS:
		return "no timestamp"
	}
	if start.IsZero() {
		start = ev.ts
	}
	if end.Before(start) {
		end = start
	}
	d.out = egress.Flow{
		Start: start, End: end,
		Src: ev.src, Dst: ev.dst, SrcPort: ev.sport, DstPort: ev.dport, Proto: ev.proto,
		BytesOut: n[0], BytesIn: n[1], PktsOut: n[2], PktsIn: n[3],
		Names: names, Where: where,
	}
	if ev.proto == egress.ICMP || ev.proto == egress.ICMPv6 {
		// As Zeek does: ICMP's type and code stand in for the ports.
		d.out.SrcPort, d.out.DstPort = uint16(ev.icmpType), uint16(ev.icmpCode)
	}
	d.sink.Flow(&d.out)
	return ""
}

// named passes a Flow that names the record's destination by the field
// key of the type's object (tls.sni, quic.sni, http.hostname).
func (d *decoder) named(where egress.Location, key string, via egress.NameVia) string {
	var name []byte
	m := membersOf(d.ev.body)
	for k, v, ok := m.next(); ok; k, v, ok = m.next() {
		if string(k) == key {
			var good bool
			if name, good = str(v); !good {
				return badValue(kindNames[d.ev.kind]+"."+key, v, "a string")
			}
		}
	}
	if m.err != nil {
		return "malformed JSON in " + kindNames[d.ev.kind]
	}
	if via == egress.ViaHTTPHost {
		name = textlog.HostOnly(name)
	}
	if len(name) == 0 {
		return "" // no SNI, no Host: nothing to add
	}
	if _, isAddr := textlog.ParseAddr(name); isAddr {
		return "" // an address names nothing
	}
	if len(name) > maxName {
		return fmt.Sprintf("%s.%s of %d bytes: longer than a DNS name", kindNames[d.ev.kind], key, len(name))
	}
	interned := d.names.Intern(name)
	if interned == "" {
		return "" // "." names nothing
	}
	d.nameBuf[0] = egress.Name{Name: interned, Via: via}
	return d.send(where, time.Time{}, time.Time{}, [4]uint64{}, d.nameBuf[:1])
}

// maxName is the longest name kept: a DNS name's 253 bytes and a dot.
const maxName = 254

// dnsPort reports a port DNS servers answer on: plain DNS, DNS over TLS,
// multicast DNS.
func dnsPort(p uint16) bool { return p == 53 || p == 853 || p == 5353 }

// rr is one resource record of a DNS answer, its text in place.
type rr struct {
	name, rrtype, rdata []byte
	ttl                 uint64
}

// rrOf reads the fields of an answer object, or of the dns object itself
// (whose rrname, rrtype, ttl and rdata are an answer's before version 2).
func rrOf(v value) (rr, string) {
	var r rr
	m := membersOf(v)
	for k, v, ok := m.next(); ok; k, v, ok = m.next() {
		var good = true
		switch string(k) {
		case "rrname":
			r.name, good = str(v)
		case "rrtype":
			r.rrtype, good = str(v)
		case "rdata":
			r.rdata, good = str(v)
		case "ttl":
			r.ttl, good = numOf(v)
		}
		if !good {
			return r, badValue("dns "+string(k), v, "of the right type")
		}
	}
	if m.err != nil {
		return r, "malformed JSON in dns"
	}
	return r, ""
}

// dns reads a DNS response's A and AAAA answers.
func (d *decoder) dns(where egress.Location) string {
	ev := &d.ev
	var typ []byte
	var answers, grouped, queries value
	m := membersOf(ev.body)
	for k, v, ok := m.next(); ok; k, v, ok = m.next() {
		switch string(k) {
		case "type":
			typ, _ = str(v)
		case "answers":
			answers = v
		case "grouped":
			grouped = v
		case "queries":
			queries = v
		}
	}
	if m.err != nil {
		return "malformed JSON in dns"
	}
	if string(typ) != "answer" && string(typ) != "response" {
		return "" // a query
	}
	if !ev.hasTS {
		return "no timestamp"
	}
	// The client is the end not on the DNS port. EVE writes a response
	// from the server (src_ip) to the client (dest_ip), the packet's
	// direction, which is also the guess when the ports do not tell.
	client := ev.dst
	if dnsPort(ev.dport) && !dnsPort(ev.sport) {
		client = ev.src
	}
	top, reason := rrOf(ev.body)
	if reason != "" {
		return reason
	}
	query := top.name // version 2 names the query here
	qs := membersOf(queries)
	if _, q, ok := qs.next(); ok { // version 3 names it in queries
		first, reason := rrOf(q)
		if reason != "" {
			return reason
		}
		query = first.name
	}
	if answers.k == kNone && grouped.k == kNone {
		// Before version 2, one record per answer, the answer's fields in
		// the dns object itself; none in a response without answers.
		if len(top.rdata) == 0 {
			return ""
		}
		return d.answer(where, client, top)
	}
	as := membersOf(answers)
	for _, a, ok := as.next(); ok; _, a, ok = as.next() {
		r, reason := rrOf(a)
		if reason != "" {
			return reason
		}
		if len(query) > 0 {
			r.name = query
		}
		if reason := d.answer(where, client, r); reason != "" {
			return reason
		}
	}
	if as.err != nil {
		return "malformed JSON in dns.answers"
	}
	if answers.k != kNone {
		return "" // grouped, when also logged, repeats the same answers
	}
	gs := membersOf(grouped)
	for rrtype, list, ok := gs.next(); ok; rrtype, list, ok = gs.next() {
		ls := membersOf(list)
		for _, a, ok := ls.next(); ok; _, a, ok = ls.next() {
			rdata, _ := str(a)
			if reason := d.answer(where, client, rr{name: query, rrtype: rrtype, rdata: rdata}); reason != "" {
				return reason
			}
		}
		if ls.err != nil {
			return "malformed JSON in dns.grouped"
		}
	}
	if gs.err != nil {
		return "malformed JSON in dns.grouped"
	}
	return ""
}

// answer passes one answer to the sink if it is an address record.
func (d *decoder) answer(where egress.Location, client netip.Addr, r rr) string {
	if string(r.rrtype) != "A" && string(r.rrtype) != "AAAA" {
		return ""
	}
	addr, ok := textlog.ParseAddr(r.rdata)
	if !ok {
		return fmt.Sprintf("dns %s answer %s: not an address", r.rrtype, textlog.Quote(r.rdata))
	}
	name := d.names.Intern(r.name)
	if name == "" || len(name) > maxName {
		return fmt.Sprintf("dns answer %s: no name, or one longer than a DNS name", r.rdata)
	}
	if r.ttl > 1<<31 {
		return fmt.Sprintf("dns answer %s: TTL %d past 2^31 seconds", r.rdata, r.ttl)
	}
	d.ans = egress.DNSAnswer{
		Time: d.ev.ts, Client: client, Name: name,
		Addr: addr, TTL: time.Duration(r.ttl) * time.Second, Where: where,
	}
	d.sink.DNS(&d.ans)
	return ""
}
