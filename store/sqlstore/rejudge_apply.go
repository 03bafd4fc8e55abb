package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// applyRejudgedHost writes one claimed host's findings judged again by
// job's version: the register's fields of the host, its software
// findings (from the inventory received at r.Inventory, which must
// still be the host's) and its traffic findings. A finding of either
// kind not judged now is out of scope, for r.Reason; a new one opens and
// one out of scope or remediated reopens, for the same reason. It
// reports false, changing nothing, when the host's claim is no longer
// job.Owner's or its inventory changed.
func (s *Store) applyRejudgedHost(ctx context.Context, tx *sql.Tx, job store.RejudgeJob, r store.Rejudged) (bool, error) {
	for _, fs := range [][]store.Finding{r.Software, r.Traffic} {
		for _, f := range fs {
			if f.ID == "" {
				return false, fmt.Errorf("%w: a finding has no id", store.ErrInvalid)
			}
		}
	}
	sw := dedupe(r.Software, func(f store.Finding) string { return f.ID })
	tr := dedupe(r.Traffic, func(f store.Finding) string { return f.ID })
	at := ts(r.At)
	var dept string
	var old hostCounts
	err := tx.QueryRowContext(ctx, s.d.q(`SELECT department, open_count, waived_count, overdue_count FROM hosts WHERE id = ? AND claim = ?`+s.d.forUpdate),
		r.HostID, job.Owner).Scan(&dept, &old.open, &old.waived, &old.overdue)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var received int64
	err = tx.QueryRowContext(ctx, s.d.q(`SELECT received FROM inventories WHERE host_id = ?`), r.HostID).Scan(&received)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	if received != ts(r.Inventory) && !(received == 0 && r.Inventory.IsZero()) {
		return false, nil // an upload came meanwhile: claimed again, judged from it
	}
	outOfScope := func(prior) (store.FindingState, string) { return store.OutOfScope, r.Reason }
	counts := newCountDelta()
	var sum [2]transitions
	if received != 0 {
		if sum[0], err = s.applyJudged(ctx, tx, judged{hostID: r.HostID, dept: dept, at: at, lastSeen: received, kind: store.Software,
			fs: sw, absent: outOfScope, reason: r.Reason, version: job.Version}, counts); err != nil {
			return false, err
		}
	}
	if sum[1], err = s.applyJudged(ctx, tx, judged{hostID: r.HostID, dept: dept, at: at, kind: store.Traffic,
		fs: tr, absent: outOfScope, reason: r.Reason, version: job.Version}, counts); err != nil {
		return false, err
	}
	if received != 0 {
		h := r.Host
		tags, err := json.Marshal(h.Tags)
		if err != nil || h.Tags == nil {
			tags = []byte("[]")
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE hosts SET system_id = ?, system_name = ?, owner = ?, classification = ?, tags = ?,
			clash = ? WHERE id = ?`), h.SystemID, h.SystemName, h.Owner, h.Classification, string(tags), h.Clash, r.HostID); err != nil {
			return false, fmt.Errorf("update host: %w", err)
		}
	}
	if err := counts.apply(ctx, s, tx); err != nil {
		return false, err
	}
	if err := s.recountHost(ctx, tx, r.HostID, dept, old, at, 0); err != nil {
		return false, err
	}
	changed := func(t transitions) bool { return t.New+t.Reopened+t.OutOfScope+t.Remediated > 0 }
	if !changed(sum[0]) && !changed(sum[1]) {
		return true, nil
	}
	return true, s.audit(ctx, tx, actor(store.System), "rejudge.host", r.HostID,
		map[string]any{"version": job.Version, "reason": r.Reason, "software": sum[0], "traffic": sum[1]})
}

// ApplyRejudged implements store.Store.
func (s *Store) ApplyRejudged(ctx context.Context, job store.RejudgeJob, rs []store.Rejudged) (int, error) {
	done := 0
	err := s.update(ctx, func(tx *sql.Tx) error {
		done = 0
		// Shared: replicas apply side by side, and uploads; a new version
		// waits for them, and then makes this job stale.
		var v int64
		if err := tx.QueryRowContext(ctx, `SELECT version FROM policy_version WHERE id = 1`+s.d.forShare).Scan(&v); err != nil {
			return err
		}
		if v != job.Version {
			return fmt.Errorf("%w: re-judging version %d, %d is current", store.ErrStale, job.Version, v)
		}
		var judgedNow []any
		for _, r := range rs {
			if !r.Unchanged {
				ok, err := s.applyRejudgedHost(ctx, tx, job, r)
				if err != nil {
					return fmt.Errorf("host %q: %w", r.HostID, err)
				}
				if !ok { // let it be claimed again, with what it holds now
					if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE hosts SET claim_until = 0 WHERE id = ? AND claim = ?`), r.HostID, job.Owner); err != nil {
						return err
					}
					continue
				}
			}
			judgedNow = append(judgedNow, r.HostID)
		}
		for at := 0; at < len(judgedNow); at += inChunk {
			part := judgedNow[at:min(len(judgedNow), at+inChunk)]
			res, err := tx.ExecContext(ctx, s.d.q(`UPDATE hosts SET judged = ?, claim = '', claim_until = 0 WHERE claim = ? AND id IN `+inList(len(part))),
				append([]any{job.Version, job.Owner}, part...)...)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			done += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("apply re-judged hosts: %w", err)
	}
	return done, nil
}

// FinishRejudge implements store.Store.
func (s *Store) FinishRejudge(ctx context.Context, job store.RejudgeJob, now time.Time) (bool, error) {
	finished := false
	err := s.update(ctx, func(tx *sql.Tx) error {
		finished = false
		var version, done int64
		if err := tx.QueryRowContext(ctx, `SELECT version, done FROM policy_version WHERE id = 1`+s.d.forUpdate).Scan(&version, &done); err != nil {
			return err
		}
		if version != job.Version || done >= version {
			return nil
		}
		var left, total int64
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM hosts WHERE judged < ?`), version).Scan(&left); err != nil {
			return err
		}
		if left > 0 {
			return nil
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM hosts`).Scan(&total); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE policy_version SET done = version, owner = '', lease = 0, hosts_done = ?, hosts_total = ?,
			finished = ? WHERE id = 1`), total, total, ts(now)); err != nil {
			return err
		}
		finished = true
		return s.audit(ctx, tx, actor(store.System), "rejudge.done", "policy", map[string]any{"version": job.Version, "hosts": total, "reason": job.Reason})
	})
	if err != nil {
		return false, fmt.Errorf("finish re-judging: %w", err)
	}
	return finished, nil
}
