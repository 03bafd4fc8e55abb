package sqlstore

import (
	"context"
	"database/sql"
	"errors"
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
		var done int64
		if err := tx.QueryRowContext(ctx, `SELECT version, reason, done FROM policy_version WHERE id = 1`).
			Scan(&job.Version, &job.Reason, &done); err != nil {
			return err
		}
		job.Owner, job.Lease = owner, lease
		if done >= job.Version {
			return nil
		}
		// The version's cursor is the claims' lock: one claim at a time.
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO rejudge_cursor (version, after_host) VALUES (?, '') ON CONFLICT (version) DO NOTHING`), job.Version); err != nil {
			return err
		}
		var after string
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT after_host FROM rejudge_cursor WHERE version = ?`+s.d.forUpdate), job.Version).Scan(&after); err != nil {
			return err
		}
		var first, last string
		err := tx.QueryRowContext(ctx, s.d.q(`SELECT seq, first_host, last_host FROM rejudge_batches WHERE version = ? AND done = 0 AND lease < ?
			ORDER BY seq LIMIT 1`), job.Version, ts(now)).Scan(&job.Batch, &first, &last)
		switch {
		case err == nil: // a lapsed batch, taken over
			if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE rejudge_batches SET owner = ?, lease = ? WHERE version = ? AND seq = ?`),
				owner, ts(now.Add(lease)), job.Version, job.Batch); err != nil {
				return err
			}
			return each(ctx, s, tx, `SELECT id FROM hosts WHERE id >= ? AND id <= ? ORDER BY id`, []any{first, last}, func(row *sql.Rows) error {
				var id string
				err := row.Scan(&id)
				ids = append(ids, id)
				return err
			})
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if err := each(ctx, s, tx, `SELECT id FROM hosts WHERE id > ? ORDER BY id LIMIT ?`, []any{after, n}, func(row *sql.Rows) error {
			var id string
			err := row.Scan(&id)
			ids = append(ids, id)
			return err
		}); err != nil || len(ids) == 0 {
			return err
		}
		first, last = ids[0].(string), ids[len(ids)-1].(string)
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COALESCE(MAX(seq), 0) + 1 FROM rejudge_batches WHERE version = ?`), job.Version).Scan(&job.Batch); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO rejudge_batches (version, seq, first_host, last_host, owner, lease, hosts) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			job.Version, job.Batch, first, last, owner, ts(now.Add(lease)), len(ids)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE rejudge_cursor SET after_host = ? WHERE version = ?`), last, job.Version); err != nil {
			return err
		}
		if job.Batch != 1 {
			return nil
		}
		// The version's first batch: when it started, by whom, of how many.
		var total int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM hosts`).Scan(&total); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE policy_version SET started = ?, owner = ?, hosts_total = ? WHERE id = 1 AND version = ?`),
			ts(now), owner, total, job.Version); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor(store.System), "rejudge.start", "policy", map[string]any{"version": job.Version, "owner": owner, "reason": job.Reason})
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
