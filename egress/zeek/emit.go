package zeek

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/egress/internal/textlog"
)

// emit turns one record of a known log into Flows or DNSAnswers; it
// returns why the record is bad, or "".
func (d *decoder) emit(kind logKind, where egress.Location) string {
	switch kind {
	case logConn:
		return d.conn(where)
	case logDNS:
		return d.dns(where)
	case logSSL:
		return d.named(where, sServerName, egress.ViaSNI, egress.TCP)
	case logQUIC:
		return d.named(where, sServerName, egress.ViaQUICSNI, egress.UDP)
	case logHTTP:
		return d.named(where, sHost, egress.ViaHTTPHost, egress.TCP)
	}
	return ""
}

// conn reads a conn.log record: one Flow with its bytes and packets.
func (d *decoder) conn(where egress.Location) string {
	f := &d.flow
	*f = egress.Flow{Where: where}
	if r := d.tuple(f); r != "" {
		return r
	}
	switch v := d.rec.v[sProto]; string(v.b) {
	case "tcp":
		f.Proto = egress.TCP
	case "udp":
		f.Proto = egress.UDP
	case "icmp":
		f.Proto = egress.ICMP
		if f.Src.Is6() {
			f.Proto = egress.ICMPv6 // Zeek says "icmp" for both
		}
	case "unknown_transport":
	default:
		return fmt.Sprintf("proto %s: not a transport Zeek names", textlog.Quote(v.b))
	}
	// ip_proto (Zeek 7.1 and later) is the IP protocol number itself.
	if n, ok, r := d.count(sIPProto); r != "" {
		return r
	} else if ok {
		if n > 255 {
			return fmt.Sprintf("ip_proto %d: not a protocol number", n)
		}
		f.Proto = uint8(n)
	}
	f.End = f.Start
	if v := d.rec.v[sDuration]; v.k != kAbsent {
		sec, nsec, ok := parseSeconds(v.b)
		if !ok || v.k != kTSV && v.k != kNum {
			return "duration " + textlog.Quote(v.b) + ": not an interval"
		}
		f.End = f.Start.Add(time.Duration(sec)*time.Second + time.Duration(nsec))
	}
	// orig_bytes and resp_bytes count payload (from TCP sequence numbers,
	// or UDP and ICMP payloads): what the endpoints sent. Zeek leaves them
	// unset when it could not count payload; then orig_ip_bytes and
	// resp_ip_bytes, the IP-level sizes with headers, stand in for both
	// directions, so that one Flow never mixes the two measures.
	out, okOut, r1 := d.count(sOrigBytes)
	in, okIn, r2 := d.count(sRespBytes)
	if !okOut && !okIn && r1 == "" && r2 == "" {
		out, _, r1 = d.count(sOrigIPBytes)
		in, _, r2 = d.count(sRespIPBytes)
	}
	pOut, _, r3 := d.count(sOrigPkts)
	pIn, _, r4 := d.count(sRespPkts)
	for _, r := range [...]string{r1, r2, r3, r4} {
		if r != "" {
			return r
		}
	}
	f.BytesOut, f.BytesIn, f.PktsOut, f.PktsIn = out, in, pOut, pIn
	d.sink.Flow(f)
	return ""
}

// named reads an ssl.log, quic.log or http.log record. Its Flow carries
// the name the client asked for, with zero bytes and packets: it names
// the destination of the connection (the same uid and 5-tuple in
// conn.log), whose own Flow carries the bytes, so the aggregator adds the
// name to that destination without counting the traffic twice.
func (d *decoder) named(where egress.Location, s slot, via egress.NameVia, proto uint8) string {
	v := d.rec.v[s]
	if v.k == kAbsent || v.k == kEmpty {
		return "" // no SNI, no Host: nothing to add to conn.log
	}
	b, ok := text(v, d.scratch)
	if !ok {
		return slotNames[s] + " " + textlog.Quote(v.b) + ": not a string"
	}
	d.scratch = b[:0]
	if s == sHost {
		b = textlog.HostOnly(b)
	}
	if _, isAddr := textlog.ParseAddr(b); isAddr || len(b) == 0 {
		return "" // an address names nothing
	}
	if len(b) > maxName {
		return fmt.Sprintf("%s of %d bytes: longer than a DNS name", slotNames[s], len(b))
	}
	f := &d.flow
	*f = egress.Flow{Where: where, Proto: proto}
	if r := d.tuple(f); r != "" {
		return r
	}
	f.End = f.Start
	name := d.names.Intern(b)
	if name == "" {
		return "" // "." names nothing
	}
	d.nameBuf[0] = egress.Name{Name: name, Via: via}
	f.Names = d.nameBuf[:1]
	d.sink.Flow(f)
	return ""
}

// maxName is the longest name kept: a DNS name's 253 bytes and a dot.
const maxName = 254

