package pcap

import (
	"net/netip"
	"time"

	"github.com/embargo-dev/embargo/egress"
)

// flowKey is a 5-tuple with its two ends in a fixed order, so that both
// directions find the same flow.
type flowKey struct {
	a, b   netip.Addr
	ap, bp uint16
	proto  uint8
}

// keyOf returns p's flow key and whether p was sent by the key's a end.
func keyOf(p *packet) (flowKey, bool) {
	c := p.src.Compare(p.dst)
	if c < 0 || c == 0 && p.sport <= p.dport {
		return flowKey{p.src, p.dst, p.sport, p.dport, p.proto}, true
	}
	return flowKey{p.dst, p.src, p.dport, p.sport, p.proto}, false
}

// flow is a flow in the table: the record being built, its place in the
// open or closed list, and the state for learning its names.
type flow struct {
	rec        egress.Flow
	key        flowKey
	srcIsA     bool  // the originator is the key's a end
	last       int64 // capture time of the last packet, ns
	prev, next *flow
	list       *flowList

	sawSYN        bool // a SYN or SYN-ACK: the originator is known
	haveISN       bool // synSeq is the originator's SYN's
	synSeq        uint32
	finOut, finIn bool
	closed        bool // FIN both ways, or RST: lingering

	namesDone bool        // no more client bytes looked at
	hello     *prefix     // client bytes kept while a name may follow
	dns       *dnsStream  // DNS over TCP from the responder
	quic      *cryptoFlow // QUIC Initial CRYPTO stream
	quicSeen  uint8       // client datagrams tried as QUIC Initials
}

// flowList is a list of flows by last activity, least recent first.
type flowList struct{ head, tail *flow }

func (l *flowList) push(f *flow) {
	f.list, f.prev, f.next = l, l.tail, nil
	if l.tail != nil {
		l.tail.next = f
	} else {
		l.head = f
	}
	l.tail = f
}

func (l *flowList) remove(f *flow) {
	if f.prev != nil {
		f.prev.next = f.next
	} else {
		l.head = f.next
	}
	if f.next != nil {
		f.next.prev = f.prev
	} else {
		l.tail = f.prev
	}
	f.list, f.prev, f.next = nil, nil, nil
}

// table holds the open flows. Time is capture time: the latest packet
// time seen, so that a capture out of order does not expire flows early.
type table struct {
	m            map[flowKey]*flow
	open, closed flowList
	max          int
	now          int64
	free         []*flow
	buffered     int                       // bytes held in flows' name buffers
	done         func(f *flow, early bool) // emits a finished flow
}

// expire ends flows idle past IdleTimeout, and closed flows past
// CloseLinger.
func (t *table) expire(now int64) {
	t.now = max(t.now, now)
	for f := t.closed.head; f != nil && t.now-f.last > int64(CloseLinger); f = t.closed.head {
		t.finish(f, false)
	}
	for f := t.open.head; f != nil && t.now-f.last > int64(IdleTimeout); f = t.open.head {
		t.finish(f, false)
	}
}

func (t *table) finish(f *flow, early bool) {
	delete(t.m, f.key)
	f.list.remove(f)
	t.done(f, early)
	t.dropState(f)
	*f = flow{rec: egress.Flow{Names: f.rec.Names[:0]}}
	if len(t.free) < 4096 {
		t.free = append(t.free, f)
	}
}

// flush ends every flow, closed ones first, each list least recent first.
func (t *table) flush() {
	for t.closed.head != nil {
		t.finish(t.closed.head, false)
	}
	for t.open.head != nil {
		t.finish(t.open.head, false)
	}
}

