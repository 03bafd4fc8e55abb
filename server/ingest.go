package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/judge"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/report"
	"github.com/embargo-dev/embargo/store"
)

type uploadResponse struct {
	Digest    string `json:"digest"`
	Duplicate bool   `json:"duplicate"`
	Findings  int    `json:"findings"`
}

// upload is what the two upload routes share: the per-agent rate limit,
// the bound on uploads in flight, reading and checking the body, and the
// response once the store has committed.
func (s *Server) upload(w http.ResponseWriter, r *http.Request, kind string,
	apply func(ctx context.Context, a store.Agent, body []byte, digest string, now time.Time) (dup bool, n int, err error)) error {
	a := agentFrom(r)
	now := s.now()
	if ok, wait := s.agentLim.allow(a.ID, now); !ok {
		s.metrics.uploads.WithLabelValues(kind, "rate_limited").Inc()
		return &rateError{wait: wait, msg: "too many uploads from this agent"}
	}
	// One upload at a time per agent, and its body read whole, under a
	// deadline and a minimum rate, before it takes one of the slots that
	// bound the uploads being decoded and judged: an agent that stalls
	// holds its own turn only.
	if !s.claimAgent(a.ID) {
		s.metrics.uploads.WithLabelValues(kind, "rate_limited").Inc()
		return &rateError{wait: time.Second, msg: "an upload from this agent is already in progress"}
	}
	defer s.releaseAgent(a.ID)
	refuse := func(err error) error {
		s.metrics.uploads.WithLabelValues(kind, "rejected").Inc()
		s.log.WarnContext(r.Context(), "upload refused", "kind", kind, "agent", a.ID, "host", a.Host, "reason", err.Error())
		return err
	}
	if err := checkUploadHeaders(r, s.cfg.MaxUpload); err != nil {
		return refuse(err)
	}
	raw, err := readUploadBody(w, r, s.cfg.MaxUpload.Compressed, s.cfg.UploadBody)
	if err != nil {
		return refuse(err)
	}
	select {
	case s.uploads <- struct{}{}:
		defer func() { <-s.uploads }()
	case <-r.Context().Done():
		return r.Context().Err()
	}
	body, digest, err := openUpload(r, raw, s.cfg.MaxUpload)
	raw = nil
	if err != nil {
		return refuse(err)
	}
	dup, n, err := apply(r.Context(), a, body, digest, now)
	if err != nil {
		result := "error"
		if _, ok := err.(*httpError); ok {
			result = "rejected"
			s.log.WarnContext(r.Context(), "upload refused", "kind", kind, "agent", a.ID, "host", a.Host, "reason", err.Error())
		}
		s.metrics.uploads.WithLabelValues(kind, result).Inc()
		return err
	}
	// Only now, with the store's transaction committed, is the upload
	// acknowledged: an agent that sees 2xx may forget it.
	status, result := http.StatusCreated, "new"
	if dup {
		status, result = http.StatusOK, "duplicate"
	}
	s.metrics.uploads.WithLabelValues(kind, result).Inc()
	s.metrics.uploadBytes.WithLabelValues(kind).Add(float64(len(body)))
	return writeJSON(w, status, uploadResponse{Digest: digest, Duplicate: dup, Findings: n})
}

func (s *Server) uploadInventory(w http.ResponseWriter, r *http.Request) error {
	return s.upload(w, r, "inventory", s.applyScan)
}

func (s *Server) uploadFlows(w http.ResponseWriter, r *http.Request) error {
	return s.upload(w, r, "flows", s.applyFlows)
}

// applyScan judges a scan report of agent a's host and stores it. If
// the policy changed between judging and storing (through this server
// or another), the scan is judged again by the policy now in force.
func (s *Server) applyScan(ctx context.Context, a store.Agent, body []byte, digest string, now time.Time) (bool, int, error) {
	rep, err := decodeScanReport(body)
	if err != nil {
		return false, 0, err
	}
	for try := 0; ; try++ {
		dup, n, err := s.storeScan(ctx, a, rep, digest, now)
		if !errors.Is(err, store.ErrStale) || try == 2 {
			return dup, n, err
		}
		s.forget()
	}
}

func (s *Server) storeScan(ctx context.Context, a store.Agent, rep *report.Report, digest string, now time.Time) (bool, int, error) {
	return s.storeScanWith(ctx, a, rep, digest, now, scanStore{judging: scanJudging{evidence: true}})
}

