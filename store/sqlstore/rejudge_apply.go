package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// batchTally is what a batch of re-judged hosts moved, written once for
// the batch: the counts of findings by state and deadline, each
// department's totals and trend, and one audit entry naming the hosts
// whose findings changed.
type batchTally struct {
	counts            *countDelta
	depts             map[string]hostCounts
	at                int64
	hosts             []string
	software, traffic transitions
	reason            string
}

func (t *transitions) add(o transitions) {
	t.Findings += o.Findings
	t.New += o.New
	t.Reopened += o.Reopened
	t.Remediated += o.Remediated
	t.OutOfScope += o.OutOfScope
	t.Waived += o.Waived
	t.Unwaived += o.Unwaived
}

// write applies the batch's tally in tx.
func (b *batchTally) write(ctx context.Context, s *Store, tx *sql.Tx, job store.RejudgeJob) error {
	if err := b.counts.apply(ctx, s, tx); err != nil {
		return err
	}
	for _, dept := range slices.Sorted(maps.Keys(b.depts)) {
		d := b.depts[dept]
		if err := s.tally(ctx, tx, dept, tm(b.at), d.open, d.waived, d.overdue, 0); err != nil {
			return err
		}
	}
	if len(b.hosts) == 0 {
		return nil
	}
	return s.audit(ctx, tx, actor(store.System), "rejudge.hosts", fmt.Sprintf("policy/%d", job.Version),
		map[string]any{"version": job.Version, "reason": b.reason, "hosts": b.hosts, "software": b.software, "traffic": b.traffic})
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
		var hosts int
		var first, last string
		err := tx.QueryRowContext(ctx, s.d.q(`SELECT hosts, first_host, last_host FROM rejudge_batches WHERE version = ? AND seq = ? AND owner = ? AND done = 0`+s.d.forUpdate),
			job.Version, job.Batch, job.Owner).Scan(&hosts, &first, &last)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // lapsed, and taken over (or done) by another
		}
		if err != nil {
			return err
		}
		b := &batchTally{counts: newCountDelta(), depts: map[string]hostCounts{}}
		var mine []store.Rejudged
		for _, r := range rs {
			if r.Unchanged || r.HostID < first || r.HostID > last {
				continue // nothing to write, or not the batch's
			}
			mine = append(mine, r)
		}
		if err := s.applyRejudgedHosts(ctx, tx, job, mine, b); err != nil {
			return err
		}
		if err := b.write(ctx, s, tx, job); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE rejudge_batches SET done = 1 WHERE version = ? AND seq = ?`), job.Version, job.Batch); err != nil {
			return err
		}
		done = hosts
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
		// Done when every host after the cursor is claimed and every
		// batch is done.
		var left, total int64
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM hosts WHERE id > COALESCE((SELECT after_host FROM rejudge_cursor WHERE version = ?), '')`), version).Scan(&left); err != nil {
			return err
		}
		var open int64
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM rejudge_batches WHERE version = ? AND done = 0`), version).Scan(&open); err != nil {
			return err
		}
		if left > 0 || open > 0 {
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
