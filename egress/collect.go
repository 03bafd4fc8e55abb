package egress

import (
	"net/netip"
	"time"
)

// CollectLimits bound the memory a Collector holds, whatever the input.
type CollectLimits struct {
	// MaxConversations bounds the table of (source system, destination
	// address) entries (about 450 bytes each, table slots included). At
	// the cap, a flow of an entry not yet in the table is handed at once to the collector's overflow function as a
	// conversation of its own, named by what the flow carries and the DNS
	// answers read so far (answers read later cannot name it), and judged
	// then; nothing of it is kept, so memory stays bounded however many
	// distinct addresses follow.
	MaxConversations int
	// MaxDNS bounds the DNS answers kept (about 100 bytes each). At the
	// cap, further answers are counted and dropped.
	MaxDNS int
	// MaxBad bounds the bad records kept one by one; the rest are counted.
	MaxBad int
}

// DefaultCollectLimits hold two million (system, destination) entries
// and two million DNS answers in about 1.1 GB at most.
var DefaultCollectLimits = CollectLimits{MaxConversations: 2_000_000, MaxDNS: 2_000_000, MaxBad: 1000}

// convKey is what flows are added up by as they are read: the source's
// system and the destination address. Neither the source address nor the
// ports are part of it: every client of one system talking to one address
// is one entry, which keeps the table as small as systems × destinations
// however many connections a log holds.
type convKey struct {
	sys int32
	dst [16]byte // As16: no pointer, so hashing and GC skip the Addr's zone
}

// counts are an entry's hot fields, held in the map itself so that adding
// a flow touches one slot; the rest of the entry (convs[idx]) is touched
// only when a flow brings something new.
type counts struct {
	bytesOut, bytesIn, pktsOut, pktsIn, flows uint64
	rejected                                  uint64
	first, last                               int64     // Unix nanoseconds; 0 when unknown
	ports                                     [4]uint16 // the first ports seen; more go to the entry
	protos                                    [2]uint8
	idx                                       int32
}

// Conversation is the flows from one system to one destination address
// added up.
type Conversation struct {
	// Sys is the index the collector's source function gave the system.
	Sys int32
	// Src is the first source address seen: the client whose DNS answers
	// name the destination first.
	Src               netip.Addr
	Dst               netip.Addr
	Ports             []uint16 // destination ports, at most maxListed
	Protos            []uint8
	First, Last       time.Time
	BytesOut, BytesIn uint64
	PktsOut, PktsIn   uint64
	Flows             uint64
	Rejected          uint64   // flows the source says were refused
	Names             []Name   // names the flows carried, at most maxConvNames
	Sample            Location // the first flow's position
}

const maxConvNames = 4

// Collector is the Sink the readers write into: it adds flows up per
// (source system, destination address) and indexes DNS answers, for
// Finish to attribute and judge once every input is read (a dns.log may
// come after its conn.log). It is not safe for concurrent use.
type Collector struct {
	limits CollectLimits
	// source gives a source address's system index; it is called once per
	// distinct source address (up to maxSourceCache) and must be cheap.
	source  func(netip.Addr) int32
	srcSeen map[netip.Addr]int32
	index   *convTable
	convs   convStore // the cold fields; counts are folded in by Conversations
	dns     dnsIndex
	// overflow receives flows past MaxConversations.
	overflow func(*Conversation)
	Bads     []Bad
	Stats    Stats
}

// Stats count what a collection saw.
type Stats struct {
	Flows        uint64 `json:"flows"`
	DNSAnswers   uint64 `json:"dns_answers"`
	Bad          uint64 `json:"bad"`
	DNSDropped   uint64 `json:"dns_dropped,omitempty"`    // answers past MaxDNS
	OverflowFlow uint64 `json:"overflow_flows,omitempty"` // flows past MaxConversations
	InvalidAddr  uint64 `json:"invalid_addresses,omitempty"`
}

// maxSourceCache bounds the source address → system cache.
const maxSourceCache = 1 << 20

// NewCollector returns an empty collector; zero limits take the
// defaults. source gives a source address's system index. overflow
// receives, one at a time, the flows that come after the table is full
// (see MaxConversations).
func NewCollector(l CollectLimits, source func(netip.Addr) int32, overflow func(*Conversation)) *Collector {
	d := DefaultCollectLimits
	if l.MaxConversations <= 0 {
		l.MaxConversations = d.MaxConversations
	}
	if l.MaxDNS <= 0 {
		l.MaxDNS = d.MaxDNS
	}
	if l.MaxBad <= 0 {
		l.MaxBad = d.MaxBad
	}
	return &Collector{limits: l, source: source, srcSeen: map[netip.Addr]int32{}, index: newConvTable(),
		dns: newDNSIndex(l.MaxDNS), overflow: overflow}
}

