package pcap

import (
	"fmt"

	"github.com/embargo-dev/embargo/egress"
)

// run is the state of one read: the flow table, the counters, scratch.
type run struct {
	name   string
	sink   egress.Sink
	maxBad int64
	stats  Stats
	table  table
	f      *frame // the frame being read
	pkt    packet
	// unknown lists interfaces with packets of an undecoded link type,
	// in the order met, to report each once at the end.
	unknown    []*iface
	earlyFirst egress.Location

	scratch, quicHdr, quicPlain []byte
}

func newRun(rd *Reader, name string, sink egress.Sink) *run {
	r := &run{name: name, sink: sink, maxBad: int64(rd.Limits.MaxBad)}
	if r.maxBad <= 0 {
		r.maxBad = int64(egress.DefaultLimits.MaxBad)
	}
	r.table = table{m: make(map[flowKey]*flow), max: rd.maxFlows, done: r.emit}
	if r.table.max <= 0 {
		r.table.max = MaxFlows
	}
	return r
}

// bad reports a Bad while under Limits.MaxBad, and counts it always.
func (r *run) bad(where egress.Location, reason string) {
	r.stats.Bad++
	if r.stats.Bad <= r.maxBad {
		r.sink.Bad(egress.Bad{Where: where, Reason: reason})
	}
}

func (r *run) badPacket(where egress.Location, reason string) {
	r.stats.Malformed++
	r.bad(where, reason)
}

// where is the position of the frame being read.
func (r *run) where() egress.Location {
	return egress.Location{Source: r.name, Offset: r.f.off, Record: fmt.Sprintf("packet %d", r.f.num)}
}

func (r *run) frame(f *frame) {
	r.f = f
	v, why := decode(f.ifc.link, f.data, &r.pkt)
	switch v {
	case decIP:
		r.ip(f)
	case decNonIP:
		r.stats.NonIP++
	case decFragment:
		r.stats.Fragments++
	case decUnknownLink:
		if f.ifc.unknown == 0 {
			f.ifc.first = r.where()
			r.unknown = append(r.unknown, f.ifc)
		}
		f.ifc.unknown++
		r.stats.UnknownLink++
	case decMalformed:
		r.badPacket(r.where(), why)
	}
}

func (r *run) ip(f *frame) {
	r.stats.IP++
	p := &r.pkt
	var ns int64
	if !f.ts.IsZero() {
		ns = f.ts.UnixNano()
	}
	fl, out := r.table.add(p, f.ts, ns, r.where)
	switch p.proto {
	case egress.TCP:
		if p.sport == 53 {
			r.dnsTCP(fl, p, f.ts)
		}
		if out {
			r.clientTCP(fl, p)
		}
	case egress.UDP:
		if p.sport == 53 && len(p.payload) > 0 {
			r.dnsAnswers(p.payload, p.dst, f.ts, r.where())
		}
		if out {
			r.clientUDP(fl, p)
		}
	}
}

// emit hands a finished flow to the sink.
func (r *run) emit(f *flow, early bool) {
	r.stats.Flows++
	if early {
		if r.stats.EarlyFlushed == 0 {
			r.earlyFirst = r.where()
		}
		r.stats.EarlyFlushed++
	}
	r.sink.Flow(&f.rec)
}

// finish emits the flows still open and the reports kept for the end,
// which are not held back by Limits.MaxBad.
func (r *run) finish() {
	r.table.flush()
	hidden := max(0, r.stats.Bad-r.maxBad)
	summary := func(where egress.Location, reason string) {
		r.stats.Bad++
		r.sink.Bad(egress.Bad{Where: where, Reason: reason})
	}
	for _, ifc := range r.unknown {
		summary(ifc.first, fmt.Sprintf("%s: link type %d is not decoded; its %d packets are counted only", ifc.desc, ifc.link, ifc.unknown))
	}
	if n := r.stats.EarlyFlushed; n > 0 {
		summary(r.earlyFirst, fmt.Sprintf("flow table full at %d flows: %d flows emitted before they ended, the first at this packet", r.table.max, n))
	}
	if hidden > 0 {
		summary(egress.Location{Source: r.name}, fmt.Sprintf("%d more bad records not reported one by one (limit %d)", hidden, r.maxBad))
	}
}

