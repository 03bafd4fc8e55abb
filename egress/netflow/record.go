package netflow

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/embargo-dev/embargo/egress"
)

// kind is what a template field means to a Flow.
type kind uint8

const (
	skip       kind = iota
	octets          // IN_BYTES (1) / octetDeltaCount
	packets         // IN_PKTS (2) / packetDeltaCount
	outBytes        // OUT_BYTES (23) / postOctetDeltaCount: the same direction, counted after the device
	outPkts         // OUT_PKTS (24) / postPacketDeltaCount
	totBytes        // octetTotalCount (85)
	totPkts         // packetTotalCount (86)
	revBytes        // reverseOctetDeltaCount (RFC 5103, enterprise 29305)
	revPkts         // reversePacketDeltaCount
	proto           // PROTOCOL (4)
	srcPort         // L4_SRC_PORT (7)
	dstPort         // L4_DST_PORT (11)
	src4            // IPV4_SRC_ADDR (8)
	dst4            // IPV4_DST_ADDR (12)
	src6            // IPV6_SRC_ADDR (27)
	dst6            // IPV6_DST_ADDR (28)
	firstUp         // FIRST_SWITCHED (22) / flowStartSysUpTime, ms of uptime
	lastUp          // LAST_SWITCHED (21) / flowEndSysUpTime
	startSec        // flowStartSeconds (150)
	endSec          // flowEndSeconds (151)
	startMs         // flowStartMilliseconds (152)
	endMs           // flowEndMilliseconds (153)
	startUs         // flowStartMicroseconds (154), NTP format
	endUs           // flowEndMicroseconds (155)
	startNs         // flowStartNanoseconds (156), NTP format
	endNs           // flowEndNanoseconds (157)
	startDelta      // flowStartDeltaMicroseconds (158), before export
	endDelta        // flowEndDeltaMicroseconds (159)
	sysInit         // systemInitTimeMilliseconds (160), in options records
	numKinds
)

// reversePEN is the enterprise number of RFC 5103's reverse elements.
const reversePEN = 29305

var kindByType = map[uint16]kind{
	1: octets, 2: packets, 4: proto, 7: srcPort, 8: src4, 11: dstPort, 12: dst4,
	21: lastUp, 22: firstUp, 23: outBytes, 24: outPkts, 27: src6, 28: dst6,
	85: totBytes, 86: totPkts, 150: startSec, 151: endSec, 152: startMs, 153: endMs,
	154: startUs, 155: endUs, 156: startNs, 157: endNs, 158: startDelta, 159: endDelta,
}

// kindOf maps a field to its kind. Options records matter only for the
// IPFIX system init time; other enterprise fields are skipped by length.
func kindOf(pen uint32, typ uint16, options, ipfix bool) kind {
	switch {
	case options:
		if ipfix && pen == 0 && typ == 160 {
			return sysInit
		}
		return skip
	case pen == reversePEN && typ == 1:
		return revBytes
	case pen == reversePEN && typ == 2:
		return revPkts
	case pen != 0:
		return skip
	}
	return kindByType[typ]
}

// fits reports whether a field of kind k can be n bytes long: unsigned
// values may use reduced-size encoding (RFC 7011 §6.2), addresses and
// NTP timestamps may not.
func (k kind) fits(n uint16) bool {
	switch k {
	case src4, dst4:
		return n == 4
	case src6, dst6:
		return n == 16
	case startUs, endUs, startNs, endNs:
		return n == 8
	case proto:
		return n == 1
	case srcPort, dstPort:
		return n >= 1 && n <= 2
	case firstUp, lastUp, startSec, endSec, startDelta, endDelta:
		return n >= 1 && n <= 4
	}
	return n >= 1 && n <= 8
}

// values holds the mapped fields of one record.
type values struct {
	have       uint32 // bit k set when kind k was present
	u          [numKinds]uint64
	src4, dst4 [4]byte
	src6, dst6 [16]byte
}