// Flow implements Sink.
func (c *Collector) Flow(f *Flow) {
	c.Stats.Flows++
	if !f.Src.IsValid() || !f.Dst.IsValid() {
		c.Stats.InvalidAddr++
		return
	}
	src, dst := f.Src.Unmap(), f.Dst.Unmap()
	sys, ok := c.srcSeen[src]
	if !ok {
		sys = c.source(src)
		if len(c.srcSeen) < maxSourceCache {
			c.srcSeen[src] = sys
		}
	}
	k := convKey{sys, dst.As16()}
	if c.convs.n < c.limits.MaxConversations {
		h, added := c.index.get(k) // one probe finds or places the entry
		var cv *Conversation
		if added {
			h.idx, cv = c.convs.add()
			*cv = Conversation{Sys: sys, Src: src, Dst: dst, Sample: f.Where}
		} else {
			cv = c.convs.at(h.idx)
		}
		add(h, cv, f)
		return
	}
	if h := c.index.lookup(k); h != nil {
		add(h, c.convs.at(h.idx), f)
		return
	}
	c.Stats.OverflowFlow++
	var h counts
	one := Conversation{Sys: sys, Src: src, Dst: dst, Sample: f.Where}
	add(&h, &one, f)
	h.fold(&one)
	c.dns.name(&one)
	c.overflow(&one)
}

// add adds f to an entry; the cold fields are touched only when a flow
// brings something new (another port, protocol or name).
func add(h *counts, cv *Conversation, f *Flow) {
	h.flows++
	if f.Rejected {
		h.rejected++
	}
	h.bytesOut += f.BytesOut
	h.bytesIn += f.BytesIn
	h.pktsOut += f.PktsOut
	h.pktsIn += f.PktsIn
	if !f.Start.IsZero() {
		start := f.Start.UnixNano()
		end := start
		if !f.End.IsZero() {
			end = f.End.UnixNano()
		}
		if h.first == 0 || start < h.first {
			h.first = start
		}
		if end > h.last {
			h.last = end
		}
	}
	if p := f.DstPort; p != 0 && !inline(h.ports[:], p) {
		cv.Ports = addOne(cv.Ports, p)
	}
	if p := f.Proto; p != 0 && !inline(h.protos[:], p) {
		cv.Protos = addOne(cv.Protos, p)
	}
	for _, n := range f.Names {
		if len(cv.Names) >= maxConvNames {
			break
		}
		if !hasName(cv.Names, n.Name) {
			cv.Names = append(cv.Names, n)
		}
	}
}

// inline reports whether v is in the small set s, adding it when there is
// room; false means the caller keeps it elsewhere.
func inline[T comparable](s []T, v T) bool {
	var zero T
	for i := range s {
		switch s[i] {
		case v:
			return true
		case zero:
			s[i] = v
			return true
		}
	}
	return false
}

// fold writes the counts into the entry's exported fields.
func (h *counts) fold(cv *Conversation) {
	for _, p := range h.ports {
		if p != 0 {
			cv.Ports = addOne(cv.Ports, p)
		}
	}
	for _, p := range h.protos {
		if p != 0 {
			cv.Protos = addOne(cv.Protos, p)
		}
	}
	cv.BytesOut, cv.BytesIn, cv.PktsOut, cv.PktsIn, cv.Flows, cv.Rejected = h.bytesOut, h.bytesIn, h.pktsOut, h.pktsIn, h.flows, h.rejected
	if h.first != 0 {
		cv.First = time.Unix(0, h.first).UTC()
	}
	if h.last != 0 {
		cv.Last = time.Unix(0, h.last).UTC()
	}
}

func hasName(ns []Name, name string) bool {
	for _, n := range ns {
		if n.Name == name {
			return true
		}
	}
	return false
}

// DNS implements Sink.
func (c *Collector) DNS(a *DNSAnswer) {
	c.Stats.DNSAnswers++
	if !c.dns.add(a) {
		c.Stats.DNSDropped++
	}
}

// Bad implements Sink.
func (c *Collector) Bad(b Bad) {
	c.Stats.Bad++
	if len(c.Bads) < c.limits.MaxBad {
		c.Bads = append(c.Bads, b)
	}
}

// EachConversation calls f for every conversation collected, in the
// order first seen, with its counts folded in and the DNS names its first
// client resolved for its destination while it was active added to its
// names.
func (c *Collector) EachConversation(f func(*Conversation)) {
	c.index.all(func(h *counts) { h.fold(c.convs.at(h.idx)) })
	for i := range c.convs.n {
		cv := c.convs.at(int32(i))
		c.dns.name(cv)
		f(cv)
	}
}

// convStore keeps entries in fixed-size chunks: growing never copies
// (nor touches twice the memory of) what is already stored.
type convStore struct {
	chunks [][]Conversation
	n      int
}

const convChunk = 4096

// add returns the index and place of a new entry.
func (s *convStore) add() (int32, *Conversation) {
	i := s.n
	if i%convChunk == 0 {
		s.chunks = append(s.chunks, make([]Conversation, convChunk))
	}
	s.n++
	return int32(i), &s.chunks[i/convChunk][i%convChunk]
}

func (s *convStore) at(i int32) *Conversation { return &s.chunks[i/convChunk][i%convChunk] }