// scanStore says how storeScanWith judges and keeps a scan beyond an
// agent's upload: a managed device's (its record, in judging; the
// connector, in the audit log), or a device's stored apps judged again
// for a new record (seen: when they were received, which the host's
// last scan and its findings' last sighting stay at).
type scanStore struct {
	judging scanJudging
	actor   string
	seen    time.Time
	// fresh says the host has no findings yet (a device just kept).
	fresh bool
	// memo, when set, gives the engine's memo to share with the judging
	// of the other hosts of one ingest, for the policy state in force.
	memo func(ps *policyState) *policy.Memo
}

// storeScanWith judges rep as the scan of a's host, as o says, and
// stores it.
func (s *Server) storeScanWith(ctx context.Context, a store.Agent, rep *report.Report, digest string, now time.Time, o scanStore) (bool, int, error) {
	ps, err := s.policyState(ctx)
	if err != nil {
		return false, 0, err
	}
	var firstSeen map[string]time.Time
	if !o.fresh {
		if firstSeen, err = s.firstSeen(ctx, a.ID); err != nil {
			return false, 0, fmt.Errorf("reading the findings of %q: %w", a.Host, err)
		}
	}
	if o.memo != nil {
		o.judging.memo = o.memo(ps)
	}
	up, err := s.judgeScanWith(ps, a, rep, now, firstSeen, o.judging)
	if err != nil {
		return false, 0, err
	}
	up.Actor = o.actor
	up.Equipment = equipmentOf(rep, ps.data.cat)
	if !o.seen.IsZero() {
		up.Host.LastScan = o.seen
		for i := range up.Findings {
			up.Findings[i].LastSeen = o.seen
		}
	}
	// The stored report is the server's: the items as the agent listed
	// them, attributed and counted here (the agent's own summary and
	// attributions are not shown), without the judge's findings, which
	// the store keeps under the fleet's ids.
	stored := *rep
	stored.Policy, stored.Findings, stored.Devices = nil, nil, nil
	stored.Recount()
	stored.Summary.Findings = nil
	var buf bytes.Buffer
	if err := (report.JSON{}).Encode(&buf, &stored); err != nil {
		return false, 0, fmt.Errorf("encoding the scan of %q: %w", a.Host, err)
	}
	up.Digest, up.Report, up.PolicyVersion = digest, buf.Bytes(), ps.version
	if up.Items, err = itemDocs(rep); err != nil {
		return false, 0, fmt.Errorf("indexing the scan of %q: %w", a.Host, err)
	}
	dup, err := s.st.ApplyScan(ctx, up)
	if err != nil {
		return false, 0, fmt.Errorf("storing the scan of %q: %w", a.Host, err)
	}
	return dup, len(up.Findings), nil
}

// firstSeen is when each of the host's findings was first seen: a
// deadline that counts from the first sighting counts from the first
// upload that showed the finding, not from this one.
func (s *Server) firstSeen(ctx context.Context, hostID string) (map[string]time.Time, error) {
	prior, err := s.st.Findings(ctx, store.System, store.FindingFilter{HostID: hostID, NoEvidence: true})
	if err != nil {
		return nil, err
	}
	firstSeen := make(map[string]time.Time, len(prior))
	for _, f := range prior {
		firstSeen[f.ID] = f.FirstSeen
	}
	return firstSeen, nil
}

// judgeScan judges rep as the scan of a's host. Every item is taken to be
// on that host whatever the report says (the credential, not the report,
// says which host this is), and attributed again with the server's
// catalogue, so an agent cannot talk its way out of a finding.
func (s *Server) judgeScan(ps *policyState, a store.Agent, rep *report.Report, now time.Time, firstSeen map[string]time.Time) (store.ScanUpload, error) {
	return s.judgeScanWith(ps, a, rep, now, firstSeen, scanJudging{evidence: true})
}

// scanJudging says what judgeScanWith makes of each finding beyond its
// fields and digest: its evidence (re-judging makes it only for the
// hosts whose findings changed), and the digest of an item's evidence
// entry when the caller knows it (nil: computed).
type scanJudging struct {
	evidence    bool
	entryDigest func(e *report.Entry) string
	// attributed says the entries are attributed by the policy state's
	// data already (re-judging's items, attributed once).
	attributed bool
	// memo, when set, is the engine's memo shared with the judging of
	// other hosts (one goroutine's).
	memo *policy.Memo
	// evidenceFor, when set, says which findings need their evidence
	// made (by id and digest): re-judging makes it only for a finding
	// that is new or says something else, the store keeping the stored
	// evidence of the others.
	evidenceFor func(id, digest string) bool
	// device, when set, is the managed device the host is, as the server
	// read it from the device's manager (never as a report says it): the
	// host is matched to its system by the device's labels too, and
	// judged with the device's tags; its findings name the device.
	device *inventory.ManagedDevice
}

