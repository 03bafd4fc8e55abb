package collect

// Merge adds what o collected into c: its entries (counts added, lists
// joined; past c's cap, handed to c's overflow), DNS answers, counts and
// bad records. o must not be used afterwards.
func (c *Collector) Merge(o *Collector) {
	c.flush()
	o.flush()
	if c.table.n == 0 && c.dns.n == 0 {
		// Nothing to add to: take o's tables as they are.
		c.table, c.dns = o.table, o.dns
		o.table = newConvTable()
		o.dns = newDNSIndex(o.limits.MaxDNS)
	}
	ot := o.table
	var hashes [batchSize]uint64
	for lo := int32(0); lo < int32(ot.n); lo += batchSize {
		hi := min(lo+batchSize, int32(ot.n))
		c.prefetch(ot, lo, hi, hashes[:hi-lo])
		for i := lo; i < hi; i++ {
			c.mergeOne(ot.at(i), ot.coldAt(i), hashes[i-lo])
		}
	}
	for a, as := range o.dns.byAddr {
		for _, an := range as {
			c.dns.put(c.dns.byAddr, a, an)
		}
	}
	for k, as := range o.dns.byClient {
		for _, an := range as {
			c.dns.put2(k, an)
		}
	}
	// o's records were counted as it read them (when it shares the
	// count): they are not counted again as c's.
	o.publish()
	if c.read != nil && c.read == o.read {
		c.published += o.Stats.Flows + o.Stats.DNSAnswers + o.Stats.Bad
	}
	c.Stats.Flows += o.Stats.Flows
	c.Stats.DNSAnswers += o.Stats.DNSAnswers
	c.Stats.Bad += o.Stats.Bad
	c.Stats.DNSDropped += o.Stats.DNSDropped
	c.Stats.OverflowFlow += o.Stats.OverflowFlow
	c.Stats.InvalidAddr += o.Stats.InvalidAddr
	for _, b := range o.Bads {
		if len(c.Bads) < c.limits.MaxBad {
			c.Bads = append(c.Bads, b)
		}
	}
}

// prefetch hashes the keys of o's entries lo to hi into hashes, and loads
// the slots and entries of c's table they will touch, as flush does.
func (c *Collector) prefetch(o *convTable, lo, hi int32, hashes []uint64) {
	t := c.table
	for i := lo; i < hi; i++ {
		hashes[i-lo] = t.hash(&o.at(i).key)
	}
	mask := uint64(len(t.slots) - 1)
	touched := c.batch.touched
	for _, h := range hashes {
		touched += t.slots[h&mask]
	}
	for _, h := range hashes {
		if v := t.slots[h&mask]; v != 0 {
			// An entry spans two cache lines: load from both.
			e := t.at(int32(uint32(v) - 1))
			touched += e.bytesOut + uint64(e.key.dst[0])
		}
	}
	c.batch.touched = touched
}

// mergeOne adds entry (oe, ocold), whose key's hash in c's table is h.
func (c *Collector) mergeOne(oe *entry, ocold *coldEntry, h uint64) {
	t := c.table
	if t.n >= c.limits.MaxConversations {
		if e, j := t.lookup(&oe.key, h); e != nil {
			mergeInto(e, t.coldAt(j), oe, ocold)
			return
		}
		c.Stats.OverflowFlow += oe.flows
		var one Conversation
		conversation(&one, oe, ocold)
		c.dns.name(&one)
		c.overflow(&one)
		return
	}
	e, j, added := t.get(&oe.key, h)
	if added {
		*e, *t.coldAt(j) = *oe, *ocold
		return
	}
	mergeInto(e, t.coldAt(j), oe, ocold)
}

// mergeInto adds entry (oe, ocold) to entry (e, cold).
func mergeInto(e *entry, cold *coldEntry, oe *entry, ocold *coldEntry) {
	e.flows += oe.flows
	e.rejected += oe.rejected
	e.bytesOut += oe.bytesOut
	e.bytesIn += oe.bytesIn
	e.pktsOut += oe.pktsOut
	e.pktsIn += oe.pktsIn
	if oe.first != 0 && (e.first == 0 || oe.first < e.first) {
		e.first = oe.first
	}
	e.last = max(e.last, oe.last)
	for _, p := range oe.ports {
		if p != 0 && !inline(e.ports[:], p) {
			cold.extra().ports = addOne(cold.more.ports, p)
		}
	}
	for _, p := range oe.protos {
		if p != 0 && !inline(e.protos[:], p) {
			cold.extra().protos = addOne(cold.more.protos, p)
		}
	}
	x := ocold.more
	if x == nil {
		return
	}
	for _, p := range x.ports {
		if !inline(e.ports[:], p) {
			cold.extra().ports = addOne(cold.more.ports, p)
		}
	}
	for _, p := range x.protos {
		if !inline(e.protos[:], p) {
			cold.extra().protos = addOne(cold.more.protos, p)
		}
	}
	for _, n := range x.names {
		if y := cold.extra(); len(y.names) < maxConvNames && !hasName(y.names, n.Name) {
			y.names = append(y.names, n)
		}
	}
}
