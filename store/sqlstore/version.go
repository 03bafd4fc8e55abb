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
	var p store.PolicyVersion
	err := s.view(ctx, func(tx *sql.Tx) error {
		var err error
		if p, _, err = scanVersion(tx.QueryRowContext(ctx, `SELECT `+versionCols+` FROM policy_version WHERE id = 1`)); err != nil {
			return err
		}
		if p.Done >= p.Version {
			return nil
		}
		// Under way: the hosts of the batches done, of all (counted by the
		// first batch; before it, now).
		if p.HostsTotal == 0 {
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM hosts`).Scan(&p.HostsTotal); err != nil {
				return err
			}
		}
		return tx.QueryRowContext(ctx, s.d.q(`SELECT COALESCE(SUM(hosts), 0) FROM rejudge_batches WHERE version = ? AND done = 1`), p.Version).
			Scan(&p.HostsDone)
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
