package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/store"
)

const versionCols = `version, changed, reason, catalogue, done, owner, lease, after_host, hosts_done, hosts_total, started, finished`

func scanVersion(row interface{ Scan(...any) error }) (store.PolicyVersion, string, error) {
	var p store.PolicyVersion
	var changed, lease, started, finished int64
	var after string
	err := row.Scan(&p.Version, &changed, &p.Reason, &p.Catalogue, &p.Done, &p.Owner, &lease, &after, &p.HostsDone, &p.HostsTotal, &started, &finished)
	p.Changed, p.Lease, p.Started, p.Finished = tm(changed), tm(lease), tm(started), tm(finished)
	return p, after, err
}

// PolicyVersion reads what the fleet is judged by and how far re-judging
// has gone.
func (s *Store) PolicyVersion(ctx context.Context) (store.PolicyVersion, error) {
	p, err := one(ctx, s, `SELECT `+versionCols+` FROM policy_version WHERE id = 1`, nil, func(row interface{ Scan(...any) error }) (store.PolicyVersion, error) {
		p, _, err := scanVersion(row)
		return p, err
	})
	if err != nil {
		return store.PolicyVersion{}, fmt.Errorf("policy version: %w", err)
	}
	return p, nil
}

// bumpVersion makes a new policy version in tx, for reason; re-judging
// of the version before stops (its lease is the old version's).
func (s *Store) bumpVersion(ctx context.Context, tx *sql.Tx, reason string, now time.Time) error {
	if now.IsZero() {
		now = time.Now()
	}
	_, err := tx.ExecContext(ctx, s.d.q(`UPDATE policy_version SET version = version + 1, changed = ?, reason = ?,
		owner = '', lease = 0, after_host = '', hosts_done = 0, hosts_total = 0, started = 0, finished = 0 WHERE id = 1`),
		ts(now), truncate(reason, 1024))
	if err != nil {
		return fmt.Errorf("bump the policy version: %w", err)
	}
	return nil
}

// checkVersion refuses, as ErrStale, findings judged by a version that is
// no longer current (0: not checked). The version row is read under a
// shared lock, so that a change of policy waits for the uploads judged
// by the version before to commit, and re-judging then sees them.
func (s *Store) checkVersion(ctx context.Context, tx *sql.Tx, judgedBy int64) error {
	if judgedBy == 0 {
		return nil
	}
	var v int64
	if err := tx.QueryRowContext(ctx, `SELECT version FROM policy_version WHERE id = 1`+s.d.forShare).Scan(&v); err != nil {
		return fmt.Errorf("read the policy version: %w", err)
	}
	if v != judgedBy {
		return fmt.Errorf("%w: judged by policy version %d, %d is in force", store.ErrStale, judgedBy, v)
	}
	return nil
}

