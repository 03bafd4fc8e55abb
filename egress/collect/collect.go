package collect

import (
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/embargo-dev/embargo/egress"
)

// CollectLimits bound the memory a Collector holds, whatever the input.
type CollectLimits struct {
	// MaxConversations bounds the table of (source system, destination
	// address) entries (about 220 bytes each, index slots included). At
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
// and two million DNS answers in about 650 MB at most.
var DefaultCollectLimits = CollectLimits{MaxConversations: 2_000_000, MaxDNS: 2_000_000, MaxBad: 1000}

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
	Rejected          uint64          // flows the source says were refused
	Names             []egress.Name   // names the flows carried, at most maxConvNames
	Sample            egress.Location // the first flow's position
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
	source func(netip.Addr) int32
	srcs   srcCache
	// oneSys, when not negative, is every source's system: the source
	// function gives all sources one (a one-off system), so its first
	// answer serves, and no source is cached or looked up (at tens of
	// thousands of clients, the cache was a cache miss a flow).
	oneSys int32
	one    bool // the source function gives every source the same system
	table  *convTable
	dns    dnsIndex
	// overflow receives flows past MaxConversations.
	overflow func(*Conversation)
	batch    batch
	// read, when set, counts the records read (flows, DNS answers and bad
	// records) for progress, shared with other collectors and read while
	// they write; published is how many of this one's it holds.
	read      *atomic.Uint64
	published uint64
	Bads      []egress.Bad
	// Stats are complete once the flows are added up: after
	// EachConversation, Merge or Len.
	Stats Stats
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
	return &Collector{limits: l, source: source, oneSys: -1, table: newConvTable(), dns: newDNSIndex(l.MaxDNS), overflow: overflow}
}

// add adds a flow to an entry; the cold part is touched only when a
// flow brings something new (another port, protocol or name).
func add(e *entry, cold *coldEntry, p *pending) {
	e.flows++
	if p.rejected {
		e.rejected++
	}
	e.bytesOut += p.bytesOut
	e.bytesIn += p.bytesIn
	e.pktsOut += p.pktsOut
	e.pktsIn += p.pktsIn
	if p.timed {
		if e.first == 0 || p.start < e.first {
			e.first = p.start
		}
		if p.end > e.last {
			e.last = p.end
		}
	}
	if p.port != 0 && !inline(e.ports[:], p.port) {
		cold.extra().ports = addOne(cold.more.ports, p.port)
	}
	if p.proto != 0 && !inline(e.protos[:], p.proto) {
		cold.extra().protos = addOne(cold.more.protos, p.proto)
	}
	for _, n := range p.names {
		x := cold.extra()
		if len(x.names) >= maxConvNames {
			break
		}
		if !hasName(x.names, n.Name) {
			x.names = append(x.names, n)
		}
	}
}

func (c *coldEntry) extra() *extra {
	if c.more == nil {
		c.more = &extra{}
	}
	return c.more
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

// conversation writes an entry out as a Conversation, reusing the
// arrays of its lists.
func conversation(cv *Conversation, e *entry, cold *coldEntry) {
	ports, protos, names := cv.Ports[:0], cv.Protos[:0], cv.Names[:0]
	*cv = Conversation{Sys: e.key.sys, Src: cold.src, Dst: cold.dst, Sample: cold.where, Ports: ports, Protos: protos, Names: names,
		BytesOut: e.bytesOut, BytesIn: e.bytesIn, PktsOut: e.pktsOut, PktsIn: e.pktsIn, Flows: e.flows, Rejected: e.rejected}
	for _, p := range e.ports {
		if p != 0 {
			cv.Ports = addOne(cv.Ports, p)
		}
	}
	for _, p := range e.protos {
		if p != 0 {
			cv.Protos = addOne(cv.Protos, p)
		}
	}
	if x := cold.more; x != nil {
		for _, p := range x.ports {
			cv.Ports = addOne(cv.Ports, p)
		}
		for _, p := range x.protos {
			cv.Protos = addOne(cv.Protos, p)
		}
		cv.Names = append(cv.Names, x.names...)
	}
	if e.first != 0 {
		cv.First = time.Unix(0, e.first).UTC()
	}
	if e.last != 0 {
		cv.Last = time.Unix(0, e.last).UTC()
	}
}

func hasName(ns []egress.Name, name string) bool {
	for _, n := range ns {
		if n.Name == name {
			return true
		}
	}
	return false
}

// DNS implements Sink.
func (c *Collector) DNS(a *egress.DNSAnswer) {
	c.Stats.DNSAnswers++
	if !c.dns.add(a) {
		c.Stats.DNSDropped++
	}
	if c.Stats.DNSAnswers%publishEvery == 0 {
		c.publish()
	}
}

// publishEvery is how many DNS answers are counted between two
// publications of the records read (flows publish with each batch).
const publishEvery = 256

// publish adds the records read since the last publication to the shared
// count: once a batch, so that counting costs one atomic addition per
// batch, whatever the number of collectors.
func (c *Collector) publish() {
	if c.read == nil {
		return
	}
	if n := c.Stats.Flows + c.Stats.DNSAnswers + c.Stats.Bad; n > c.published {
		c.read.Add(n - c.published)
		c.published = n
	}
}

// Bad implements Sink.
func (c *Collector) Bad(b egress.Bad) {
	c.Stats.Bad++
	c.publish()
	if len(c.Bads) < c.limits.MaxBad {
		c.Bads = append(c.Bads, b)
	}
}

// EachConversation calls f for every conversation collected, in the
// order first seen, with its counts folded in and the DNS names its first
// client resolved for its destination while it was active added to its
// names. The Conversation passed is valid only during the call.
func (c *Collector) EachConversation(f func(*Conversation)) {
	c.flush()
	var cv Conversation
	for i := range int32(c.table.n) {
		c.conversationAt(i, &cv)
		f(&cv)
	}
}

// conversationAt writes out conversation i, named, as EachConversation
// passes it. It only reads the collector, which must have been flushed.
func (c *Collector) conversationAt(i int32, cv *Conversation) {
	conversation(cv, c.table.at(i), c.table.coldAt(i))
	c.dns.name(cv)
}

// Len is the number of conversations kept.
func (c *Collector) Len() int {
	c.flush()
	return c.table.n
}
