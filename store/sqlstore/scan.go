package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/embargo-dev/embargo/store"
)

// prior is what ingest needs of a finding the host already has.
type prior struct {
	state      string
	instrument string
	deadline   int64 // noDeadline when none
	firstSeen  int64
	changed    int64
}

// scanSummary is what one upload did to the host's findings, for the
// audit log.
type scanSummary struct {
	Digest     string `json:"digest"`
	Findings   int    `json:"findings"`
	New        int    `json:"new"`
	Reopened   int    `json:"reopened"`
	Remediated int    `json:"remediated"`
	Waived     int    `json:"waived"`
	Unwaived   int    `json:"unwaived"`
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
		sum := scanSummary{Digest: u.Digest, Findings: len(fs)}
		had, err := s.hostFindings(ctx, tx, u.AgentID)
		if err != nil {
			return err
		}
		waived, err := s.waiversInForce(ctx, tx, u.AgentID, rec)
		if err != nil {
			return err
		}
		var now hostCounts
		counts := newCountDelta()
		states := make([]prior, len(fs))
		for i, f := range fs {
			p, ok := had[f.ID]
			delete(had, f.ID)
			next := p
			inForce := waived[f.ID]
			switch {
			case !ok:
				next = prior{state: string(store.Open), firstSeen: rec, changed: rec}
				sum.New++
			case p.state == string(store.Remediated):
				next.state = string(store.Reopened)
				sum.Reopened++
			case !inForce && p.state == string(store.Waived):
				next.state = string(store.Open)
				sum.Unwaived++
			}
			if inForce && next.state != string(store.Waived) {
				next.state = string(store.Waived)
				sum.Waived++
			}
			if next.state != p.state {
				next.changed = rec
			}
			states[i] = next
			deadline := deadlineTS(f.Deadline)
			now.add(next.state, deadline, rec)
			if next.state != p.state || f.Instrument != p.instrument || (ok && deadline != p.deadline) {
				counts.move(dept, findingCount{p.instrument, p.state, p.deadline}, findingCount{f.Instrument, next.state, deadline})
			}
		}
		if err := s.upsertFindings(ctx, tx, u.AgentID, dept, rec, fs, states); err != nil {
			return err
		}
		var gone []any
		for id, p := range had {
			if p.state != string(store.Remediated) {
				gone = append(gone, id)
				counts.move(dept, findingCount{p.instrument, p.state, p.deadline}, findingCount{p.instrument, string(store.Remediated), p.deadline})
			}
		}
		sum.Remediated = len(gone)
		for start := 0; start < len(gone); start += maxParams {
			part := gone[start:min(len(gone), start+maxParams)]
			args := append([]any{rec}, part...)
			if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE findings SET state = 'remediated', changed = ? WHERE id IN (`+inList(len(part))+`)`), args...); err != nil {
				return fmt.Errorf("remediate findings: %w", err)
			}
		}
		h := u.Host
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE hosts SET system_id = ?, system_name = ?, owner = ?, classification = ?, tags = ?,
			clash = ?, last_scan = ?, items = ?, unknowns = ?, open_count = ?, waived_count = ?, overdue_count = ? WHERE id = ?`),
			h.SystemID, h.SystemName, h.Owner, h.Classification, string(tags), h.Clash, lastScan, h.Items, h.Unknowns,
			now.open, now.waived, now.overdue, u.AgentID); err != nil {
			return fmt.Errorf("update host: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO inventories (host_id, received, report) VALUES (?, ?, ?)
			ON CONFLICT (host_id) DO UPDATE SET received = excluded.received, report = excluded.report`),
			u.AgentID, rec, nonNil(packed)); err != nil {
			return fmt.Errorf("keep report: %w", err)
		}
		if err := counts.apply(ctx, s, tx); err != nil {
			return err
		}
		if err := s.tally(ctx, tx, dept, u.Received, now.open-old.open, now.waived-old.waived, now.overdue-old.overdue, len(gone)); err != nil {
			return err
		}
		return s.audit(ctx, tx, "agent:"+u.AgentID, "upload.inventory", u.AgentID, sum)
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

func (s *Store) hostFindings(ctx context.Context, tx *sql.Tx, hostID string) (map[string]prior, error) {
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT id, state, instrument, deadline, first_seen, changed FROM findings WHERE host_id = ?`), hostID)
	if err != nil {
		return nil, fmt.Errorf("read host's findings: %w", err)
	}
	defer rows.Close()
	had := map[string]prior{}
	for rows.Next() {
		var id string
		var p prior
		if err := rows.Scan(&id, &p.state, &p.instrument, &p.deadline, &p.firstSeen, &p.changed); err != nil {
			return nil, err
		}
		had[id] = p
	}
	return had, rows.Err()
}

// waiversInForce are the host's findings with an approved waiver that
// has not expired at at.
func (s *Store) waiversInForce(ctx context.Context, tx *sql.Tx, hostID string, at int64) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT DISTINCT finding_id FROM waivers WHERE host_id = ? AND state = 'approved' AND expiry > ?`), hostID, at)
	if err != nil {
		return nil, fmt.Errorf("read host's waivers: %w", err)
	}
	defer rows.Close()
	in := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		in[id] = true
	}
	return in, rows.Err()
}

func (s *Store) upsertFindings(ctx context.Context, tx *sql.Tx, hostID, dept string, rec int64, fs []store.Finding, states []prior) error {
	const cols = 20
	query := `INSERT INTO findings (id, host_id, department, pack, rule, instrument, title, url, effect, item, version, product,
		supplier, country, deadline, first_seen, last_seen, state, changed, evidence) VALUES %s
		ON CONFLICT (id) DO UPDATE SET
			department = excluded.department, pack = excluded.pack, rule = excluded.rule, instrument = excluded.instrument,
			title = excluded.title, url = excluded.url, effect = excluded.effect, item = excluded.item, version = excluded.version,
			product = excluded.product, supplier = excluded.supplier, country = excluded.country, deadline = excluded.deadline,
			last_seen = excluded.last_seen, state = excluded.state, changed = excluded.changed, evidence = excluded.evidence
		WHERE findings.host_id = excluded.host_id`
	err := s.insertRows(ctx, tx, query, cols, len(fs), func(i int, args []any) []any {
		f, p := fs[i], states[i]
		return append(args, f.ID, hostID, dept, f.Pack, f.Rule, f.Instrument, f.Title, f.URL, f.Effect, f.Item, f.Version, f.Product,
			f.Supplier, f.Country, deadlineTS(f.Deadline), p.firstSeen, rec, p.state, p.changed, string(f.Evidence))
	})
	if err != nil {
		return fmt.Errorf("write findings: %w", err)
	}
	return nil
}
