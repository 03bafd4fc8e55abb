package collect

import (
	"net/netip"

	"github.com/embargo-dev/embargo/egress"
)

// Flows are added up in batches because adding one costs, at hundreds of
// thousands of destinations, two cache misses (the index slot, then the
// entry) that depend on each other and on nothing else: a batch computes
// its flows' hashes, then loads their slots, then their entries, each
// round of loads independent and so overlapped by the processor, before
// adding the flows one by one, in order, as if unbatched. A flow that
// carries names is not batched (the reader reuses its Names): it flushes
// the batch and is added at once.

// batchSize is how many flows wait: enough for the loads of a round to
// overlap, few enough for the batch to stay in the first-level cache.
const batchSize = 32

// pending is a flow waiting in the batch: what adding it needs.
type pending struct {
	key                                convKey
	hash                               uint64
	src, dst                           netip.Addr
	start, end                         int64 // Unix nanoseconds, when timed
	bytesOut, bytesIn, pktsOut, pktsIn uint64
	where                              egress.Location
	names                              []egress.Name
	port                               uint16
	proto                              uint8
	rejected, timed                    bool
}

type batch struct {
	p [batchSize]pending
	n int
	// touched keeps the loads that bring slots and entries into the cache
	// from being optimised away.
	touched uint64
}

// Flow implements Sink.
func (c *Collector) Flow(f *egress.Flow) {
	c.Stats.Flows++
	if !f.Src.IsValid() || !f.Dst.IsValid() {
		c.Stats.InvalidAddr++
		return
	}
	var one pending
	p := &one
	if len(f.Names) == 0 {
		p = &c.batch.p[c.batch.n]
	}
	// Field by field: assigning a whole pending copied it through a
	// buffer.
	dst := f.Dst.Unmap()
	p.key.dst, p.src, p.dst, p.where, p.names = dst.As16(), f.Src.Unmap(), dst, f.Where, f.Names
	p.bytesOut, p.bytesIn, p.pktsOut, p.pktsIn = f.BytesOut, f.BytesIn, f.PktsOut, f.PktsIn
	p.port, p.proto, p.rejected = f.DstPort, f.Proto, f.Rejected
	p.timed, p.start, p.end = false, 0, 0
	if !f.Start.IsZero() {
		p.timed = true
		p.start = f.Start.UnixNano()
		p.end = p.start
		if !f.End.IsZero() {
			p.end = f.End.UnixNano()
		}
	}
	if p == &one {
		c.flush()
		c.system(p)
		p.hash = c.table.hash(&p.key)
		c.addPending(p)
		return
	}
	if c.batch.n++; c.batch.n == batchSize {
		c.flush()
	}
}

// Conn implements Sink: the Flow f stands for, added as Flow adds it.
func (c *Collector) Conn(f *egress.Conn) {
	c.Stats.Flows++
	if !f.Src.IsValid() || !f.Dst.IsValid() {
		c.Stats.InvalidAddr++
		return
	}
	p := &c.batch.p[c.batch.n]
	dst := f.Dst.Unmap()
	p.key.dst, p.src, p.dst, p.names = dst.As16(), f.Src.Unmap(), dst, nil
	p.where = f.Where
	p.bytesOut, p.bytesIn, p.pktsOut, p.pktsIn = f.BytesOut, f.BytesIn, f.PktsOut, f.PktsIn
	p.port, p.proto, p.rejected = f.DstPort, f.Proto, false
	p.timed, p.start, p.end = true, f.Start, f.End
	if c.batch.n++; c.batch.n == batchSize {
		c.flush()
	}
}

// system sets the system of p's source. Systems are numbered in the
// order their sources come, as they are looked up here, flow by flow.
func (c *Collector) system(p *pending) {
	if c.one {
		if c.oneSys < 0 {
			c.oneSys = c.source(p.src)
		}
		p.key.sys = c.oneSys
		return
	}
	sys, ok := c.srcs.get(p.src)
	if !ok {
		sys = c.source(p.src)
		if c.srcs.n < maxSourceCache {
			c.srcs.put(p.src, sys)
		}
	}
	p.key.sys = sys
}

// flush adds the flows waiting in the batch: it loads, round by round,
// their sources' cache slots, their index slots and their entries, then
// adds them in order.
func (c *Collector) flush() {
	c.publish()
	b := &c.batch
	ps := b.p[:b.n]
	b.n = 0
	touched := b.touched
	if srcs := c.srcs.slots; len(srcs) > 0 {
		for i := range ps {
			touched += uint64(srcs[c.srcs.slot(ps[i].src)].sys)
		}
	}
	t := c.table
	for i := range ps {
		c.system(&ps[i])
		ps[i].hash = t.hash(&ps[i].key)
	}
	// Each round of loads is a loop of a few instructions: the processor
	// runs only so far ahead of a load that misses, and must reach the
	// last load of the round while the first is still on its way.
	mask := uint64(len(t.slots) - 1)
	for i := range ps {
		touched += t.slots[ps[i].hash&mask]
	}
	for i := range ps {
		if v := t.slots[ps[i].hash&mask]; v != 0 {
			// An entry spans two cache lines: load from both.
			e := t.at(int32(uint32(v) - 1))
			touched += e.bytesOut + uint64(e.key.dst[0])
		}
	}
	b.touched = touched
	for i := range ps {
		c.addPending(&ps[i])
	}
}

// addPending adds one flow, its hash computed, to its entry; past
// MaxConversations, a flow of an entry not in the table goes to the
// overflow function.
func (c *Collector) addPending(p *pending) {
	t := c.table
	if t.n < c.limits.MaxConversations {
		e, i, added := t.get(&p.key, p.hash)
		if added {
			*t.coldAt(i) = coldEntry{src: p.src, dst: p.dst, where: p.where}
		}
		add(e, t.coldAt(i), p)
		return
	}
	if e, i := t.lookup(&p.key, p.hash); e != nil {
		add(e, t.coldAt(i), p)
		return
	}
	c.Stats.OverflowFlow++
	e := entry{key: p.key}
	cold := coldEntry{src: p.src, dst: p.dst, where: p.where}
	add(&e, &cold, p)
	var one Conversation
	conversation(&one, &e, &cold)
	c.dns.name(&one)
	c.overflow(&one)
}
