package egress

// Merge adds what o collected into c: its entries (counts added, lists
// joined; past c's cap, handed to c's overflow), DNS answers, counts and
// bad records. o must not be used afterwards.
func (c *Collector) Merge(o *Collector) {
	if c.convs.n == 0 && c.dns.n == 0 {
		// Nothing to add to: take o's tables as they are.
		c.index, c.convs, c.dns = o.index, o.convs, o.dns
		o.index, o.convs = newConvTable(), convStore{}
		o.dns = newDNSIndex(o.limits.MaxDNS)
	}
	o.index.each(func(k convKey, oh *counts) {
		ocv := o.convs.at(oh.idx)
		if c.convs.n >= c.limits.MaxConversations {
			if h := c.index.lookup(k); h != nil {
				mergeInto(h, c.convs.at(h.idx), oh, ocv)
				return
			}
			c.Stats.OverflowFlow += oh.flows
			one := *ocv
			oh.fold(&one)
			c.dns.name(&one)
			c.overflow(&one)
			return
		}
		h, added := c.index.get(k)
		if added {
			var cv *Conversation
			h.idx, cv = c.convs.add()
			idx := h.idx
			*cv, *h = *ocv, *oh
			h.idx = idx
			return
		}
		mergeInto(h, c.convs.at(h.idx), oh, ocv)
	})
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

// mergeInto adds entry (oh, ocv) to entry (h, cv).
func mergeInto(h *counts, cv *Conversation, oh *counts, ocv *Conversation) {
	h.flows += oh.flows
	h.rejected += oh.rejected
	h.bytesOut += oh.bytesOut
	h.bytesIn += oh.bytesIn
	h.pktsOut += oh.pktsOut
	h.pktsIn += oh.pktsIn
	if oh.first != 0 && (h.first == 0 || oh.first < h.first) {
		h.first = oh.first
	}
	h.last = max(h.last, oh.last)
	for _, p := range oh.ports {
		if p != 0 && !inline(h.ports[:], p) {
			cv.Ports = addOne(cv.Ports, p)
		}
	}
	for _, p := range oh.protos {
		if p != 0 && !inline(h.protos[:], p) {
			cv.Protos = addOne(cv.Protos, p)
		}
	}
	for _, p := range ocv.Ports {
		cv.Ports = addOne(cv.Ports, p)
	}
	for _, p := range ocv.Protos {
		cv.Protos = addOne(cv.Protos, p)
	}
	for _, n := range ocv.Names {
		if len(cv.Names) < maxConvNames && !hasName(cv.Names, n.Name) {
			cv.Names = append(cv.Names, n)
		}
	}
}
