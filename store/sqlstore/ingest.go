package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// beginUpload locks the agent's host row (so that two uploads of one
// host apply one after the other) and records the upload; it reports
// whether the upload was applied before, and the host's department.
func (s *Store) beginUpload(ctx context.Context, tx *sql.Tx, agentID, digest, kind string, received int64) (dup bool, department string, old hostCounts, err error) {
	err = tx.QueryRowContext(ctx, s.d.q(`SELECT department, open_count, waived_count, overdue_count FROM hosts WHERE id = ?`+s.d.forUpdate), agentID).
		Scan(&department, &old.open, &old.waived, &old.overdue)
	if errors.Is(err, sql.ErrNoRows) {
		return false, "", old, fmt.Errorf("agent: %w", store.ErrNotFound)
	}
	if err != nil {
		return false, "", old, err
	}
	res, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO uploads (agent_id, digest, kind, received) VALUES (?, ?, ?, ?) ON CONFLICT (agent_id, digest) DO NOTHING`),
		agentID, digest, kind, received)
	if err != nil {
		return false, "", old, fmt.Errorf("record upload: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, "", old, err
	}
	if n == 0 {
		return true, department, old, nil
	}
	// Forget the agent's old uploads: a retry comes within minutes or
	// days (the agent's spool is bounded), not months.
	if _, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM uploads WHERE agent_id = ? AND received < ?`), agentID, received-int64(uploadMemory)); err != nil {
		return false, "", old, fmt.Errorf("forget old uploads: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE agents SET last_seen = `+s.d.greatest+`(last_seen, ?) WHERE id = ?`), received, agentID); err != nil {
		return false, "", old, err
	}
	return false, department, old, nil
}

// uploadMemory is how long an upload's digest is kept to recognise a
// retry of it.
const uploadMemory = 90 * 24 * time.Hour

func checkUpload(agentID, digest string, received bool) error {
	switch {
	case agentID == "":
		return fmt.Errorf("%w: no agent", store.ErrInvalid)
	case digest == "" || len(digest) > 128:
		return fmt.Errorf("%w: digest must be 1-128 bytes", store.ErrInvalid)
	case !received:
		return fmt.Errorf("%w: no time received", store.ErrInvalid)
	}
	return nil
}

// ApplyFlows adds a flows report's findings to the host's flow findings
// by ID: bytes and flows summed, first and last widened.
func (s *Store) ApplyFlows(ctx context.Context, f store.FlowUpload) (bool, error) {
	what := fmt.Sprintf("apply flows %q of agent %q", f.Digest, f.AgentID)
	if err := checkUpload(f.AgentID, f.Digest, !f.Received.IsZero()); err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	if f.HostID != "" && f.HostID != f.AgentID {
		return false, fmt.Errorf("%s: %w: host %q is not the agent's", what, store.ErrInvalid, f.HostID)
	}
	fs := dedupe(f.Findings, func(x store.FlowFinding) string { return x.ID })
	for _, x := range fs {
		if x.ID == "" {
			return false, fmt.Errorf("%s: %w: a flow finding has no id", what, store.ErrInvalid)
		}
	}
	rec := ts(f.Received)
	var dup bool
	err := s.update(ctx, func(tx *sql.Tx) error {
		var dept string
		var err error
		dup, dept, _, err = s.beginUpload(ctx, tx, f.AgentID, f.Digest, "flows", rec)
		if err != nil || dup {
			return err
		}
		const cols = 16
		upsert := `INSERT INTO flow_findings (id, host_id, department, pack, rule, instrument, effect, destination, country, asn,
			bytes_out, bytes_in, flows, first_at, last_at, evidence) VALUES %s
			ON CONFLICT (id) DO UPDATE SET
				pack = excluded.pack, rule = excluded.rule, instrument = excluded.instrument, effect = excluded.effect,
				destination = excluded.destination, country = excluded.country, asn = excluded.asn,
				bytes_out = ` + s.d.least + `(flow_findings.bytes_out + excluded.bytes_out, ` + maxCounter + `),
				bytes_in = ` + s.d.least + `(flow_findings.bytes_in + excluded.bytes_in, ` + maxCounter + `),
				flows = ` + s.d.least + `(flow_findings.flows + excluded.flows, ` + maxCounter + `),
				first_at = ` + s.d.least + `(flow_findings.first_at, excluded.first_at),
				last_at = ` + s.d.greatest + `(flow_findings.last_at, excluded.last_at),
				evidence = excluded.evidence
			WHERE flow_findings.host_id = excluded.host_id`
		err = s.insertRows(ctx, tx, upsert, cols, len(fs), func(i int, args []any) []any {
			x := fs[i]
			first, last := x.First, x.Last
			if first.IsZero() {
				first = f.Received
			}
			if last.IsZero() {
				last = f.Received
			}
			return append(args, x.ID, f.AgentID, dept, x.Pack, x.Rule, x.Instrument, x.Effect, x.Destination, x.Country, int64(x.ASN),
				clamp(x.BytesOut), clamp(x.BytesIn), clamp(x.Flows), ts(first), ts(last), string(x.Evidence))
		})
		if err != nil {
			return fmt.Errorf("flow findings: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE hosts SET last_flows = `+s.d.greatest+`(last_flows, ?) WHERE id = ?`), rec, f.AgentID); err != nil {
			return err
		}
		return s.audit(ctx, tx, "agent:"+f.AgentID, "upload.flows", f.AgentID, map[string]any{"digest": f.Digest, "findings": len(fs)})
	})
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return dup, nil
}

// maxParams keeps a multi-row insert under both engines' limits on
// bound parameters (SQLite 32766, PostgreSQL 65535).
const maxParams = 30000

// insertRows runs query (whose VALUES are %s) for n rows of cols
// columns, as many rows a statement as the parameter limit allows, and
// fails with ErrConflict if a row was neither inserted nor updated (its
// id belongs to another host: the upsert's WHERE refused it).
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, query string, cols, n int, row func(i int, args []any) []any) error {
	per := maxParams / cols
	for start := 0; start < n; start += per {
		end := min(n, start+per)
		args := make([]any, 0, (end-start)*cols)
		for i := start; i < end; i++ {
			args = row(i, args)
		}
		res, err := tx.ExecContext(ctx, s.d.q(fmt.Sprintf(query, placeholders(end-start, cols))), args...)
		if err != nil {
			return err
		}
		if got, err := res.RowsAffected(); err == nil && got < int64(end-start) {
			return fmt.Errorf("%w: %d of %d ids belong to another host (ids must be unique across the fleet)", store.ErrConflict, int64(end-start)-got, end-start)
		}
	}
	return nil
}

// dedupe keeps the last of each id, in first-seen order: a multi-row
// upsert may not touch one row twice.
func dedupe[T any](xs []T, id func(T) string) []T {
	at := make(map[string]int, len(xs))
	out := make([]T, 0, len(xs))
	for _, x := range xs {
		if i, ok := at[id(x)]; ok {
			out[i] = x
			continue
		}
		at[id(x)] = len(out)
		out = append(out, x)
	}
	return out
}

// clamp is a traffic counter as stored: at most store.MaxCounter, so that
// the sum of two stored counters never overflows.
func clamp(n uint64) int64 { return int64(min(n, store.MaxCounter)) }

// maxCounter is store.MaxCounter as an SQL literal.
var maxCounter = strconv.FormatUint(store.MaxCounter, 10)

// inList is "?, ?, ?" for n values.
func inList(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