// prefix holds a TCP flow's first client bytes until a name is found.
type prefix struct {
	buf  []byte
	next uint32 // sequence number expected next
	segs int
}

// clientTCP looks for a name in the first client bytes of a TCP flow.
func (r *run) clientTCP(f *flow, p *packet) {
	if f.namesDone || len(p.payload) == 0 {
		return
	}
	h := f.hello
	if h == nil {
		// Most names come whole in the first segment: nothing is copied.
		if r.learn(f, p.payload) != stNeedMore {
			f.namesDone = true
			return
		}
		h = &prefix{next: p.seq + uint32(len(p.payload)), segs: 1}
		f.hello = h
		if !r.table.keep(&h.buf, p.payload) {
			r.stats.Unbuffered++
			r.helloDone(f)
		}
		return
	}
	data, ok := inOrder(&h.next, p.seq, p.payload)
	if !ok {
		r.helloDone(f) // bytes missing: what follows cannot be placed
		return
	}
	if len(data) == 0 {
		return
	}
	data = data[:min(len(data), MaxHello-len(h.buf))]
	if !r.table.keep(&h.buf, data) {
		r.stats.Unbuffered++
		r.helloDone(f)
		return
	}
	h.segs++
	if r.learn(f, h.buf) != stNeedMore || h.segs >= MaxHelloSegments || len(h.buf) >= MaxHello {
		r.helloDone(f)
	}
}

func (r *run) helloDone(f *flow) {
	if f.hello != nil {
		r.table.buffered -= cap(f.hello.buf)
		f.hello = nil
	}
	f.namesDone = true
}

// learn tries the client bytes so far as a TLS ClientHello or an HTTP
// request.
func (r *run) learn(f *flow, b []byte) status {
	var name string
	var st status
	var err error
	var via egress.NameVia
	switch {
	case b[0] == 22:
		name, st, err = tlsRecordsSNI(b, &r.scratch)
		via = egress.ViaSNI
	case isHTTP(b):
		name, st, err = httpHost(b)
		via = egress.ViaHTTPHost
	default:
		return stDone
	}
	if err != nil {
		r.badPacket(r.where(), err.Error())
	}
	if name != "" {
		f.addName(name, via)
	}
	return st
}

// clientUDP tries a flow's first client datagrams as QUIC Initials.
func (r *run) clientUDP(f *flow, p *packet) {
	if f.namesDone || f.quicSeen >= MaxQUICPackets {
		return
	}
	f.quicSeen++
	if !isQUICInitial(p.payload) {
		return
	}
	plain, err := openInitial(p.payload, &r.quicHdr, &r.quicPlain)
	if err != nil {
		r.badPacket(r.where(), err.Error())
		return
	}
	if f.quic == nil {
		f.quic = &cryptoFlow{}
	}
	if err := r.cryptoFrames(f.quic, plain); err != nil {
		r.badPacket(r.where(), err.Error())
	}
	msg := f.quic.contiguous()
	if len(msg) < 4 {
		return
	}
	if size := 4 + (int(msg[1])<<16 | int(msg[2])<<8 | int(msg[3])); msg[0] == 1 && size <= MaxHello {
		if len(msg) < size {
			return
		}
		name, err := clientHelloSNI(msg[4:size])
		if err != nil {
			r.badPacket(r.where(), "QUIC "+err.Error())
		}
		if name != "" {
			f.addName(name, egress.ViaQUICSNI)
		}
	}
	r.table.buffered -= cap(f.quic.buf)
	f.quic, f.namesDone = nil, true
}
