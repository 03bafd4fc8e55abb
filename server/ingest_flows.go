package server

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/judge"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// applyFlows judges the traffic of a flows report from agent a's host by
// the flow rules in force and adds it to the host's flow findings.
func (s *Server) applyFlows(ctx context.Context, a store.Agent, body []byte, digest string, now time.Time) (bool, int, error) {
	rep, err := decodeFlowsReport(body)
	if err != nil {
		return false, 0, err
	}
	ps, err := s.policyState(ctx)
	if err != nil {
		return false, 0, err
	}
	fs, err := s.judgeFlows(ps, a, rep, now)
	if err != nil {
		return false, 0, err
	}
	up := store.FlowUpload{AgentID: a.ID, Digest: digest, Received: now, HostID: a.ID, Findings: fs}
	dup, err := s.st.ApplyFlows(ctx, up)
	if err != nil {
		return false, 0, fmt.Errorf("storing the flows of %q: %w", a.Host, err)
	}
	return dup, len(fs), nil
}

// judgeFlows judges each aggregate of rep as traffic from a's host. The
// report's own findings are not trusted (the agent may have judged by
// other packs, or none): the server's packs decide, on the system the
// register gives the agent's host, with the destination attributed from
// the server's catalogue by the entity id the agent reported.
func (s *Server) judgeFlows(ps *policyState, a store.Agent, tr *report.Traffic, now time.Time) ([]store.FlowFinding, error) {
	sys := agentSystems{reg: ps.reg, dept: a.Department}.systemFor(a.Host).System
	byDest := make(map[string]*collect.Aggregate, len(tr.Aggregates))
	for i := range tr.Aggregates {
		byDest[tr.Aggregates[i].Destination] = &tr.Aggregates[i]
	}
	j := &judge.Judge{Engine: ps.engine, SystemsName: RegisterName, FailOn: policy.Warn, Now: now}
	v := j.Traffic(tr.Aggregates, func(*collect.Aggregate) systems.System { return sys })
	var out []store.FlowFinding
	for _, f := range v.Findings {
		ag := byDest[f.Item]
		f.ID = fleetFindingID(a.ID, f.Pack, f.Rule, ag.Destination)
		ev, err := json.Marshal(struct {
			Finding   policy.Finding     `json:"finding"`
			Aggregate *collect.Aggregate `json:"aggregate"`
		}{f.Finding, ag})
		if err != nil {
			return nil, fmt.Errorf("encoding the evidence of flow finding %s: %w", f.ID, err)
		}
		ff := store.FlowFinding{ID: f.ID, HostID: a.ID, Department: a.Department, Pack: f.Pack, Rule: f.Rule,
			Instrument: f.Instrument, Effect: string(f.Effect), Destination: ag.Destination, Country: f.Country,
			BytesOut: ag.BytesOut, BytesIn: ag.BytesIn, Flows: ag.Flows, First: ag.First, Last: ag.Last, Evidence: ev}
		if len(ag.ASNs) > 0 {
			ff.ASN = ag.ASNs[0]
		}
		out = append(out, ff)
	}
	return out, nil
}
