package collect

import (
	"cmp"
	"net/netip"
	"slices"
	"time"

	"github.com/embargo-dev/embargo/attribute/destination"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress"
	"github.com/embargo-dev/embargo/policy/systems"
)

// Aggregate is the traffic from one source system to one destination (a
// catalogued entity, or else a registered country), added up over every
// conversation: what a finding on egress is about.
type Aggregate struct {
	System         string `json:"system"`
	SystemName     string `json:"system_name,omitempty"`
	Classification string `json:"classification"`
	Unregistered   bool   `json:"unregistered,omitempty"`

	// Destination is "entity:ID" or "country:CC".
	Destination        string                `json:"destination"`
	Entity             string                `json:"entity,omitempty"`
	EntityName         string                `json:"entity_name,omitempty"`
	ControllingCountry string                `json:"controlling_country,omitempty"`
	Chain              []string              `json:"chain,omitempty"`
	DecidedBy          destination.DecidedBy `json:"decided_by"`
	// Tier is "hosting" when the destination is a network the entity runs
	// for others, "product" when it is the entity's own service.
	Tier     catalog.Tier `json:"tier,omitempty"`
	Evidence string       `json:"evidence,omitempty"`
	Source   string       `json:"source,omitempty"`
	// Local: a fact from a local catalogue file decided the destination.
	Local bool `json:"local,omitempty"`
	// RegisteredCountries, ASNs, ASOrgs, Names and Addrs are the distinct
	// values seen, at most maxListed of each, the first seen first.
	RegisteredCountries []string     `json:"registered_countries,omitempty"`
	ASNs                []uint32     `json:"asns,omitempty"`
	ASOrgs              []string     `json:"as_orgs,omitempty"`
	Names               []string     `json:"names,omitempty"`
	Addrs               []netip.Addr `json:"addresses,omitempty"`
	Ports               []uint16     `json:"ports,omitempty"`
	Sources             []netip.Addr `json:"source_addresses,omitempty"`

	BytesOut   uint64 `json:"bytes_out"`
	BytesIn    uint64 `json:"bytes_in"`
	PacketsOut uint64 `json:"packets_out"`
	PacketsIn  uint64 `json:"packets_in"`
	Flows      uint64 `json:"flows"`
	// RejectedFlows are the flows the source says were refused (VPC
	// REJECT records): attempts to reach the destination.
	RejectedFlows uint64    `json:"rejected_flows,omitempty"`
	Conversations uint64    `json:"conversations"`
	First         time.Time `json:"first_seen,omitzero"`
	Last          time.Time `json:"last_seen,omitzero"`
	// Samples are where some of the flows were read (file and line).
	Samples []egress.Location `json:"samples"`

	sys systems.System
}

// SourceSystem is the system the traffic came from, as the aggregator's
// sources said; an aggregate decoded from JSON has none.
func (a *Aggregate) SourceSystem() systems.System { return a.sys }

const (
	maxListed  = 8
	maxSamples = 3
)

// aggregates adds conversations up per (system, destination).
type aggregates struct {
	by    map[aggKey]*Aggregate
	order []*Aggregate
}

// aggKey is (system, destination), the destination as its Key says it
// without making the string: an entity, or else a country ("??" when
// unknown).
type aggKey struct{ sys, entity, country string }

func (g *aggregates) add(sys systems.System, unregistered bool, d *destination.Destination, cv *Conversation) *Aggregate {
	k := aggKey{sys: sys.ID, country: d.Country}
	if d.Entity != nil {
		k.entity, k.country = d.Entity.ID, ""
	} else if d.Country == "" {
		k.country = "??"
	}
	a := g.by[k]
	if a == nil {
		a = &Aggregate{System: sys.ID, SystemName: sys.Name, Classification: sys.Classification, Unregistered: unregistered,
			Destination: d.Key(), sys: sys, ControllingCountry: d.ControllingCountry(), DecidedBy: d.DecidedBy, Tier: d.Tier, Evidence: d.Evidence, Source: d.Source, Local: d.Local}
		if d.Entity != nil {
			a.Entity, a.EntityName = d.Entity.ID, d.Entity.Name
			for _, l := range d.Chain.Links {
				a.Chain = append(a.Chain, l.Entity.ID)
			}
		}
		if g.by == nil {
			g.by = map[aggKey]*Aggregate{}
		}
		g.by[k] = a
		g.order = append(g.order, a)
	}
	a.BytesOut += cv.BytesOut
	a.BytesIn += cv.BytesIn
	a.PacketsOut += cv.PktsOut
	a.PacketsIn += cv.PktsIn
	a.Flows += cv.Flows
	a.RejectedFlows += cv.Rejected
	a.Conversations++
	if !cv.First.IsZero() && (a.First.IsZero() || cv.First.Before(a.First)) {
		a.First = cv.First
	}
	if cv.Last.After(a.Last) {
		a.Last = cv.Last
	}
	if d.Country != "" {
		a.RegisteredCountries = addOne(a.RegisteredCountries, d.Country)
	}
	if d.ASN != 0 {
		a.ASNs = addOne(a.ASNs, d.ASN)
	}
	if d.ASOrg != "" {
		a.ASOrgs = addOne(a.ASOrgs, d.ASOrg)
	}
	for _, n := range cv.Names {
		a.Names = addOne(a.Names, n.Name)
	}
	a.Addrs = addOne(a.Addrs, cv.Dst)
	a.Sources = addOne(a.Sources, cv.Src)
	for _, p := range cv.Ports {
		a.Ports = addOne(a.Ports, p)
	}
	if len(a.Samples) < maxSamples {
		a.Samples = append(a.Samples, cv.Sample)
	}
	// A stronger way of deciding seen later (a name after an ASN) is the
	// one reported.
	if rank(d.DecidedBy) > rank(a.DecidedBy) {
		a.DecidedBy, a.Evidence, a.Source, a.Tier = d.DecidedBy, d.Evidence, d.Source, d.Tier
	}
	return a
}

func rank(b destination.DecidedBy) int {
	switch b {
	case destination.ByName:
		return 3
	case destination.ByASN:
		return 2
	case destination.ByASOrg:
		return 1
	}
	return 0
}

func addOne[T comparable](s []T, v T) []T {
	if len(s) >= maxListed || slices.Contains(s, v) {
		return s
	}
	return append(s, v)
}

// sorted returns the aggregates, catalogued entities first, then by bytes
// sent, most first.
func (g *aggregates) sorted() []Aggregate {
	out := make([]Aggregate, len(g.order))
	for i, a := range g.order {
		out[i] = *a
	}
	slices.SortStableFunc(out, func(a, b Aggregate) int {
		if (a.Entity != "") != (b.Entity != "") {
			if a.Entity != "" {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(b.BytesOut, a.BytesOut), cmp.Compare(a.System, b.System), cmp.Compare(a.Destination, b.Destination))
	})
	return out
}
