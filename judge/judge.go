// Package judge is the pipeline's judging stage, for both kinds of
// subject: it takes attributed items, or traffic aggregated per source
// system and destination, and the policy a user chose (packs, the systems
// the hosts belong to, waivers, the first-seen state) and concludes the
// findings: which rule of which instrument each item or destination
// breaks, on which system, by when, and whether a waiver excuses it. The
// command line, the agent and the fleet server all judge through it.
package judge

import (
	"iter"
	"time"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
	"github.com/embargo-dev/embargo/policy/waivers"
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
	// Devices are the hosts a device manager reported, by host name: a
	// device is matched to its system by its labels too
	// (ManagedDevice.Labels), and judged with the tags it gives itself
	// (DeviceTags). Nil for inputs of other kinds.
	Devices map[string]*inventory.ManagedDevice
	// Host names the host of items that carry none (SBOMs, dpkg files).
	Host string
	// Now is the time deadlines are measured at; zero means the time of
	// judging.
	Now time.Time
	// Memo, when set, is the Engine's memo of outcomes to share with
	// other judgements (policy.Memo): judging many hosts one after
	// another, an item judged on one system is not judged again on a
	// system the rules cannot tell apart. Not safe for concurrent use.
	Memo *policy.Memo
}

// now is the time deadlines are measured at.
func (j *Judge) now() time.Time {
	if j.Now.IsZero() {
		return time.Now().UTC()
	}
	return j.Now
}

// run is the policy run a verdict reports.
func (j *Judge) run() *finding.PolicyRun {
	run := &finding.PolicyRun{FailOn: j.FailOn, OverdueIsReminder: j.OverdueIsReminder, Systems: j.SystemsName, Waivers: j.WaiversName,
		Packs: finding.PackRefs(j.Engine)}
	if j.State != nil {
		run.State = j.State.Path()
	}
	return run
}

// titled fills in a finding's pack title and instrument URL.
func titled(fs []finding.Finding, e *policy.Engine) {
	cat := e.Catalog()
	titles := map[string]string{}
	for _, p := range e.Packs() {
		titles[p.ID] = p.Title
	}
	for i := range fs {
		f := &fs[i]
		f.Title = titles[f.Pack]
		if in := cat.Instrument(f.Instrument); in != nil {
			f.URL = in.URL
		}
	}
}

// Items judges every item on the system its host belongs to (items that
// name no host are on j.Host).
func (j *Judge) Items(items iter.Seq2[*inventory.Item, *attribute.Attribution]) finding.Verdict {
	now := j.now()
	run := j.run()
	hosts := newHostTable(j.Systems, j.Devices, j.Engine, j.Memo)
	var out []finding.Finding
	type subject struct {
		item *inventory.Item
		attr *attribute.Attribution
	}
	var found []subject // the item of each finding
	var last *hostEntry
	var lastHost string
	for it, a := range items {
		host := it.Location.Host
		if host == "" {
			host = j.Host
		}
		h := last
		if h == nil || host != lastHost {
			// Items come grouped by host; most lookups are the last one.
			h, lastHost = hosts.get(host), host
			last = h
		}
		for _, f := range h.eval.Evaluate(it, a) {
			out = append(out, j.finding(f, h, host, it, a))
			found = append(found, subject{it, a})
		}
	}
	titled(out, j.Engine)
	run.Unregistered, run.Ambiguous = hosts.unregistered, hosts.ambiguous
	fin := j.finalizing(now)
	if j.State != nil {
		fin.FirstSeen = j.State.FirstSeen
		fin.Seen = func(i int, f *finding.Finding) { j.State.put(*f, found[i].item, found[i].attr, now) }
	}
	v := finding.Verdict{Policy: run}
	v.Findings, v.Summary, run.UnusedWaivers = fin.Finalize(out)
	return v
}

// finalizing is how this judge's findings are completed at now.
func (j *Judge) finalizing(now time.Time) finding.Finalizing {
	return finding.Finalizing{Waivers: j.Waivers, Now: now, FailOn: j.FailOn, OverdueIsReminder: j.OverdueIsReminder}
}

// finding spells out one engine finding for the report.
func (j *Judge) finding(f policy.Finding, h *hostEntry, host string, it *inventory.Item, a *attribute.Attribution) finding.Finding {
	s := h.match.System
	rf := finding.Finding{
		Finding: f, Host: host, SystemName: s.Name, Department: s.Department, Owner: s.Owner,
		Classification: s.Classification, Tags: s.Tags, Unregistered: h.match.Unregistered, Device: h.device,
		ItemName: it.Name, ItemVersion: it.Version, State: finding.Open,
	}
	if a != nil {
		rf.Supplier, rf.Country, rf.Tier, rf.Local = entityID(a), a.Chain.Country, string(a.Tier), a.Local()
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
