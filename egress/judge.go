package egress

import (
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
	"github.com/embargo-dev/embargo/policy/waivers"
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

// Options set up a Judge.
type Options struct {
	Catalog *catalog.Catalog
	Lookup  AddrLookup // IP data; nil: names decide alone
	Sources Sources
	// Engine, when set, judges each aggregate by the rules that read flow.
	Engine  *policy.Engine
	Waivers *waivers.Set
	FailOn  policy.Effect
	// OverdueIsReminder: see judge.Judge.
	OverdueIsReminder bool
	Now               time.Time
	Limits            CollectLimits
}

// Judge collects flows from readers (through Sink), then attributes,
// aggregates and judges them (Finish).
type Judge struct {
	o    Options
	coll *Collector
	attr *Attributor
	agg  aggregates
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
}

type srcSystem struct {
	sys        systems.System
	registered bool
}

// NewJudge returns a judge ready to collect.
func NewJudge(o Options) *Judge {
	if o.Now.IsZero() {
		o.Now = time.Now().UTC()
	}
	j := &Judge{o: o, attr: NewAttributor(o.Catalog, o.Lookup), sysIndex: map[string]int32{}, unregSeen: map[netip.Addr]struct{}{}}
	j.coll = NewCollector(o.Limits, j.sourceIndex, j.judgeOne)
	j.coll.one = j.oneSystem()
	return j
}

// oneSystem reports whether every source is judged as one system.
func (j *Judge) oneSystem() bool {
	_, one := j.o.Sources.(OneOffSources)
	return one
}

// sourceIndex is the index of the system source address a belongs to.
func (j *Judge) sourceIndex(a netip.Addr) int32 {
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
func (j *Judge) Sink() Sink { return j.coll }

// judgeOne attributes and aggregates one conversation.
func (j *Judge) judgeOne(cv *Conversation) {
	s := j.systems[cv.Sys]
	d := j.attr.Attribute(cv.Dst, cv.Names)
	j.agg.add(s.sys, !s.registered, &d, cv)
}

// Result is what the flows came to.
type Result struct {
	Stats Stats `json:"stats"`
	// UnregisteredSources counts source addresses in no system's ranges.
	UnregisteredSources uint64            `json:"unregistered_sources,omitempty"`
	Aggregates          []Aggregate       `json:"aggregates"`
	Findings            []finding.Finding `json:"findings,omitempty"`
	Summary             *finding.Summary  `json:"findings_summary,omitempty"`
	// UnusedWaivers decide no finding of this run.
	UnusedWaivers []finding.WaiverRef `json:"-"`
	Bads          []Bad               `json:"bad_records,omitempty"`
}

// Finish attributes every conversation collected, aggregates them and,
// with an engine, judges each aggregate.
func (j *Judge) Finish() *Result {
	j.attributeAll()
	r := &Result{Stats: j.coll.Stats, UnregisteredSources: j.unregAddrs, Aggregates: j.agg.sorted(), Bads: j.coll.Bads}
	if j.o.Engine != nil {
		r.Findings, r.Summary, r.UnusedWaivers = j.findings(r.Aggregates)
	}
	return r
}

func (j *Judge) findings(aggs []Aggregate) ([]finding.Finding, *finding.Summary, []finding.WaiverRef) {
	e := j.o.Engine
	cat := e.Catalog()
	titles := map[string]string{}
	for _, p := range e.Packs() {
		titles[p.ID] = p.Title
	}
	var out []finding.Finding
	for i := range aggs {
		a := &aggs[i]
		sys := a.sys
		d := j.destinationOf(a)
		for _, f := range e.EvaluateFlow(sys, FlowVars(a), d.Attribution(), a.Destination) {
			rf := finding.Finding{Finding: f, Title: titles[f.Pack], SystemName: a.SystemName, Classification: a.Classification,
				Tags: sys.Tags, Unregistered: a.Unregistered, ItemName: "traffic to " + destinationName(a),
				Supplier: a.Entity, Country: a.ControllingCountry, State: finding.Open, FirstSeen: j.o.Now}
			if !a.First.IsZero() {
				rf.FirstSeen = a.First
			}
			if in := cat.Instrument(f.Instrument); in != nil {
				rf.URL = in.URL
			}
			out = append(out, rf)
		}
	}
	fin := finding.Finalizing{Waivers: j.o.Waivers, Now: j.o.Now, FailOn: j.o.FailOn, OverdueIsReminder: j.o.OverdueIsReminder}
	return fin.Finalize(out)
}

// destinationOf rebuilds the destination's attribution for the engine.
func (j *Judge) destinationOf(a *Aggregate) Destination {
	d := Destination{DecidedBy: a.DecidedBy, Tier: a.Tier}
	if a.Entity != "" {
		if e := j.o.Catalog.Entity(a.Entity); e != nil {
			d.Entity, d.Chain = e, j.o.Catalog.Chain(e)
		}
	}
	return d
}

func destinationName(a *Aggregate) string {
	if a.EntityName != "" && a.Tier == catalog.TierHosting {
		return fmt.Sprintf("a host on the network of %s (controlled from %s)", a.EntityName, a.ControllingCountry)
	}
	if a.EntityName != "" {
		return fmt.Sprintf("%s (controlled from %s)", a.EntityName, a.ControllingCountry)
	}
	if len(a.RegisteredCountries) > 0 {
		return "addresses registered in " + a.RegisteredCountries[0]
	}
	return "addresses of unknown registration"
}

// FlowVars is an aggregate as the policy engine's flow variable; the
// fleet server judges uploaded aggregates with it too.
func FlowVars(a *Aggregate) *policy.FlowVars {
	f := &policy.FlowVars{Destination: a.Entity, Tier: string(a.Tier), ControllingCountry: a.ControllingCountry, Names: a.Names, ASOrgs: a.ASOrgs,
		BytesOut: clamp(a.BytesOut), BytesIn: clamp(a.BytesIn), PacketsOut: clamp(a.PacketsOut), PacketsIn: clamp(a.PacketsIn), Flows: clamp(a.Flows),
		RejectedFlows: clamp(a.RejectedFlows)}
	if len(a.RegisteredCountries) > 0 {
		f.RegisteredCountry = a.RegisteredCountries[0]
	}
	for _, n := range a.ASNs {
		f.ASNs = append(f.ASNs, int64(n))
	}
	for _, p := range a.Ports {
		f.Ports = append(f.Ports, int64(p))
	}
	return f
}

func clamp(u uint64) int64 { return int64(min(u, 1<<63-1)) }
