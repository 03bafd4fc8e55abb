package judge

import (
	"fmt"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
)

// Traffic judges each aggregate of traffic, from the system systemOf
// gives it, by the rules that read flow. The destination is attributed
// again from the judge's catalogue by the entity id the aggregate names,
// so that an uploaded aggregate cannot bring its own attribution: an
// entity the catalogue does not know is judged as no entity.
func (j *Judge) Traffic(aggs []collect.Aggregate, systemOf func(*collect.Aggregate) systems.System) finding.Verdict {
	now := j.now()
	cat := j.Engine.Catalog()
	var out []finding.Finding
	for i := range aggs {
		a := &aggs[i]
		sys := systemOf(a)
		at, fv := destinationOf(cat, a)
		for _, f := range j.Engine.EvaluateFlow(sys, fv, at, a.Destination) {
			out = append(out, finding.Finding{Finding: f, SystemName: a.SystemName, Classification: a.Classification,
				Tags: sys.Tags, Unregistered: a.Unregistered, ItemName: "traffic to " + destinationName(a),
				Supplier: a.Entity, Country: fv.ControllingCountry, State: finding.Open, FirstSeen: a.First, Local: a.Local || (at != nil && at.Local())})
		}
	}
	titled(out, j.Engine)
	v := finding.Verdict{Policy: j.run()}
	v.Findings, v.Summary, v.Policy.UnusedWaivers = j.finalizing(now).Finalize(out)
	return v
}

// destinationOf is an aggregate's destination as the rules read it: its
// entity's attribution from cat (nil when there is none, or cat does not
// know it) and the traffic.
func destinationOf(cat *catalog.Catalog, a *collect.Aggregate) (*attribute.Attribution, *policy.FlowVars) {
	fv := flowVars(a)
	e := cat.Entity(a.Entity)
	if a.Entity == "" || e == nil {
		fv.Destination = ""
		return nil, fv
	}
	chain := cat.Chain(e)
	fv.ControllingCountry = chain.Country
	return &attribute.Attribution{Candidate: attribute.Candidate{Entity: e}, Tier: a.Tier, Chain: chain}, fv
}

func destinationName(a *collect.Aggregate) string {
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

// flowVars is an aggregate as the policy engine's flow variable.
func flowVars(a *collect.Aggregate) *policy.FlowVars {
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
