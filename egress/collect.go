package egress

import (
	"net/netip"
	"time"
)

// CollectLimits bound the memory a Collector holds, whatever the input.
type CollectLimits struct {
	// MaxConversations bounds the conversation table (about 200 bytes
	// each). At the cap, a flow of a conversation not yet in the table is
	// handed at once to the collector's overflow function as a
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

// DefaultCollectLimits hold a few million conversations in about a
// gigabyte.
var DefaultCollectLimits = CollectLimits{MaxConversations: 4_000_000, MaxDNS: 2_000_000, MaxBad: 1000}

// convKey is a conversation: the originator, the destination, the
// destination port and protocol. Source ports are not part of it: every
// connection a client makes to one service is one conversation.
type convKey struct {
	src, dst netip.Addr
	port     uint16
	proto    uint8
}

// Conversation is the flows of one convKey added up.
type Conversation struct {
	Src, Dst          netip.Addr
	DstPort           uint16
	Proto             uint8
	First, Last       time.Time
	BytesOut, BytesIn uint64
	PktsOut, PktsIn   uint64
	Flows             uint64
	Names             []Name   // names the flows carried, at most maxConvNames
	Sample            Location // the first flow's position
}

const maxConvNames = 4

// Collector is the Sink the readers write into: it adds flows up into
// conversations and indexes DNS answers, for Finish to attribute and
// judge once every input is read (a dns.log may come after its conn.log).
// It is not safe for concurrent use.
type Collector struct {
	limits CollectLimits
	index  map[convKey]int32
	convs  []Conversation
	dns    dnsIndex
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

// NewCollector returns an empty collector; zero limits take the
// defaults. overflow receives, one at a time, the flows that come after
// the conversation table is full (see MaxConversations).
func NewCollector(l CollectLimits, overflow func(*Conversation)) *Collector {
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
	return &Collector{limits: l, index: map[convKey]int32{}, dns: newDNSIndex(l.MaxDNS), overflow: overflow}
}

// Flow implements Sink.
func (c *Collector) Flow(f *Flow) {
	c.Stats.Flows++
	if !f.Src.IsValid() || !f.Dst.IsValid() {
		c.Stats.InvalidAddr++
		return
	}
	k := convKey{f.Src.Unmap(), f.Dst.Unmap(), f.DstPort, f.Proto}
	i, ok := c.index[k]
	var cv *Conversation
	switch {
	case ok:
		cv = &c.convs[i]
	case len(c.convs) < c.limits.MaxConversations:
		c.index[k] = int32(len(c.convs))
		c.convs = append(c.convs, Conversation{Src: k.src, Dst: k.dst, DstPort: k.port, Proto: k.proto, First: f.Start, Last: f.End, Sample: f.Where})
		cv = &c.convs[len(c.convs)-1]
	default:
		c.Stats.OverflowFlow++
		one := Conversation{Src: k.src, Dst: k.dst, DstPort: k.port, Proto: k.proto, First: f.Start, Last: f.End, Sample: f.Where}
		add(&one, f)
		c.dns.name(&one)
		c.overflow(&one)
		return
	}
	add(cv, f)
}

func add(cv *Conversation, f *Flow) {
	cv.Flows++
	cv.BytesOut += f.BytesOut
	cv.BytesIn += f.BytesIn
	cv.PktsOut += f.PktsOut
	cv.PktsIn += f.PktsIn
	if !f.Start.IsZero() && (cv.First.IsZero() || f.Start.Before(cv.First)) {
		cv.First = f.Start
	}
	end := f.End
	if end.IsZero() {
		end = f.Start
	}
	if end.After(cv.Last) {
		cv.Last = end
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

// Conversations returns the conversations collected, in the order first
// seen, each with the DNS names its client resolved for its destination
// while it was active added to its names.
func (c *Collector) Conversations() []Conversation {
	for i := range c.convs {
		c.dns.name(&c.convs[i])
	}
	return c.convs
}
