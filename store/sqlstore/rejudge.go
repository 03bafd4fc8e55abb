package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/embargo-dev/embargo/store"
)

// RejudgeHost applies one host's findings judged again by job's version:
// the register's fields of the host, its software findings (from the
// inventory received at r.Inventory, which must still be the host's) and
// its traffic findings. A finding of either kind not judged now is out of
// scope, for r.Reason; a new one opens and one out of scope or remediated
// reopens, for the same reason. The job moves past the host.
func (s *Store) RejudgeHost(ctx context.Context, job store.RejudgeJob, r store.Rejudged) error {
	what := fmt.Sprintf("re-judge host %q", r.HostID)
	for _, fs := range [][]store.Finding{r.Software, r.Traffic} {
		for _, f := range fs {
			if f.ID == "" {
				return fmt.Errorf("%s: %w: a finding has no id", what, store.ErrInvalid)
			}
		}
	}
	sw := dedupe(r.Software, func(f store.Finding) string { return f.ID })
	tr := dedupe(r.Traffic, func(f store.Finding) string { return f.ID })
	at := ts(r.At)
	err := s.update(ctx, func(tx *sql.Tx) error {
		if err := s.holdJob(ctx, tx, job, r.At); err != nil {
			return err
		}
		var dept string
		var old hostCounts
		err := tx.QueryRowContext(ctx, s.d.q(`SELECT department, open_count, waived_count, overdue_count FROM hosts WHERE id = ?`+s.d.forUpdate), r.HostID).
			Scan(&dept, &old.open, &old.waived, &old.overdue)
		if errors.Is(err, sql.ErrNoRows) {
			return s.passHost(ctx, tx, r.HostID)
		}
		if err != nil {
			return err
		}
		var received int64
		err = tx.QueryRowContext(ctx, s.d.q(`SELECT received FROM inventories WHERE host_id = ?`), r.HostID).Scan(&received)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if received != ts(r.Inventory) && !(received == 0 && r.Inventory.IsZero()) {
			return fmt.Errorf("%w: the host's inventory changed while it was judged", store.ErrStale)
		}
		outOfScope := func(prior) (store.FindingState, string) { return store.OutOfScope, r.Reason }
		counts := newCountDelta()
		var sum [2]transitions
		if received != 0 {
			if sum[0], err = s.applyJudged(ctx, tx, judged{hostID: r.HostID, dept: dept, at: at, lastSeen: received, kind: store.Software,
				fs: sw, absent: outOfScope, reason: r.Reason, version: job.Version}, counts); err != nil {
				return err
			}
		}
		if sum[1], err = s.applyJudged(ctx, tx, judged{hostID: r.HostID, dept: dept, at: at, kind: store.Traffic,
			fs: tr, absent: outOfScope, reason: r.Reason, version: job.Version}, counts); err != nil {
			return err
		}
		if received != 0 {
			h := r.Host
			tags, err := json.Marshal(h.Tags)
			if err != nil || h.Tags == nil {
				tags = []byte("[]")
			}
			if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE hosts SET system_id = ?, system_name = ?, owner = ?, classification = ?, tags = ?,
				clash = ? WHERE id = ?`), h.SystemID, h.SystemName, h.Owner, h.Classification, string(tags), h.Clash, r.HostID); err != nil {
				return fmt.Errorf("update host: %w", err)
			}
		}
		if err := counts.apply(ctx, s, tx); err != nil {
			return err
		}
		if err := s.recountHost(ctx, tx, r.HostID, dept, old, at, 0); err != nil {
			return err
		}
		if err := s.passHost(ctx, tx, r.HostID); err != nil {
			return err
		}
		changed := func(t transitions) bool { return t.New+t.Reopened+t.OutOfScope+t.Remediated > 0 }
		if !changed(sum[0]) && !changed(sum[1]) {
			return nil
		}
		return s.audit(ctx, tx, actor(store.System), "rejudge.host", r.HostID,
			map[string]any{"version": job.Version, "reason": r.Reason, "software": sum[0], "traffic": sum[1]})
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// passHost moves re-judging past a host.
func (s *Store) passHost(ctx context.Context, tx *sql.Tx, hostID string) error {
	_, err := tx.ExecContext(ctx, s.d.q(`UPDATE policy_version SET after_host = ?, hosts_done = hosts_done + 1 WHERE id = 1`), hostID)
	return err
}

// FlowSummaries are a host's traffic per destination, most bytes out
// first.
func (s *Store) FlowSummaries(ctx context.Context, v store.Viewer, hostID string) ([]store.FlowSummary, error) {
	cond, args := scope(v, "department")
	out, err := list(ctx, s, `SELECT `+summaryCols+` FROM flow_summaries WHERE host_id = ?`+cond+` ORDER BY bytes_out DESC, destination LIMIT ?`,
		append(append([]any{hostID}, args...), limit(0)), scanFlowSummary)
	if err != nil {
		return nil, fmt.Errorf("flow summaries of %q: %w", hostID, err)
	}
	return out, nil
}

const summaryCols = `host_id, department, destination, name, country, registered, asn, bytes_out, bytes_in, flows, first_at, last_at, aggregate`

func scanFlowSummary(row interface{ Scan(...any) error }) (store.FlowSummary, error) {
	var f store.FlowSummary
	var asn, out, in, flows, first, last int64
	var agg string
	err := row.Scan(&f.HostID, &f.Department, &f.Destination, &f.Name, &f.Country, &f.Registered, &asn, &out, &in, &flows, &first, &last, &agg)
	f.ASN, f.BytesOut, f.BytesIn, f.Flows = uint32(asn), uint64(out), uint64(in), uint64(flows)
	f.First, f.Last = tm(first), tm(last)
	if agg != "" {
		f.Aggregate = json.RawMessage(agg)
	}
	return f, err
}

// Destinations adds the traffic v may see up per destination. Sums are
// taken as floating point, which cannot overflow, and saturated.
func (s *Store) Destinations(ctx context.Context, v store.Viewer, n int) ([]store.DestinationTotal, error) {
	if n <= 0 || n > store.MaxFactsLimit {
		n = store.MaxFactsLimit
	}
	cond, args := scope(v, "department")
	out, err := list(ctx, s, `SELECT destination, MIN(name), MIN(country), MIN(registered), SUM(CAST(bytes_out AS DOUBLE PRECISION)) AS b,
		SUM(CAST(bytes_in AS DOUBLE PRECISION)), SUM(CAST(flows AS DOUBLE PRECISION)), COUNT(*)
		FROM flow_summaries WHERE 1 = 1`+cond+` GROUP BY destination ORDER BY b DESC, destination LIMIT ?`, append(args, n),
		func(row interface{ Scan(...any) error }) (store.DestinationTotal, error) {
			var d store.DestinationTotal
			var out, in, flows float64
			err := row.Scan(&d.Destination, &d.Name, &d.Country, &d.Registered, &out, &in, &flows, &d.Hosts)
			d.BytesOut, d.BytesIn, d.Flows = saturate(out), saturate(in), saturate(flows)
			return d, err
		})
	if err != nil {
		return nil, fmt.Errorf("egress destinations: %w", err)
	}
	return out, nil
}
