package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/embargo-dev/embargo/store"
)

// scanSummary is what one upload did to the host's findings, for the
// audit log.
type scanSummary struct {
	Digest string `json:"digest"`
	transitions
}

// ApplyScan applies one inventory scan: the host's register fields,
// counts and report, and its findings' lives. A finding in the scan is
// open when new, reopened when it had been remediated, waived while an
// approved waiver is in force at Received and open again once that has
// expired; the host's findings not in the scan are remediated.
func (s *Store) ApplyScan(ctx context.Context, u store.ScanUpload) (bool, error) {
	what := fmt.Sprintf("apply scan %q of agent %q", u.Digest, u.AgentID)
	if err := checkUpload(u.AgentID, u.Digest, !u.Received.IsZero()); err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	fs := dedupe(u.Findings, func(f store.Finding) string { return f.ID })
	for _, f := range fs {
		if f.ID == "" {
			return false, fmt.Errorf("%s: %w: a finding has no id", what, store.ErrInvalid)
		}
	}
	// Compressed before the transaction, so that the writer's lock is
	// not held for it.
	packed, err := compressReport(u.Report)
	if err != nil {
		return false, fmt.Errorf("%s: compressing the report: %w", what, err)
	}
	tags, err := json.Marshal(u.Host.Tags)
	if err != nil || u.Host.Tags == nil {
		tags = []byte("[]")
	}
	rec := ts(u.Received)
	lastScan := rec
	if !u.Host.LastScan.IsZero() {
		lastScan = ts(u.Host.LastScan)
	}
	var dup bool
	err = s.update(ctx, func(tx *sql.Tx) error {
		var dept string
		var old hostCounts
		var err error
		dup, dept, old, err = s.beginUpload(ctx, tx, u.AgentID, u.Digest, "inventory", rec)
		if err != nil || dup {
			return err
		}
		if err := s.checkVersion(ctx, tx, u.PolicyVersion); err != nil {
			return err
		}
		present := make(map[string]bool, len(u.Present))
		for _, id := range u.Present {
			present[id] = true
		}
		counts := newCountDelta()
		t, err := s.applyJudged(ctx, tx, judged{hostID: u.AgentID, dept: dept, at: rec, kind: store.Software, fs: fs,
			absent: func(p prior) (store.FindingState, string) {
				if p.itemKey != "" && present[p.itemKey] {
					return store.OutOfScope, "the item is still installed but no rule in force applies to it any more"
				}
				return store.Remediated, ""
			}}, counts)
		if err != nil {
			return err
		}
		sum := scanSummary{Digest: u.Digest, transitions: t}
		h := u.Host
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE hosts SET system_id = ?, system_name = ?, owner = ?, classification = ?, tags = ?,
			clash = ?, last_scan = ?, items = ?, unknowns = ? WHERE id = ?`),
			h.SystemID, h.SystemName, h.Owner, h.Classification, string(tags), h.Clash, lastScan, h.Items, h.Unknowns, u.AgentID); err != nil {
			return fmt.Errorf("update host: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO inventories (host_id, received, report) VALUES (?, ?, ?)
			ON CONFLICT (host_id) DO UPDATE SET received = excluded.received, report = excluded.report`),
			u.AgentID, rec, nonNil(packed)); err != nil {
			return fmt.Errorf("keep report: %w", err)
		}
		if err := s.putHostItems(ctx, tx, u.AgentID, rec, u.Items); err != nil {
			return err
		}
		if err := s.putHostEquipment(ctx, tx, u.AgentID, dept, lastScan, u.Equipment); err != nil {
			return err
		}
		if err := counts.apply(ctx, s, tx); err != nil {
			return err
		}
		if err := s.recountHost(ctx, tx, u.AgentID, dept, old, rec, t.Remediated); err != nil {
			return err
		}
		who := u.Actor
		if who == "" {
			who = "agent:" + u.AgentID
		}
		return s.audit(ctx, tx, who, "upload.inventory", u.AgentID, sum)
	})
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return dup, nil
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