// NoteCatalogue records the digest of the catalogue a server judges by;
// another digest than the last bumps the version.
func (s *Store) NoteCatalogue(ctx context.Context, digest string, now time.Time) (bool, error) {
	var bumped bool
	err := s.update(ctx, func(tx *sql.Tx) error {
		bumped = false
		var last string
		if err := tx.QueryRowContext(ctx, `SELECT catalogue FROM policy_version WHERE id = 1`+s.d.forUpdate).Scan(&last); err != nil {
			return err
		}
		if last == digest {
			return nil
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE policy_version SET catalogue = ? WHERE id = 1`), digest); err != nil {
			return err
		}
		if last == "" {
			// The first server to note one: what is stored was judged
			// by it, or by none (an empty fleet).
			return s.audit(ctx, tx, actor(store.System), "catalogue.note", "catalogue", map[string]any{"digest": digest})
		}
		bumped = true
		if err := s.bumpVersion(ctx, tx, fmt.Sprintf("catalogue %s replaced %s", short(digest), short(last)), now); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor(store.System), "catalogue.change", "catalogue", map[string]any{"digest": digest, "was": last})
	})
	if err != nil {
		return false, fmt.Errorf("note catalogue: %w", err)
	}
	return bumped, nil
}

func short(digest string) string {
	if len(digest) > 12 {
		return digest[:12]
	}
	return digest
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// ClaimRejudge takes the lease of re-judging the current version, or
// renews owner's own.
func (s *Store) ClaimRejudge(ctx context.Context, owner string, now time.Time, lease time.Duration) (store.RejudgeJob, bool, error) {
	if owner == "" || lease <= 0 {
		return store.RejudgeJob{}, false, fmt.Errorf("claim re-judging: %w: an owner and a lease are needed", store.ErrInvalid)
	}
	var job store.RejudgeJob
	var ok bool
	err := s.update(ctx, func(tx *sql.Tx) error {
		ok = false
		p, after, err := scanVersion(tx.QueryRowContext(ctx, `SELECT `+versionCols+` FROM policy_version WHERE id = 1`+s.d.forUpdate))
		if err != nil {
			return err
		}
		if p.Done >= p.Version || (p.Owner != "" && p.Owner != owner && p.Lease.After(now)) {
			return nil
		}
		started := p.Started
		if started.IsZero() || p.HostsTotal == 0 {
			started = now
			var n int64
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM hosts`).Scan(&n); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE policy_version SET hosts_total = ? WHERE id = 1`), n); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE policy_version SET owner = ?, lease = ?, started = ? WHERE id = 1`),
			owner, ts(now.Add(lease)), ts(started)); err != nil {
			return err
		}
		job = store.RejudgeJob{Version: p.Version, Reason: p.Reason, Owner: owner, After: after, Lease: lease}
		ok = true
		if p.Owner != owner {
			return s.audit(ctx, tx, actor(store.System), "rejudge.claim", "policy", map[string]any{"version": p.Version, "owner": owner, "after": after})
		}
		return nil
	})
	if err != nil {
		return store.RejudgeJob{}, false, fmt.Errorf("claim re-judging: %w", err)
	}
	return job, ok, nil
}

// holdJob checks, in tx, that job's version is current and its lease is
// owner's, and renews the lease.
func (s *Store) holdJob(ctx context.Context, tx *sql.Tx, job store.RejudgeJob, now time.Time) error {
	var version int64
	var owner string
	if err := tx.QueryRowContext(ctx, `SELECT version, owner FROM policy_version WHERE id = 1`+s.d.forUpdate).Scan(&version, &owner); err != nil {
		return err
	}
	if version != job.Version || owner != job.Owner {
		return fmt.Errorf("%w: re-judging version %d by %s: version %d is current, held by %q", store.ErrStale, job.Version, job.Owner, version, owner)
	}
	_, err := tx.ExecContext(ctx, s.d.q(`UPDATE policy_version SET lease = ? WHERE id = 1`), ts(now.Add(job.Lease)))
	return err
}

// RejudgeHosts lists host ids after after, in id order.
func (s *Store) RejudgeHosts(ctx context.Context, after string, n int) ([]string, error) {
	ids, err := list(ctx, s, `SELECT id FROM hosts WHERE id > ? ORDER BY id LIMIT ?`, []any{after, limit(n)},
		func(row interface{ Scan(...any) error }) (string, error) {
			var id string
			err := row.Scan(&id)
			return id, err
		})
	if err != nil {
		return nil, fmt.Errorf("hosts to re-judge: %w", err)
	}
	return ids, nil
}

// FinishRejudge marks job's version done, if the job still holds it.
func (s *Store) FinishRejudge(ctx context.Context, job store.RejudgeJob, now time.Time) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		if err := s.holdJob(ctx, tx, job, now); err != nil {
			return err
		}
		var done, total int64
		if err := tx.QueryRowContext(ctx, `SELECT hosts_done, hosts_total FROM policy_version WHERE id = 1`).Scan(&done, &total); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE policy_version SET done = version, owner = '', lease = 0, finished = ? WHERE id = 1`), ts(now)); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor(store.System), "rejudge.done", "policy", map[string]any{"version": job.Version, "hosts": done, "reason": job.Reason})
	})
	if err != nil {
		return fmt.Errorf("finish re-judging: %w", err)
	}
	return nil
}
