package netflow

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"

	"github.com/embargo-dev/embargo/egress"
)

// Decoder decodes the export datagrams of one exporter: NetFlow v5, v9
// and IPFIX. It keeps the exporter's v9 and IPFIX templates, keyed by
// exporter address, observation domain (source ID) and template ID, and
// counts what it could not decode. It is not safe for concurrent use.
type Decoder struct {
	limits    Limits
	templates map[templateKey]*template
	// sysInit holds each IPFIX observation domain's systemInitTimeMilliseconds
	// (from options records): the base of flowStart/EndSysUpTime.
	sysInit  map[domainKey]int64
	counters Counters
	flow     egress.Flow // reused for every record; sinks copy what they keep
	scratch  []byte      // builds position strings
}

type domainKey struct {
	exporter netip.Addr
	version  uint16
	domain   uint32
}

type templateKey struct {
	domainKey
	id uint16
}

// NewDecoder returns a Decoder with no templates.
func NewDecoder(limits Limits) *Decoder {
	return &Decoder{
		limits:    limits.withDefaults(),
		templates: make(map[templateKey]*template),
		sysInit:   make(map[domainKey]int64),
	}
}

// Counters returns what this Decoder has decoded so far; Dropped is
// always zero (only a Listener drops).
func (d *Decoder) Counters() Counters { return d.counters }

// Decode decodes one export datagram received from exporter and hands
// each flow record to sink.Flow and each problem to sink.Bad. Positions
// are where with " set S record R" (1-based, v9/IPFIX) or " record R"
// (v5) appended to its Record, and the byte offset of the record within
// the datagram added to its Offset.
//
// Each record becomes one Flow in the direction it was exported
// (BytesOut and PktsOut are the record's counts from Src to Dst; BytesIn
// and PktsIn are set only by IPFIX biflow records). Start and End are
// absolute: uptime-relative times are resolved against the export
// header (v5, v9) or the domain's systemInitTimeMilliseconds (IPFIX); a
// record whose times cannot be resolved gets the export time as both.
func (d *Decoder) Decode(exporter netip.AddrPort, pkt []byte, where egress.Location, sink egress.Sink) {
	d.counters.Packets++
	p := packet{d: d, buf: pkt, where: where, sink: sink}
	p.key.exporter = exporter.Addr().Unmap()
	if len(pkt) > d.limits.MaxDatagram {
		p.bad(0, 0, 0, fmt.Sprintf("datagram of %d bytes is longer than the limit of %d", len(pkt), d.limits.MaxDatagram))
		return
	}
	if len(pkt) < 2 {
		p.bad(0, 0, 0, fmt.Sprintf("datagram of %d bytes is too short for a version number", len(pkt)))
		return
	}
	p.key.version = binary.BigEndian.Uint16(pkt)
	switch p.key.version {
	case 5:
		p.decodeV5()
	case 9:
		p.decodeV9()
	case 10:
		p.decodeIPFIX()
	default:
		p.bad(0, 0, 0, fmt.Sprintf("unsupported version %d", p.key.version))
	}
}

// packet is the state of one datagram being decoded.
type packet struct {
	d     *Decoder
	buf   []byte
	where egress.Location
	sink  egress.Sink
	key   domainKey
	// exportNs is the export time (Unix ns) from the header.
	exportNs int64
	// uptime is the exporter's uptime in ms at export time, when known:
	// the base for FIRST_SWITCHED/LAST_SWITCHED.
	uptime     uint32
	haveUptime bool
	nbad       int // problems reported so far
}

// MaxBadPerDatagram bounds the problems reported for one datagram: at
// the last one the rest of the datagram is skipped, so that one hostile
// datagram cannot become thousands of reports.
const MaxBadPerDatagram = 16

// bad reports a problem at set (1-based, 0 for the datagram), record
// (1-based, 0 for the whole set) and byte offset off in the datagram.
func (p *packet) bad(set, record, off int, reason string) {
	if p.stopped() {
		return
	}
	p.nbad++
	if p.stopped() {
		reason += fmt.Sprintf(" (problem %d in this datagram: the rest of it is skipped)", p.nbad)
	}
	p.d.counters.Bad++
	p.sink.Bad(egress.Bad{Where: p.loc(set, record, off), Reason: reason})
}

func (p *packet) stopped() bool { return p.nbad >= MaxBadPerDatagram }

func (p *packet) loc(set, record, off int) egress.Location {
	l := p.where
	l.Offset += int64(off)
	b := append(p.d.scratch[:0], l.Record...)
	if set > 0 {
		if len(b) > 0 {
			b = append(b, ' ')
		}
		b = append(b, "set "...)
		b = strconv.AppendInt(b, int64(set), 10)
	}
	if record > 0 {
		if len(b) > 0 {
			b = append(b, ' ')
		}
		b = append(b, "record "...)
		b = strconv.AppendInt(b, int64(record), 10)
	}
	p.d.scratch = b
	l.Record = string(b)
	return l
}

// decodeV9 decodes a NetFlow v9 datagram (RFC 3954): a 20-byte header,
// then sets. The header's record count is not relied on: exporters
// disagree on what it counts.
func (p *packet) decodeV9() {
	b := p.buf
	if len(b) < 20 {
		p.bad(0, 0, 0, fmt.Sprintf("truncated header: v9 datagram of %d bytes, header needs 20", len(b)))
		return
	}
	p.uptime = binary.BigEndian.Uint32(b[4:])
	p.haveUptime = true
	p.exportNs = int64(binary.BigEndian.Uint32(b[8:])) * 1e9
	p.key.domain = binary.BigEndian.Uint32(b[16:])
	p.sets(20, len(b))
}

// decodeIPFIX decodes an IPFIX message (RFC 7011): a 16-byte header whose
// length covers the message, then sets.
func (p *packet) decodeIPFIX() {
	b := p.buf
	if len(b) < 16 {
		p.bad(0, 0, 0, fmt.Sprintf("truncated header: IPFIX datagram of %d bytes, header needs 16", len(b)))
		return
	}
	n := int(binary.BigEndian.Uint16(b[2:]))
	if n < 16 {
		p.bad(0, 0, 0, fmt.Sprintf("IPFIX message length %d is shorter than its 16-byte header", n))
		return
	}
	p.exportNs = int64(binary.BigEndian.Uint32(b[4:])) * 1e9
	p.key.domain = binary.BigEndian.Uint32(b[12:])
	if ms, ok := p.d.sysInit[p.key]; ok {
		p.uptime = uint32(p.exportNs/1e6 - ms)
		p.haveUptime = true
	}
	if reported := p.sets(16, min(n, len(b))); n > len(b) && !reported {
		p.bad(0, 0, 0, fmt.Sprintf("truncated datagram: IPFIX message length %d, datagram has %d bytes", n, len(b)))
	}
}
