package deptreport

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// SnapshotVersion is the version of the snapshot Save writes. Version 1
// also held every finding's state, for the next report to compare; the
// changes now come from the findings' timestamps, and a version 1
// snapshot still decodes (its counts are read, its findings skipped).
const SnapshotVersion = 2

// MaxSnapshotBytes bounds a saved snapshot the report will decode. A
// version 2 snapshot is some hundred bytes; the bound is for version 1
// ones, about 100 bytes a finding, for a department of some hundreds of
// thousands.
const MaxSnapshotBytes = 64 << 20

// Snapshot is what is saved with a report marked as sent: its counts,
// for the next report's deltas.
type Snapshot struct {
	Version    int       `json:"version"`
	At         time.Time `json:"at"`
	Hosts      int       `json:"hosts"`
	Open       int       `json:"open"`
	Overdue    int       `json:"overdue"`
	DueSoon    int       `json:"due_in_30_days"`
	Waived     int       `json:"waived"`
	Remediated int       `json:"remediated"`
	Stale      int       `json:"stale"`
}

// Changes is what happened between the last saved report and this one:
// the first Listed findings new, remediated and reopened since, of
// their counts, and how the totals moved.
type Changes struct {
	Last            time.Time `json:"last_report"`
	New             []Change  `json:"new"`
	Remediated      []Change  `json:"remediated"`
	Reopened        []Change  `json:"reopened"`
	NewCount        int       `json:"new_count"`
	RemediatedCount int       `json:"remediated_count"`
	ReopenedCount   int       `json:"reopened_count"`
	OpenDelta       int       `json:"open_delta"`
	OverdueDelta    int       `json:"overdue_delta"`
	WaivedDelta     int       `json:"waived_delta"`
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
	return Snapshot{Version: SnapshotVersion, At: r.Generated, Hosts: r.Hosts, Open: r.Open, Overdue: r.Overdue,
		DueSoon: r.DueSoon, Waived: r.Waived, Remediated: r.Remediated, Stale: r.StaleCount}
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

// DecodeSnapshot reads a saved snapshot of version 1 or 2.
func DecodeSnapshot(b []byte) (Snapshot, error) {
	var s Snapshot
	if len(b) > MaxSnapshotBytes {
		return s, fmt.Errorf("the snapshot is %d bytes, more than the %d read", len(b), MaxSnapshotBytes)
	}
	// Unknown fields, such as version 1's "findings", are skipped
	// rather than kept.
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("decoding the snapshot: %w", err)
	}
	if s.Version != 1 && s.Version != SnapshotVersion {
		return s, fmt.Errorf("the snapshot is version %d, not 1 or %d", s.Version, SnapshotVersion)
	}
	return s, nil
}