// dns reads a dns.log record: one DNSAnswer for each address among the
// answers, named by the query the client sent (the CNAME chain between
// them is not kept), with the TTL at the same place in TTLs.
func (d *decoder) dns(where egress.Location) string {
	r := &d.rec
	q := r.v[sQuery]
	if q.k == kAbsent || q.k == kEmpty || r.v[sAnswers].k == kAbsent || r.v[sAnswers].k == kEmpty {
		return "" // a query without answers
	}
	at, reason := d.time()
	if reason != "" {
		return reason
	}
	client, ok := textlog.ParseAddr(r.v[sOrigH].b)
	if !ok {
		return d.badValue(sOrigH, "an IP address")
	}
	b, ok := text(q, d.scratch)
	if !ok || len(b) > maxName {
		return "query " + textlog.Quote(q.b) + ": not a DNS name"
	}
	d.scratch = b[:0]
	name := d.names.Intern(b)
	if name == "" {
		return "query empty: its answers name nothing"
	}
	answers, ttls := r.items(sAnswers), r.items(sTTLs)
	for {
		a, more := answers.next()
		if !more {
			break
		}
		t, hasTTL := ttls.next()
		addr, ok := textlog.ParseAddr(a.b)
		if !ok {
			continue // a CNAME, or another type's data
		}
		d.ans = egress.DNSAnswer{Time: at, Client: client, Name: name, Addr: addr, Where: where}
		if hasTTL {
			sec, nsec, ok := parseSeconds(t.b)
			if !ok {
				return "TTLs " + textlog.Quote(t.b) + ": not an interval"
			}
			d.ans.TTL = time.Duration(sec)*time.Second + time.Duration(nsec)
		}
		d.sink.DNS(&d.ans)
	}
	if answers.err || ttls.err {
		return "answers or TTLs: not a JSON array of strings or numbers"
	}
	return ""
}

// tuple sets a Flow's start and endpoints from ts and id.
func (d *decoder) tuple(f *egress.Flow) string {
	var reason string
	if f.Start, reason = d.time(); reason != "" {
		return reason
	}
	var ok bool
	if f.Src, ok = d.addr(sOrigH); !ok {
		return d.badValue(sOrigH, "an IP address")
	}
	if f.Dst, ok = d.addr(sRespH); !ok {
		return d.badValue(sRespH, "an IP address")
	}
	if f.SrcPort, ok = d.port(sOrigP); !ok {
		return d.badValue(sOrigP, "a port")
	}
	if f.DstPort, ok = d.port(sRespP); !ok {
		return d.badValue(sRespP, "a port")
	}
	return ""
}

func (d *decoder) addr(s slot) (netip.Addr, bool) {
	v := d.rec.v[s]
	if v.k != kTSV && v.k != kStr {
		return netip.Addr{}, false
	}
	return textlog.ParseAddr(v.b)
}

func (d *decoder) port(s slot) (uint16, bool) {
	v := d.rec.v[s]
	if v.k != kTSV && v.k != kNum {
		return 0, false
	}
	return parsePort(v.b)
}

// time reads ts: epoch seconds (TSV, and JSON's default), an RFC 3339
// string (JSON::TS_ISO8601), or epoch milliseconds (JSON::TS_MILLIS, told
// from seconds by having no fraction and more than 11 digits).
func (d *decoder) time() (time.Time, string) {
	v := d.rec.v[sTS]
	switch v.k {
	case kTSV, kNum:
		if len(v.b) > 11 && v.k == kNum {
			if ms, ok := textlog.ParseUint(v.b); ok {
				return time.UnixMilli(int64(ms)).UTC(), ""
			}
		}
		if sec, nsec, ok := parseSeconds(v.b); ok {
			return time.Unix(sec, nsec).UTC(), ""
		}
	case kStr:
		if t, ok := textlog.ParseISOTime(v.b); ok {
			return t, ""
		}
	}
	return time.Time{}, d.badValue(sTS, "a time")
}

// count reads an optional count: its value, whether it was set, and why
// it is bad if it is.
func (d *decoder) count(s slot) (uint64, bool, string) {
	v := d.rec.v[s]
	if v.k == kAbsent {
		return 0, false, ""
	}
	if v.k == kTSV || v.k == kNum {
		if n, ok := textlog.ParseUint(v.b); ok {
			return n, true, ""
		}
	}
	return 0, false, d.badValue(s, "a count")
}

// badValue says why a slot's value is bad: missing, or not what it
// should be.
func (d *decoder) badValue(s slot, what string) string {
	v := d.rec.v[s]
	switch v.k {
	case kAbsent:
		return "no " + slotNames[s]
	case kEmpty:
		return slotNames[s] + " empty: not " + what
	}
	return slotNames[s] + " " + textlog.Quote(v.b) + ": not " + what
}
