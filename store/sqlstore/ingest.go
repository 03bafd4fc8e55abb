package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
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

// ApplyFlows adds a flows upload's traffic to the host's summaries by
// destination (counters summed and saturated, first and last widened)
// and applies its traffic findings: new ones open, standing ones kept up
// to date; none ends.
func (s *Store) ApplyFlows(ctx context.Context, f store.FlowUpload) (bool, error) {
	what := fmt.Sprintf("apply flows %q of agent %q", f.Digest, f.AgentID)
	if err := checkUpload(f.AgentID, f.Digest, !f.Received.IsZero()); err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	if f.HostID != "" && f.HostID != f.AgentID {
		return false, fmt.Errorf("%s: %w: host %q is not the agent's", what, store.ErrInvalid, f.HostID)
	}
	sums := dedupe(f.Summaries, func(x store.FlowSummary) string { return x.Destination })
	for _, x := range sums {
		if x.Destination == "" {
			return false, fmt.Errorf("%s: %w: a flow summary has no destination", what, store.ErrInvalid)
		}
	}
	fs := dedupe(f.Findings, func(x store.Finding) string { return x.ID })
	for _, x := range fs {
		if x.ID == "" {
			return false, fmt.Errorf("%s: %w: a traffic finding has no id", what, store.ErrInvalid)
		}
	}
	rec := ts(f.Received)
	var dup bool
	err := s.update(ctx, func(tx *sql.Tx) error {
		var dept string
		var old hostCounts
		var err error
		dup, dept, old, err = s.beginUpload(ctx, tx, f.AgentID, f.Digest, "flows", rec)
		if err != nil || dup {
			return err
		}
		if err := s.checkVersion(ctx, tx, f.PolicyVersion); err != nil {
			return err
		}
		if err := s.addSummaries(ctx, tx, f.AgentID, dept, f.Received, sums); err != nil {
			return err
		}
		counts := newCountDelta()
		t, err := s.applyJudged(ctx, tx, judged{hostID: f.AgentID, dept: dept, at: rec, kind: store.Traffic, fs: fs}, counts)
		if err != nil {
			return err
		}
		if err := counts.apply(ctx, s, tx); err != nil {
			return err
		}
		if err := s.recountHost(ctx, tx, f.AgentID, dept, old, rec, 0); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE hosts SET last_flows = `+s.d.greatest+`(last_flows, ?) WHERE id = ?`), rec, f.AgentID); err != nil {
			return err
		}
		return s.audit(ctx, tx, "agent:"+f.AgentID, "upload.flows", f.AgentID,
			map[string]any{"digest": f.Digest, "destinations": len(sums), "findings": t})
	})
	if err != nil {
		return false, fmt.Errorf("%s: %w", what, err)
	}
	return dup, nil
}

// addSummaries adds an upload's traffic to the host's summaries.
func (s *Store) addSummaries(ctx context.Context, tx *sql.Tx, hostID, dept string, received time.Time, sums []store.FlowSummary) error {
	const cols = 13
	upsert := `INSERT INTO flow_summaries (host_id, destination, department, name, country, registered, asn,
		bytes_out, bytes_in, flows, first_at, last_at, aggregate) VALUES %s
		ON CONFLICT (host_id, destination) DO UPDATE SET
			department = excluded.department, name = excluded.name, country = excluded.country, registered = excluded.registered, asn = excluded.asn,
			bytes_out = ` + s.d.least + `(flow_summaries.bytes_out + excluded.bytes_out, ` + maxCounter + `),
			bytes_in = ` + s.d.least + `(flow_summaries.bytes_in + excluded.bytes_in, ` + maxCounter + `),
			flows = ` + s.d.least + `(flow_summaries.flows + excluded.flows, ` + maxCounter + `),
			first_at = ` + s.d.least + `(flow_summaries.first_at, excluded.first_at),
			last_at = ` + s.d.greatest + `(flow_summaries.last_at, excluded.last_at),
			aggregate = excluded.aggregate`
	err := s.insertRows(ctx, tx, upsert, cols, len(sums), func(i int, args []any) []any {
		x := sums[i]
		first, last := x.First, x.Last
		if first.IsZero() {
			first = received
		}
		if last.IsZero() {
			last = received
		}
		return append(args, hostID, x.Destination, dept, x.Name, x.Country, x.Registered, int64(x.ASN),
			clamp(x.BytesOut), clamp(x.BytesIn), clamp(x.Flows), ts(first), ts(last), string(x.Aggregate))
	})
	if err != nil {
		return fmt.Errorf("flow summaries: %w", err)
	}
	return nil
}

// maxParams keeps a multi-row insert under both engines' limits on
// bound parameters (SQLite 32766, PostgreSQL 65535).
const maxParams = 30000

// insertRows runs query (whose VALUES are %s) for n rows of cols
// columns, as many rows a statement as the parameter limit allows, and
// fails with ErrConflict if a row was neither inserted nor updated (its
// id belongs to another host: the upsert's WHERE refused it).
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, query string, cols, n int, row func(i int, args []any) []any) error {
	return s.insertEach(ctx, tx, query, cols, n, true, row)
}

// insertEach is insertRows; with every false, rows the statement skips
// (ON CONFLICT DO NOTHING) are no error.
func (s *Store) insertEach(ctx context.Context, tx *sql.Tx, query string, cols, n int, every bool, row func(i int, args []any) []any) error {
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
		if got, err := res.RowsAffected(); every && err == nil && got < int64(end-start) {
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