func (v *values) has(k kind) bool { return v.have&(1<<k) != 0 }

// record decodes one data record of t at the start of b and returns its
// length, or -1 when b ends inside it.
func (p *packet) record(t *template, b []byte, s, r, at int) int {
	var v values
	pos := 0
	for i := range t.fields {
		f := &t.fields[i]
		n := int(f.n)
		if f.varlen {
			if pos >= len(b) {
				return -1
			}
			n = int(b[pos])
			pos++
			if n == 255 {
				if len(b)-pos < 2 {
					return -1
				}
				n = int(b[pos])<<8 | int(b[pos+1])
				pos += 2
			}
		}
		if n > len(b)-pos {
			return -1
		}
		if f.kind != skip {
			v.set(f.kind, b[pos:pos+n])
		}
		pos += n
	}
	if t.options {
		p.option(&v)
	} else {
		p.emit(&v, s, r, at)
	}
	return pos
}

func (v *values) set(k kind, b []byte) {
	v.have |= 1 << k
	switch k {
	case src4:
		v.src4 = [4]byte(b)
	case dst4:
		v.dst4 = [4]byte(b)
	case src6:
		v.src6 = [16]byte(b)
	case dst6:
		v.dst6 = [16]byte(b)
	default:
		var u uint64
		for _, c := range b {
			u = u<<8 | uint64(c)
		}
		v.u[k] = u
	}
}

// option takes what an options record says about the exporter: the IPFIX
// system init time, base of the uptime-relative times that follow.
func (p *packet) option(v *values) {
	if !v.has(sysInit) {
		return
	}
	ms := int64(v.u[sysInit])
	if !plausible(ms * 1e6) {
		return
	}
	if _, ok := p.d.sysInit[p.key]; ok || len(p.d.sysInit) < p.d.limits.MaxTemplates {
		p.d.sysInit[p.key] = ms
	}
	p.uptime = uint32(p.exportNs/1e6 - ms)
	p.haveUptime = true
}

// emit turns a data record into a Flow for the sink.
func (p *packet) emit(v *values, s, r, at int) {
	f := &p.d.flow
	*f = egress.Flow{}
	f.Src = pick(v, src4, src6, v.src4, v.src6)
	f.Dst = pick(v, dst4, dst6, v.dst4, v.dst6)
	if !f.Src.IsValid() && !f.Dst.IsValid() {
		p.bad(s, r, at, fmt.Sprintf("record at offset %d carries no IP addresses", at))
		return
	}
	f.SrcPort, f.DstPort, f.Proto = uint16(v.u[srcPort]), uint16(v.u[dstPort]), uint8(v.u[proto])
	f.BytesOut = first(v, octets, outBytes, totBytes)
	f.PktsOut = first(v, packets, outPkts, totPkts)
	f.BytesIn, f.PktsIn = v.u[revBytes], v.u[revPkts]
	f.Start = time.Unix(0, p.when(v, startMs, startNs, startUs, startSec, firstUp, startDelta)).UTC()
	f.End = time.Unix(0, p.when(v, endMs, endNs, endUs, endSec, lastUp, endDelta)).UTC()
	f.Where = p.loc(s, r, at)
	p.d.counters.Flows++
	p.sink.Flow(f)
}

// pick prefers the IPv6 address when the IPv4 one is absent or zero
// (templates that carry both fill in one).
func pick(v *values, k4, k6 kind, a4 [4]byte, a6 [16]byte) netip.Addr {
	switch {
	case v.has(k6) && (!v.has(k4) || a4 == [4]byte{}):
		return netip.AddrFrom16(a6)
	case v.has(k4):
		return netip.AddrFrom4(a4)
	}
	return netip.Addr{}
}

func first(v *values, ks ...kind) uint64 {
	for _, k := range ks {
		if v.has(k) {
			return v.u[k]
		}
	}
	return 0
}