// add counts p in its flow, starting one if needed, and returns the flow
// and whether p went from the originator (out).
func (t *table) add(p *packet, ts time.Time, ns int64, where func() egress.Location) (*flow, bool) {
	t.expire(ns)
	k, fromA := keyOf(p)
	syn := p.proto == egress.TCP && p.tcpFlags&(tcpSYN|tcpACK) == tcpSYN
	f := t.m[k]
	if f != nil && syn && (f.closed || f.haveISN && fromA == f.srcIsA && p.seq != f.synSeq) {
		// A new connection on the same ports: the old one ends here.
		t.finish(f, false)
		f = nil
	}
	if f == nil {
		f = t.start(k, p, fromA, ts, ns, where)
	}
	out := fromA == f.srcIsA
	if syn && !f.sawSYN && !out {
		// The capture began mid-connection and the other side opens now.
		t.swap(f)
		out = true
	}
	if syn {
		f.sawSYN, f.haveISN, f.synSeq = true, true, p.seq
	}
	r := &f.rec
	if out {
		r.PktsOut++
		r.BytesOut += uint64(p.ipLen)
	} else {
		r.PktsIn++
		r.BytesIn += uint64(p.ipLen)
	}
	// A Simple Packet Block has no time: it moves neither end.
	if !ts.IsZero() && (r.Start.IsZero() || ts.Before(r.Start)) {
		r.Start = ts
	}
	if ts.After(r.End) {
		r.End = ts
	}
	f.last = max(f.last, ns)
	f.list.remove(f)
	if p.proto == egress.TCP && !f.closed {
		f.finOut = f.finOut || out && p.tcpFlags&tcpFIN != 0
		f.finIn = f.finIn || !out && p.tcpFlags&tcpFIN != 0
		f.closed = p.tcpFlags&tcpRST != 0 || f.finOut && f.finIn
	}
	if f.closed {
		t.closed.push(f)
	} else {
		t.open.push(f)
	}
	return f, out
}

// start opens a flow for p. Its originator is p's sender, except that
// the receiver of a SYN-ACK is the one who sent the SYN.
func (t *table) start(k flowKey, p *packet, fromA bool, ts time.Time, ns int64, where func() egress.Location) *flow {
	if len(t.m) >= t.max {
		if t.closed.head != nil {
			t.finish(t.closed.head, false)
		} else {
			t.finish(t.open.head, true)
		}
	}
	var f *flow
	if n := len(t.free); n > 0 {
		f, t.free = t.free[n-1], t.free[:n-1]
	} else {
		f = new(flow)
	}
	f.key, f.srcIsA, f.last = k, fromA, ns
	r := &f.rec
	r.Src, r.Dst, r.SrcPort, r.DstPort, r.Proto = p.src, p.dst, p.sport, p.dport, p.proto
	r.Start, r.End, r.Where = ts, ts, where()
	if p.proto == egress.TCP && p.tcpFlags&(tcpSYN|tcpACK) == tcpSYN|tcpACK {
		t.swap(f)
		f.sawSYN = true
	}
	t.m[k] = f
	t.open.push(f)
	return f
}

// swap makes the other end the originator. Client state learnt from the
// wrong direction is dropped; names already learnt are kept.
func (t *table) swap(f *flow) {
	r := &f.rec
	f.srcIsA = !f.srcIsA
	r.Src, r.Dst, r.SrcPort, r.DstPort = r.Dst, r.Src, r.DstPort, r.SrcPort
	r.BytesOut, r.BytesIn, r.PktsOut, r.PktsIn = r.BytesIn, r.BytesOut, r.PktsIn, r.PktsOut
	f.finOut, f.finIn = f.finIn, f.finOut
	t.dropState(f)
	f.namesDone, f.quicSeen = false, 0
}

// dropState frees a flow's name buffers.
func (t *table) dropState(f *flow) {
	if f.hello != nil {
		t.buffered -= cap(f.hello.buf)
	}
	if f.dns != nil {
		t.buffered -= cap(f.dns.buf)
	}
	if f.quic != nil {
		t.buffered -= cap(f.quic.buf)
	}
	f.hello, f.dns, f.quic = nil, nil, nil
}

// addName records a name for the flow's destination once.
func (f *flow) addName(name string, via egress.NameVia) {
	for _, n := range f.rec.Names {
		if n.Name == name && n.Via == via {
			return
		}
	}
	f.rec.Names = append(f.rec.Names, egress.Name{Name: name, Via: via})
}

// keep appends data to a flow's buffer within MaxBuffered.
func (t *table) keep(buf *[]byte, data []byte) bool {
	old := cap(*buf)
	if len(*buf)+len(data) > old && t.buffered+len(*buf)+len(data)-old > MaxBuffered {
		return false
	}
	*buf = append(*buf, data...)
	t.buffered += cap(*buf) - old
	return true
}

// grow extends a flow's buffer to n bytes within MaxBuffered.
func (t *table) grow(buf *[]byte, n int) bool {
	if n <= len(*buf) {
		return true
	}
	old := cap(*buf)
	if n > old && t.buffered+n-old > MaxBuffered {
		return false
	}
	*buf = append(*buf, make([]byte, n-len(*buf))...)
	t.buffered += cap(*buf) - old
	return true
}
