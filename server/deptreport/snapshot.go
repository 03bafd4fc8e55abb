package deptreport

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// SnapshotVersion is the version of the saved snapshot's JSON.
const SnapshotVersion = 1

// MaxSnapshotBytes bounds a saved snapshot the report will decode: about
// 100 bytes a finding, for a department of some hundreds of thousands.
const MaxSnapshotBytes = 64 << 20

// Snapshot is what is saved with a report marked as sent: the counts and
// every finding's state, for the next report's "since the last report".
type Snapshot struct {
	Version  int                           `json:"version"`
	At       time.Time                     `json:"at"`
	Open     int                           `json:"open"`
	Overdue  int                           `json:"overdue"`
	Waived   int                           `json:"waived"`
	Findings map[string]store.FindingState `json:"findings"`
}

// Changes is what happened between the last saved report and this one.
type Changes struct {
	Last         time.Time `json:"last_report"`
	New          []Change  `json:"new"`
	Remediated   []Change  `json:"remediated"`
	Reopened     []Change  `json:"reopened"`
	OpenDelta    int       `json:"open_delta"`
	OverdueDelta int       `json:"overdue_delta"`
	WaivedDelta  int       `json:"waived_delta"`
}

// Change names one finding that changed.
type Change struct {
	FindingID  string `json:"finding_id"`
	Host       string `json:"host"`
	Instrument string `json:"instrument"`
	Item       string `json:"item"`
}

// Snapshot returns the snapshot to save with r.
func (r Report) Snapshot() Snapshot {
	s := Snapshot{Version: SnapshotVersion, At: r.Generated, Open: r.Open, Overdue: r.Overdue, Waived: r.Waived,
		Findings: make(map[string]store.FindingState, len(r.findings))}
	for _, f := range r.findings {
		s.Findings[f.ID] = f.State
	}
	return s
}

// Save records r as sent, so that the next report counts its changes
// from it.
func Save(ctx context.Context, st store.Store, v store.Viewer, r Report) error {
	b, err := json.Marshal(r.Snapshot())
	if err != nil {
		return fmt.Errorf("encoding the snapshot of %q: %w", r.Department, err)
	}
	if err := st.SaveReport(ctx, v, r.Department, r.Generated, b); err != nil {
		return fmt.Errorf("saving the report of %q: %w", r.Department, err)
	}
	return nil
}

// DecodeSnapshot reads a saved snapshot.
func DecodeSnapshot(b []byte) (Snapshot, error) {
	var s Snapshot
	if len(b) > MaxSnapshotBytes {
		return s, fmt.Errorf("the snapshot is %d bytes, more than the %d read", len(b), MaxSnapshotBytes)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("decoding the snapshot: %w", err)
	}
	if s.Version != SnapshotVersion {
		return s, fmt.Errorf("the snapshot is version %d, not %d", s.Version, SnapshotVersion)
	}
	return s, nil
}

// changes compares the findings now with the snapshot saved at last.
func changes(prev Snapshot, last time.Time, now []store.Finding, hosts map[string]store.Host) *Changes {
	c := &Changes{Last: last, New: []Change{}, Remediated: []Change{}, Reopened: []Change{}}
	for _, f := range now {
		was, seen := prev.Findings[f.ID]
		ch := Change{FindingID: f.ID, Host: hosts[f.HostID].Host, Instrument: f.Instrument, Item: f.Item}
		standing := f.State == store.Open || f.State == store.Reopened
		switch {
		case !seen && standing:
			c.New = append(c.New, ch)
		case f.State == store.Remediated && seen && was != store.Remediated:
			c.Remediated = append(c.Remediated, ch)
		case f.State == store.Reopened && (was == store.Remediated || f.Changed.After(last)):
			c.Reopened = append(c.Reopened, ch)
		}
	}
	for _, l := range [][]Change{c.New, c.Remediated, c.Reopened} {
		sort.Slice(l, func(i, j int) bool {
			if l[i].Host != l[j].Host {
				return l[i].Host < l[j].Host
			}
			return l[i].FindingID < l[j].FindingID
		})
	}
	return c
}
