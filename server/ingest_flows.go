package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/internal/country"
	"github.com/embargo-dev/embargo/judge"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// applyFlows adds the traffic of a flows report from agent a's host to
// the host's flow summaries and judges the host's traffic, this upload
// added, by the flow rules in force.
func (s *Server) applyFlows(ctx context.Context, a store.Agent, body []byte, digest string, now time.Time) (bool, int, error) {
	rep, err := decodeFlowsReport(body)
	if err != nil {
		return false, 0, err
	}
	for try := 0; ; try++ {
		dup, n, err := s.storeFlows(ctx, a, rep, digest, now)
		if !errors.Is(err, store.ErrStale) || try == 2 {
			return dup, n, err
		}
		s.forget()
	}
}

func (s *Server) storeFlows(ctx context.Context, a store.Agent, tr *report.Traffic, digest string, now time.Time) (bool, int, error) {
	ps, err := s.policyState(ctx)
	if err != nil {
		return false, 0, err
	}
	stored, err := s.st.FlowSummaries(ctx, store.System, a.ID)
	if err != nil {
		return false, 0, fmt.Errorf("reading the traffic of %q: %w", a.Host, err)
	}
	// The host's traffic as it will be once this upload is added: each
	// destination of the upload added to what is stored of it.
	total := map[string]*collect.Aggregate{}
	for _, x := range stored {
		if ag, err := summaryAggregate(x); err == nil {
			total[x.Destination] = ag
		}
	}
	up := store.FlowUpload{AgentID: a.ID, Digest: digest, Received: now, HostID: a.ID, PolicyVersion: ps.version}
	var judged []collect.Aggregate
	for i := range tr.Aggregates {
		ag := tr.Aggregates[i]
		if ag.Destination == "" {
			continue
		}
		sum := summaryOf(&ag)
		if t := total[ag.Destination]; t != nil {
			t.Add(&ag)
			ag = *t
		}
		b, err := json.Marshal(&ag)
		if err != nil {
			return false, 0, fmt.Errorf("encoding the traffic of %q: %w", a.Host, err)
		}
		sum.Aggregate = b
		up.Summaries = append(up.Summaries, sum)
		judged = append(judged, ag)
	}
	firstSeen, err := s.firstSeen(ctx, a.ID)
	if err != nil {
		return false, 0, fmt.Errorf("reading the findings of %q: %w", a.Host, err)
	}
	if up.Findings, err = s.judgeTraffic(ps, a, judged, now, firstSeen); err != nil {
		return false, 0, err
	}
	dup, err := s.st.ApplyFlows(ctx, up)
	if err != nil {
		return false, 0, fmt.Errorf("storing the flows of %q: %w", a.Host, err)
	}
	return dup, len(up.Findings), nil
}

// summaryOf is an upload's aggregate as the store sums it.
func summaryOf(ag *collect.Aggregate) store.FlowSummary {
	x := store.FlowSummary{Destination: ag.Destination, Name: destinationLabel(ag), Country: ag.ControllingCountry,
		BytesOut: ag.BytesOut, BytesIn: ag.BytesIn, Flows: ag.Flows, First: ag.First, Last: ag.Last}
	if len(ag.RegisteredCountries) > 0 {
		x.Registered = ag.RegisteredCountries[0]
		if x.Country == "" {
			x.Country = x.Registered
		}
	}
	if len(ag.ASNs) > 0 {
		x.ASN = ag.ASNs[0]
	}
	return x
}

// summaryAggregate is a stored summary as the judge reads it: its
// aggregate, with the store's sums (which concurrent uploads may have
// moved past the aggregate's own).
func summaryAggregate(x store.FlowSummary) (*collect.Aggregate, error) {
	ag := &collect.Aggregate{Destination: x.Destination}
	if len(x.Aggregate) > 0 {
		if err := json.Unmarshal(x.Aggregate, ag); err != nil {
			return nil, err
		}
	}
	ag.Destination, ag.BytesOut, ag.BytesIn, ag.Flows = x.Destination, x.BytesOut, x.BytesIn, x.Flows
	if !x.First.IsZero() {
		ag.First = x.First
	}
	if x.Last.After(ag.Last) {
		ag.Last = x.Last
	}
	return ag, nil
}

// destinationLabel is a destination's name for people.
func destinationLabel(ag *collect.Aggregate) string {
	switch {
	case ag.EntityName != "":
		return ag.EntityName
	case len(ag.RegisteredCountries) > 0:
		return "addresses registered in " + country.Name(ag.RegisteredCountries[0])
	}
	return ag.Destination
}

// judgeTraffic judges aggregates as traffic from a's host. The report's
// own findings are not trusted (the agent may have judged by other packs,
// or none): the server's packs decide, on the system the register gives
// the agent's host, with the destination attributed from the server's
// catalogue by the entity id the agent reported.
func (s *Server) judgeTraffic(ps *policyState, a store.Agent, aggs []collect.Aggregate, now time.Time, firstSeen map[string]time.Time) ([]store.Finding, error) {
	sys := agentSystems{reg: ps.reg, dept: a.Department}.systemFor(a.Host).System
	byDest := make(map[string]*collect.Aggregate, len(aggs))
	for i := range aggs {
		byDest[aggs[i].Destination] = &aggs[i]
	}
	j := &judge.Judge{Engine: ps.engine, SystemsName: RegisterName, FailOn: policy.Warn, Now: now}
	v := j.Traffic(aggs, func(*collect.Aggregate) systems.System { return sys })
	var out []store.Finding
	for _, f := range v.Findings {
		ag := byDest[f.Item]
		f.ID = fleetFindingID(a.ID, f.Pack, f.Rule, ag.Destination)
		if t, ok := firstSeen[f.ID]; ok && !t.IsZero() {
			f.FirstSeen = t
			f.Deadline = f.DeadlineAfter(t)
		}
		ev, err := json.Marshal(struct {
			Finding   policy.Finding     `json:"finding"`
			Aggregate *collect.Aggregate `json:"aggregate"`
		}{f.Finding, ag})
		if err != nil {
			return nil, fmt.Errorf("encoding the evidence of traffic finding %s: %w", f.ID, err)
		}
		sf := store.Finding{ID: f.ID, Kind: store.Traffic, ItemKey: ag.Destination, HostID: a.ID, Department: a.Department,
			Pack: f.Pack, Rule: f.Rule, Instrument: f.Instrument, Title: f.Title, URL: f.URL, Effect: string(f.Effect),
			Item: f.ItemName, Product: destinationLabel(ag), Supplier: f.Supplier, Country: f.Country, Deadline: f.Deadline,
			FirstSeen: f.FirstSeen, LastSeen: now, State: store.Open, Changed: now, Evidence: ev}
		sf.Digest = findingDigest(sf, ev)
		out = append(out, sf)
	}
	return out, nil
}
