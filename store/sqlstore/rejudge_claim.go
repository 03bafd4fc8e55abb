package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// ClaimHosts implements store.Store.
func (s *Store) ClaimHosts(ctx context.Context, owner string, n int, now time.Time, lease time.Duration) (store.RejudgeJob, []store.RejudgeInput, error) {
	if owner == "" || lease <= 0 || n <= 0 {
		return store.RejudgeJob{}, nil, fmt.Errorf("claim hosts: %w: an owner, a lease and a number are needed", store.ErrInvalid)
	}
	var job store.RejudgeJob
	var ids []any
	err := s.update(ctx, func(tx *sql.Tx) error {
		ids = nil
		var done, started int64
		if err := tx.QueryRowContext(ctx, `SELECT version, reason, done, started FROM policy_version WHERE id = 1`+s.d.forShare).
			Scan(&job.Version, &job.Reason, &done, &started); err != nil {
			return err
		}
		job.Owner, job.Lease = owner, lease
		if done >= job.Version {
			return nil
		}
		rows, err := tx.QueryContext(ctx, s.d.q(`UPDATE hosts SET claim = ?, claim_until = ? WHERE id IN (
			SELECT id FROM hosts WHERE judged < ? AND (claim_until < ? OR claim = ?) ORDER BY judged, id LIMIT ?`+s.d.skipLocked+`)
			RETURNING id`), owner, ts(now.Add(lease)), job.Version, ts(now), owner, n)
		if err != nil {
			return fmt.Errorf("claim: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if started == 0 && len(ids) > 0 {
			// The first claim of the version: when it started, and by whom.
			res, err := tx.ExecContext(ctx, s.d.q(`UPDATE policy_version SET started = ?, owner = ? WHERE id = 1 AND version = ? AND started = 0`),
				ts(now), owner, job.Version)
			if err != nil {
				return err
			}
			if k, _ := res.RowsAffected(); k == 1 {
				return s.audit(ctx, tx, actor(store.System), "rejudge.start", "policy", map[string]any{"version": job.Version, "owner": owner, "reason": job.Reason})
			}
		}
		return nil
	})
	if err != nil {
		return store.RejudgeJob{}, nil, fmt.Errorf("claim hosts: %w", err)
	}
	if len(ids) == 0 {
		return job, nil, nil
	}
	in, err := s.rejudgeInputs(ctx, ids)
	if err != nil {
		return store.RejudgeJob{}, nil, fmt.Errorf("claim hosts: %w", err)
	}
	return job, in, nil
}

// rejudgeInputs reads what judging the hosts again needs.
func (s *Store) rejudgeInputs(ctx context.Context, ids []any) ([]store.RejudgeInput, error) {
	var out []store.RejudgeInput
	err := s.view(ctx, func(tx *sql.Tx) error {
		out = make([]store.RejudgeInput, 0, len(ids))
		at := map[string]*store.RejudgeInput{}
		for start := 0; start < len(ids); start += inChunk {
			part := ids[start:min(len(ids), start+inChunk)]
			in := inList(len(part))
			if err := each(ctx, s, tx, `SELECT `+hostCols+` FROM hosts WHERE id IN `+in, part, func(row *sql.Rows) error {
				h, err := scanHost(row)
				out = append(out, store.RejudgeInput{Host: h})
				return err
			}); err != nil {
				return err
			}
			for i := range out {
				at[out[i].Host.ID] = &out[i]
			}
			indexed := map[string]int64{}
			if err := each(ctx, s, tx, `SELECT host_id, received, keys FROM host_items WHERE host_id IN `+in, part, func(row *sql.Rows) error {
				var id string
				var rec int64
				var keys []byte
				err := row.Scan(&id, &rec, &keys)
				if x := at[id]; x != nil && err == nil {
					x.Keys, indexed[id] = decodeKeys(keys), rec
				}
				return err
			}); err != nil {
				return err
			}
			if err := each(ctx, s, tx, `SELECT host_id, received FROM inventories WHERE host_id IN `+in, part, func(row *sql.Rows) error {
				var id string
				var rec int64
				err := row.Scan(&id, &rec)
				if x := at[id]; x != nil && err == nil {
					x.Received = tm(rec)
					x.Indexed = indexed[id] == rec && x.Keys != nil
				}
				return err
			}); err != nil {
				return err
			}
			if err := each(ctx, s, tx, `SELECT host_id, id, kind, state, digest, first_seen FROM findings WHERE host_id IN `+in, part, func(row *sql.Rows) error {
				var hid, kind, state string
				var p store.PriorFinding
				var first int64
				err := row.Scan(&hid, &p.ID, &kind, &state, &p.Digest, &first)
				p.Kind, p.State, p.FirstSeen = store.Kind(kind), store.FindingState(state), tm(first)
				if x := at[hid]; x != nil && err == nil {
					x.Findings = append(x.Findings, p)
				}
				return err
			}); err != nil {
				return err
			}
			if err := each(ctx, s, tx, `SELECT `+summaryCols+` FROM flow_summaries WHERE host_id IN `+in, part, func(row *sql.Rows) error {
				f, err := scanFlowSummary(row)
				if x := at[f.HostID]; x != nil && err == nil {
					x.Flows = append(x.Flows, f)
				}
				return err
			}); err != nil {
				return err
			}
		}
		// Hosts with an inventory but no index of it: the inventory.
		for i := range out {
			x := &out[i]
			if x.Indexed || x.Received.IsZero() {
				continue
			}
			var packed []byte
			if err := tx.QueryRowContext(ctx, s.d.q(`SELECT report FROM inventories WHERE host_id = ?`), x.Host.ID).Scan(&packed); err != nil {
				return fmt.Errorf("inventory of %q: %w", x.Host.ID, err)
			}
			b, err := expandReport(packed)
			if err != nil {
				return fmt.Errorf("inventory of %q: %w", x.Host.ID, err)
			}
			x.Report, x.Keys = b, nil
		}
		return nil
	})
	return out, err
}

// each runs a query in tx and calls fn on each row.
func each(ctx context.Context, s *Store, tx *sql.Tx, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, s.d.q(query), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
