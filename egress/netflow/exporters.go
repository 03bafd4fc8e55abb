package netflow

import (
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/embargo-dev/embargo/egress"
)

// exporter is what the decoding goroutine keeps per exporter address.
type exporter struct {
	dec       *Decoder
	seen      time.Time
	datagrams uint64
}

// exporters maps exporter addresses to their decoders, at most
// MaxExporters of them; only the decoding goroutine touches it.
type exporters struct {
	limits    Limits
	m         map[netip.Addr]*exporter
	lastSweep time.Time
}

// get returns addr's exporter, making one if there is room, or nil.
func (x *exporters) get(addr netip.Addr, now time.Time) *exporter {
	if e := x.m[addr]; e != nil {
		e.seen = now
		return e
	}
	if len(x.m) >= x.limits.MaxExporters && now.Sub(x.lastSweep) > time.Second {
		// Sweeping at most once a second keeps a flood from spoofed
		// addresses from costing a scan per datagram.
		x.lastSweep = now
		for a, e := range x.m {
			if now.Sub(e.seen) > ExporterIdle {
				delete(x.m, a)
			}
		}
	}
	if len(x.m) >= x.limits.MaxExporters {
		return nil
	}
	e := &exporter{dec: NewDecoder(x.limits), seen: now}
	x.m[addr] = e
	return e
}

// decode decodes queued datagrams until the queue is closed.
func (l *Listener) decode(q <-chan datagram, sink egress.Sink) {
	x := exporters{limits: l.limits, m: make(map[netip.Addr]*exporter)}
	var rec []byte
	for d := range q {
		l.packets.Add(1)
		if d.buf != nil {
			l.queued.Add(-int64(len(*d.buf)))
		}
		e := x.get(d.from.Addr(), time.Now())
		if e == nil || d.buf == nil {
			l.bad.Add(1)
			reason := fmt.Sprintf("datagram from %s refused: the listener already decodes for the limit of %d exporters", d.from, l.limits.MaxExporters)
			if d.buf == nil {
				reason = fmt.Sprintf("datagram of %d bytes from %s is longer than the limit of %d", d.oversize, d.from, l.limits.MaxDatagram)
			}
			sink.Bad(egress.Bad{Where: egress.Location{Source: l.source}, Reason: reason})
			release(d.buf)
			continue
		}
		e.datagrams++
		rec = d.from.AppendTo(append(rec[:0], "from "...))
		rec = strconv.AppendUint(append(rec, " datagram "...), e.datagrams, 10)
		before := e.dec.counters
		e.dec.Decode(d.from, *d.buf, egress.Location{Source: l.source, Record: string(rec)}, sink)
		after := e.dec.counters
		l.flows.Add(after.Flows - before.Flows)
		l.bad.Add(after.Bad - before.Bad)
		l.noTemplate.Add(after.NoTemplate - before.NoTemplate)
		release(d.buf)
	}
}
