package collect

import (
	"net/netip"

	"github.com/embargo-dev/embargo/egress"
)

// PartCollector is a collector for one part of an input read in parts
// (egress/parts): it shares the aggregator's source systems, under a
// lock, and hands what overflows its table to overflow. Once the part is
// read it is renumbered (Renumber) and merged into Collector's, in order.
func (j *Aggregator) PartCollector(overflow func(*Conversation)) *Collector {
	c := NewCollector(j.o.Limits, func(a netip.Addr) int32 {
		j.mu.Lock()
		defer j.mu.Unlock()
		return j.sourceIndex(a)
	}, overflow)
	c.one = j.oneSystem()
	c.read = &j.read
	return c
}

// AddLocked attributes and aggregates a conversation that overflowed a
// part's table, under the aggregator's lock.
func (j *Aggregator) AddLocked(cv *Conversation) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.judgeOne(cv)
}

// Collector is the aggregator's own collector, which readers write to
// through Sink and parts are merged into.
func (j *Aggregator) Collector() *Collector { return j.coll }

// Renumber makes the lines of a part's input (past its prefix lines) the
// file's, by adding shift: the samples of the entries and the bad lines.
func (c *Collector) Renumber(prefix, shift int) {
	if shift == 0 {
		return
	}
	c.flush()
	for i := range int32(c.table.n) {
		if w := &c.table.coldAt(i).where; w.Line > prefix {
			w.Line += shift
		}
	}
	for k := range c.Bads {
		c.Bads[k] = egress.ShiftBad(c.Bads[k], prefix, shift)
	}
}
