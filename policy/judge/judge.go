// Package judge is the pipeline's last stage: it takes an attributed
// report and the policy a user chose (packs, the systems the hosts belong
// to, waivers, the first-seen state) and adds the findings: which rule of
// which instrument each item breaks, on which system, by when, and whether
// a waiver excuses it.
package judge

import (
	"time"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
	"github.com/embargo-dev/embargo/policy/waivers"
	"github.com/embargo-dev/embargo/report"
)

// Assigner says which system a host belongs to.
type Assigner interface {
	ForHost(host string, labels map[string]string) systems.Match
}

// OneOff assigns every host to one system described on the command line.
type OneOff systems.System

// ForHost implements Assigner.
func (o OneOff) ForHost(string, map[string]string) systems.Match {
	s := systems.System(o)
	return systems.Match{System: s, By: "one-off", Candidates: []systems.System{s}}
}

// Judge holds what a report is judged by.
type Judge struct {
	Engine *policy.Engine
	// Systems assigns hosts to systems; SystemsName says where it came
	// from (the register file, or "one-off").
	Systems     Assigner
	SystemsName string
	// Waivers may be nil: nothing is waived.
	Waivers     *waivers.Set
	WaiversName string
	// State keeps first sightings across runs; nil keeps none, and every
	// finding is first seen now.
	State *State
	// FailOn is the weakest effect that fails the scan.
	FailOn policy.Effect
	// OverdueIsReminder stops an overdue remove-by finding from failing
	// the scan like a prohibition (the default).
	OverdueIsReminder bool
	// Host names the host of items that carry none (SBOMs, dpkg files).
	Host string
	// Now is the time deadlines are measured at; zero means the report's.
	Now time.Time
}

// Apply judges every item of rep on the system its host belongs to and
// sets rep.Policy, rep.Findings and rep.Summary.Findings.
func (j *Judge) Apply(rep *report.Report) {
	now := j.Now
	if now.IsZero() {
		now = rep.Generated
	}
	run := &finding.PolicyRun{FailOn: j.FailOn, OverdueIsReminder: j.OverdueIsReminder, Systems: j.SystemsName, Waivers: j.WaiversName}
	if j.State != nil {
		run.State = j.State.Path()
	}
	cat := j.Engine.Catalog()
	run.Packs = finding.PackRefs(j.Engine)
	titles := map[string]string{}
	for _, p := range run.Packs {
		titles[p.ID] = p.Title
	}
	hosts := newHostTable(j.Systems, j.Engine)
	var out []finding.Finding
	var found []*report.Entry // the entry of each finding
	var last *hostEntry
	var lastHost string
	for i := range rep.Items {
		e := &rep.Items[i]
		host := e.Location.Host
		if host == "" {
			host = j.Host
		}
		h := last
		if h == nil || host != lastHost {
			// Items come grouped by host; most lookups are the last one.
			h, lastHost = hosts.get(host), host
			last = h
		}
		for _, f := range h.eval.Evaluate(e.Item, e.Attribution) {
			rf := j.finding(f, h, host, e)
			rf.Title = titles[f.Pack]
			if in := cat.Instrument(f.Instrument); in != nil {
				rf.URL = in.URL
			}
			out = append(out, rf)
			found = append(found, e)
		}
	}
	run.Unregistered, run.Ambiguous = hosts.unregistered, hosts.ambiguous
	fin := finding.Finalizing{Waivers: j.Waivers, Now: now, FailOn: j.FailOn, OverdueIsReminder: j.OverdueIsReminder}
	if j.State != nil {
		fin.FirstSeen = j.State.FirstSeen
		fin.Seen = func(i int, f *finding.Finding) { j.State.put(*f, found[i], now) }
	}
	rep.Findings, rep.Summary.Findings, run.UnusedWaivers = fin.Finalize(out)
	rep.Policy = run
}

// finding spells out one engine finding for the report.
func (j *Judge) finding(f policy.Finding, h *hostEntry, host string, e *report.Entry) finding.Finding {
	s := h.match.System
	rf := finding.Finding{
		Finding: f, Host: host, SystemName: s.Name, Department: s.Department, Owner: s.Owner,
		Classification: s.Classification, Tags: s.Tags, Unregistered: h.match.Unregistered,
		ItemName: e.Name, ItemVersion: e.Version, State: finding.Open,
	}
	if a := e.Attribution; a != nil {
		rf.Supplier, rf.Country, rf.Tier = entityID(a), a.Chain.Country, string(a.Tier)
		if a.Product != nil {
			rf.Product = a.Product.ID
		}
	}
	return rf
}

func entityID(a *attribute.Attribution) string {
	if a.Entity == nil {
		return ""
	}
	return a.Entity.ID
}