func (s *Server) judgeScanWith(ps *policyState, a store.Agent, rep *report.Report, now time.Time, firstSeen map[string]time.Time, o scanJudging) (store.ScanUpload, error) {
	up := store.ScanUpload{AgentID: a.ID, Received: now, Present: make([]string, 0, len(rep.Items))}
	for i := range rep.Items {
		e := &rep.Items[i]
		e.Location.Host = a.Host
		if !o.attributed {
			e.Attribution = ps.data.attr.Attribute(e.Item)
		}
		up.Present = append(up.Present, e.ID)
	}
	rep.Findings, rep.Policy = nil, nil
	assign := agentSystems{reg: ps.reg, dept: a.Department}
	j := &judge.Judge{Engine: ps.engine, Systems: assign, SystemsName: RegisterName, FailOn: policy.Warn, Host: a.Host, Now: now, Memo: o.memo}
	var labels map[string]string
	if o.device != nil {
		j.Devices = map[string]*inventory.ManagedDevice{a.Host: o.device}
		labels = o.device.Labels()
	}
	rep.SetVerdict(j.Items(rep.Entries()))

	entries := make(map[string]*report.Entry, len(rep.Items))
	for i := range rep.Items {
		entries[rep.Items[i].ID] = &rep.Items[i]
	}
	m := assign.systemOf(a.Host, o.device)
	up.Host = store.Host{ID: a.ID, Department: a.Department, Host: a.Host, LastScan: now, Items: len(rep.Items), Unknowns: len(rep.Unknowns)}
	if !m.Unregistered {
		up.Host.SystemID, up.Host.SystemName, up.Host.Owner = m.System.ID, m.System.Name, m.System.Owner
	}
	up.Host.Classification, up.Host.Tags = m.System.Classification, m.System.Tags
	if up.Host.Clash = assign.clash(a.Host, labels); up.Host.Clash != "" {
		s.log.Warn("host name clash", "agent", a.ID, "host", a.Host, "department", a.Department, "clash", up.Host.Clash)
	}
	kept := map[string]*report.Entry{} // each item's evidence entry, made once
	keptDigest := map[string]string{}
	for _, f := range rep.Findings {
		f.ID = fleetFindingID(a.ID, f.Pack, f.Rule, f.Item)
		if t, ok := firstSeen[f.ID]; ok && !t.IsZero() {
			f.FirstSeen = t
			f.Deadline = f.DeadlineAfter(t)
			f.Due, f.DaysLeft = finding.DueAt(f.Deadline, now)
		}
		d, ok := keptDigest[f.Item]
		if !ok {
			if o.entryDigest != nil {
				d = o.entryDigest(entries[f.Item])
			} else {
				d = entryDigest(entries[f.Item])
			}
			keptDigest[f.Item] = d
		}
		// What the finding says, without the day it was judged on.
		timeless := f
		timeless.Due, timeless.DaysLeft = "", 0
		said, err := json.Marshal(timeless)
		if err != nil {
			return up, fmt.Errorf("encoding finding %s: %w", f.ID, err)
		}
		said = append(said, d...)
		sf := store.Finding{
			ID: f.ID, Kind: store.Software, ItemKey: f.Item, HostID: a.ID, Department: a.Department, Pack: f.Pack, Rule: f.Rule, Instrument: f.Instrument,
			Title: f.Title, URL: f.URL, Effect: string(f.Effect), Item: f.ItemName, Version: f.ItemVersion,
			Product: f.Product, Supplier: f.Supplier, Country: f.Country, Deadline: f.Deadline,
			FirstSeen: f.FirstSeen, LastSeen: now, State: store.Open, Changed: now,
		}
		sf.Digest = findingDigest(sf, said)
		if o.evidence && (o.evidenceFor == nil || o.evidenceFor(sf.ID, sf.Digest)) {
			entry, ok := kept[f.Item]
			if !ok {
				entry = evidenceEntry(entries[f.Item])
				kept[f.Item] = entry
			}
			if sf.Evidence, err = json.Marshal(struct {
				Finding finding.Finding `json:"finding"`
				Entry   *report.Entry   `json:"entry,omitempty"`
			}{f, entry}); err != nil {
				return up, fmt.Errorf("encoding the evidence of finding %s: %w", f.ID, err)
			}
		}
		up.Findings = append(up.Findings, sf)
	}
	return up, nil
}

// fleetFindingID is a finding's id in the fleet. The judge's id is per
// system, and every host of a system has the same item ids, so the
// store's id is per host instead: stable across scans of the host, and
// across changes of the register that move it between systems (its
// waivers stay with it).
func fleetFindingID(agentID, pack, rule, item string) string {
	return policy.FindingID("host:"+agentID, pack, rule, item)
}
