package server

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/egress/collect"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

// itemJudge knows the fleet's distinct items under one policy state:
// each decoded and attributed once, whatever the number of hosts holding
// it, and which of them any rule judges on a system. A host is then
// judged on its few items that matter, not its thousands.
type itemJudge struct {
	s     *Server
	ps    *policyState
	items map[int64]*keptItem
	evals map[string]*judgedSystem
	memo  *policy.Memo
}

// judgedSystem is a system's evaluator and its number, each kept item's
// place in keptItem.judged.
type judgedSystem struct {
	ev *policy.SystemEvaluator
	n  int
}

// keptItem is one distinct item, attributed, with the digest of its
// evidence entry once a finding needed it, and whether any rule judges
// it on each system seen (by judgedSystem.n: 0 not asked yet, 1 no, 2
// yes).
type keptItem struct {
	item   *inventory.Item
	attr   *attribute.Attribution
	digest string
	judged []uint8
}

func newItemJudge(s *Server, ps *policyState) *itemJudge {
	return &itemJudge{s: s, ps: ps, items: map[int64]*keptItem{}, evals: map[string]*judgedSystem{}, memo: ps.engine.NewMemo()}
}

// load reads, decodes and attributes the items of the indexed hosts of
// in not yet known.
func (j *itemJudge) load(ctx context.Context, in []store.RejudgeInput) error {
	var missing []int64
	for _, x := range in {
		if !x.Indexed {
			continue
		}
		for _, k := range x.Keys {
			if _, ok := j.items[k]; !ok {
				missing = append(missing, k)
				j.items[k] = nil // asked once
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	docs, err := j.s.st.ItemDocs(ctx, missing)
	if err != nil {
		return err
	}
	for _, k := range missing {
		d, ok := docs[k]
		if !ok {
			return fmt.Errorf("stored item %x is missing", uint64(k))
		}
		it, err := decodeItem(d)
		if err != nil {
			return err
		}
		j.items[k] = &keptItem{item: it, attr: j.ps.data.attr.Attribute(it)}
	}
	return nil
}

// evaluator is the evaluator of sys's class (one per class of systems
// the rules can tell apart, reused: it remembers decisions).
func (j *itemJudge) evaluator(sys systems.System) *judgedSystem {
	key := j.ps.engine.SystemClass(sys)
	js, ok := j.evals[key]
	if !ok {
		js = &judgedSystem{ev: j.ps.engine.ForSystemWith(sys, j.memo), n: len(j.evals)}
		j.evals[key] = js
	}
	return js
}

// entries are the report entries of a host's items that a rule judges
// on its system, placed on the host, and the kept item of each by id.
func (j *itemJudge) entries(keys []int64, sys systems.System, host string) ([]report.Entry, map[string]*keptItem) {
	js := j.evaluator(sys)
	var out []report.Entry
	byID := map[string]*keptItem{}
	for _, k := range keys {
		ki := j.items[k]
		if ki == nil || !ki.judgedOn(js) {
			continue
		}
		it := *ki.item
		it.Location.Host = host
		out = append(out, report.Entry{Item: &it, Attribution: ki.attr})
		byID[it.ID] = ki
	}
	return out, byID
}

// judgedOn reports whether any rule judges the item on js's system,
// asking the evaluator once.
func (ki *keptItem) judgedOn(js *judgedSystem) bool {
	if js.n >= len(ki.judged) {
		ki.judged = append(ki.judged, make([]uint8, js.n+1-len(ki.judged))...)
	}
	if ki.judged[js.n] == 0 {
		ki.judged[js.n] = 1
		if len(js.ev.Evaluate(ki.item, ki.attr)) > 0 {
			ki.judged[js.n] = 2
		}
	}
	return ki.judged[js.n] == 2
}

// judgeBatch judges claimed hosts again; a host whose findings and
// register fields come out as stored is marked Unchanged.
func (s *Server) judgeBatch(ctx context.Context, ps *policyState, items *itemJudge, job store.RejudgeJob, in []store.RejudgeInput, pace *pacer) ([]store.Rejudged, error) {
	if err := items.load(ctx, in); err != nil {
		return nil, err
	}
	out := make([]store.Rejudged, 0, len(in))
	for _, x := range in {
		pace.yield(ctx)
		r, err := s.judgeInput(ps, items, job, x)
		if err != nil {
			return nil, fmt.Errorf("re-judging host %q: %w", x.Host.ID, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// judgeInput judges one host again from its inventory (its items that
// matter, or the whole report when it has no index) and its traffic.
func (s *Server) judgeInput(ps *policyState, items *itemJudge, job store.RejudgeJob, x store.RejudgeInput) (store.Rejudged, error) {
	now := s.now()
	r := store.Rejudged{HostID: x.Host.ID, At: now, Reason: "re-judged: " + job.Reason, Inventory: x.Received}
	a := store.Agent{ID: x.Host.ID, Department: x.Host.Department, Host: x.Host.Host}
	// A managed device is judged by the record its manager gave last, as
	// stored with its host.
	var dev *inventory.ManagedDevice
	if x.Host.Device != nil {
		dev = managedDevice(x.Host.Host, *x.Host.Device)
	}
	firstSeen := make(map[string]time.Time, len(x.Findings))
	for _, p := range x.Findings {
		firstSeen[p.ID] = p.FirstSeen
	}
	if !x.Received.IsZero() {
		var rep *report.Report
		// Evidence is made only for a finding that is new or says
		// something else: the store keeps the others' (writes.plan).
		prior := make(map[string]string, len(x.Findings))
		for _, p := range x.Findings {
			prior[p.ID] = p.Digest
		}
		o := scanJudging{memo: items.memo, evidence: true, device: dev, evidenceFor: func(id, digest string) bool {
			d, ok := prior[id]
			return !ok || d == "" || d != digest
		}}
		if x.Indexed {
			o.attributed = true
			sys := agentSystems{reg: ps.reg, dept: a.Department}.systemOf(a.Host, dev).System
			es, byID := items.entries(x.Keys, sys, a.Host)
			rep = &report.Report{Items: es}
			o.entryDigest = func(e *report.Entry) string {
				ki := byID[e.ID]
				if ki == nil {
					return entryDigest(e)
				}
				if ki.digest == "" {
					ki.digest = entryDigest(e)
				}
				return ki.digest
			}
		} else {
			var err error
			if rep, err = decodeScanReport(x.Report); err != nil {
				return r, fmt.Errorf("the stored inventory: %w", err)
			}
		}
		up, err := s.judgeScanWith(ps, a, rep, now, firstSeen, o)
		if err != nil {
			return r, err
		}
		for i := range up.Findings {
			up.Findings[i].LastSeen = x.Received
		}
		r.Host, r.Software = up.Host, up.Findings
	}
	aggs := make([]collect.Aggregate, 0, len(x.Flows))
	for _, f := range x.Flows {
		ag, err := summaryAggregate(f)
		if err != nil {
			return r, fmt.Errorf("the stored traffic to %s: %w", f.Destination, err)
		}
		aggs = append(aggs, *ag)
	}
	var err error
	if r.Traffic, err = s.judgeTraffic(ps, a, aggs, now, firstSeen); err != nil {
		return r, err
	}
	last := make(map[string]time.Time, len(x.Flows))
	for _, f := range x.Flows {
		last[f.Destination] = f.Last
	}
	for i := range r.Traffic {
		r.Traffic[i].LastSeen = last[r.Traffic[i].ItemKey]
	}
	r.Unchanged = unchanged(x, r)
	return r, nil
}

// unchanged reports whether r says what is stored of the host: the same
// standing findings with the same digests (none waived: a waiver's
// expiry is decided by writing), and the same register fields.
func unchanged(x store.RejudgeInput, r store.Rejudged) bool {
	stored := map[string]string{}
	for _, p := range x.Findings {
		if x.Received.IsZero() && p.Kind == store.Software {
			continue // not judged without an inventory
		}
		switch p.State {
		case store.Waived:
			return false
		case store.Open, store.Reopened:
			stored[p.ID] = p.Digest
		}
	}
	n := 0
	for _, fs := range [][]store.Finding{r.Software, r.Traffic} {
		for _, f := range fs {
			if d, ok := stored[f.ID]; !ok || d == "" || d != f.Digest {
				return false
			}
			n++
		}
	}
	if n != len(stored) {
		return false
	}
	if x.Received.IsZero() {
		return true
	}
	h, o := x.Host, r.Host
	return h.SystemID == o.SystemID && h.SystemName == o.SystemName && h.Owner == o.Owner && h.Classification == o.Classification &&
		h.Clash == o.Clash && slices.Equal(h.Tags, o.Tags)
}
