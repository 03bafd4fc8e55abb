package collect

import (
	"net/netip"
	"sync"
	"sync/atomic"

	"github.com/embargo-dev/embargo/attribute/destination"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/policy/systems"
)

// Sources says which system a flow's source address belongs to.
type Sources interface {
	// ForSource returns the system of a, and whether a is registered.
	ForSource(a netip.Addr) (systems.System, bool)
}

// RegisterSources assigns sources by the register's address ranges; an
// address in none is judged as the register's default, as the one
// system "unregistered".
type RegisterSources struct{ *systems.Register }

// ForSource implements Sources.
func (r RegisterSources) ForSource(a netip.Addr) (systems.System, bool) {
	if s, ok := r.ForAddr(a); ok {
		return s, true
	}
	d := r.Default
	d.ID, d.Name = "unregistered", "sources in no system's address ranges"
	return d, false
}

// OneOffSources judges every source as one system.
type OneOffSources systems.System

// ForSource implements Sources.
func (o OneOffSources) ForSource(netip.Addr) (systems.System, bool) { return systems.System(o), true }

// Options set up an Aggregator.
type Options struct {
	Catalog *catalog.Catalog
	Lookup  destination.AddrLookup // IP data; nil: names decide alone
	Sources Sources
	Limits  CollectLimits
}

// Aggregator collects flows from readers (through Sink), then attributes
// them and adds them up per source system and destination (Finish); the
// judge judges the aggregates.
type Aggregator struct {
	o    Options
	coll *Collector
	attr *destination.Attributor
	// names is the buffer of a conversation's names, as the attributor
	// takes them.
	names []string
	agg   aggregates
	// systems are the source systems seen, by the index the collector
	// keeps; sysIndex finds a system's index by id.
	systems    []srcSystem
	sysIndex   map[string]int32
	unregAddrs uint64
	// unregSeen keeps unregistered sources counted, so that one seen in
	// several parts of an input counts once (up to maxSourceCache).
	unregSeen map[netip.Addr]struct{}
	// mu guards the above, and aggregation, while parts are read.
	mu sync.Mutex
	// read counts the records the collectors have read (Read).
	read atomic.Uint64
}

type srcSystem struct {
	sys        systems.System
	registered bool
}

// NewAggregator returns an aggregator ready to collect.
func NewAggregator(o Options) *Aggregator {
	j := &Aggregator{o: o, attr: destination.New(o.Catalog, o.Lookup), sysIndex: map[string]int32{}, unregSeen: map[netip.Addr]struct{}{}}
	j.coll = NewCollector(o.Limits, j.sourceIndex, j.judgeOne)
	j.coll.one = j.oneSystem()
	j.coll.read = &j.read
	return j
}

// Read is how many records (flows, DNS answers and bad records) the
// aggregator's collectors have read so far, for a progress line: it may
// be called while inputs are read, from any goroutine, and lags the
// readers by less than a batch per collector.
func (j *Aggregator) Read() uint64 { return j.read.Load() }

// Publish brings Read up to date with the records written to Sink so
// far; call it from the goroutine that writes them (at the end of an
// input, say).
func (j *Aggregator) Publish() { j.coll.publish() }

// oneSystem reports whether every source is judged as one system.
func (j *Aggregator) oneSystem() bool {
	_, one := j.o.Sources.(OneOffSources)
	return one
}

// sourceIndex is the index of the system source address a belongs to.
func (j *Aggregator) sourceIndex(a netip.Addr) int32 {
	sys, ok := j.o.Sources.ForSource(a)
	if _, seen := j.unregSeen[a]; !ok && !seen {
		j.unregAddrs++
		if len(j.unregSeen) < maxSourceCache {
			j.unregSeen[a] = struct{}{}
		}
	}
	i, seen := j.sysIndex[sys.ID]
	if !seen {
		i = int32(len(j.systems))
		j.systems = append(j.systems, srcSystem{sys, ok})
		j.sysIndex[sys.ID] = i
	}
	return i
}

// Sink is where readers write.
func (j *Aggregator) Sink() egress.Sink { return j.coll }

// judgeOne attributes and aggregates one conversation.
func (j *Aggregator) judgeOne(cv *Conversation) {
	s := j.systems[cv.Sys]
	d := j.attribute(cv.Dst, j.attr.Lookup(cv.Dst.Unmap()), cv.Names, nil)
	j.agg.add(s.sys, !s.registered, &d, cv)
}

// Result is what the flows came to.
type Result struct {
	Stats Stats `json:"stats"`
	// UnregisteredSources counts source addresses in no system's ranges.
	UnregisteredSources uint64      `json:"unregistered_sources,omitempty"`
	Aggregates          []Aggregate `json:"aggregates"`
	// Bads are the bad records kept (Stats.Bad counts them all); a
	// report lists them as its unknowns.
	Bads []egress.Bad `json:"-"`
}

// Finish attributes every conversation collected and aggregates them.
func (j *Aggregator) Finish() *Result {
	j.attributeAll()
	return &Result{Stats: j.coll.Stats, UnregisteredSources: j.unregAddrs, Aggregates: j.agg.sorted(), Bads: j.coll.Bads}
}

// attribute attributes a conversation's destination dst, under names,
// with its IP data info and, when net is not nil, its network worked out
// already; the evidence of a name says how the name was learnt.
func (j *Aggregator) attribute(dst netip.Addr, info destination.AddrInfo, names []egress.Name, net *destination.Net) destination.Destination {
	j.names = j.names[:0]
	for _, n := range names {
		j.names = append(j.names, n.Name)
	}
	d := j.attr.AttributeWith(dst, info, j.names, net)
	if d.DecidedBy == destination.ByName {
		d.Evidence = string(names[d.Name].Via) + " " + d.Evidence
	}
	return d
}
