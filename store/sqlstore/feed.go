package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/embargo-dev/embargo/store"
)

const feedCols = `id, feed_version, sha256, size, data_digest, policy_version, installed, installed_by, status, bundle IS NOT NULL`

func scanFeed(row interface{ Scan(...any) error }) (store.FeedBundle, error) {
	var b store.FeedBundle
	var installed int64
	var status string
	err := row.Scan(&b.ID, &b.FeedVersion, &b.SHA256, &b.Size, &b.DataDigest, &b.PolicyVersion, &installed, &b.InstalledBy, &status, &b.Stored)
	b.Installed = tm(installed)
	if status != "" {
		b.Status = []byte(status)
	}
	return b, err
}

// PutFeed implements store.Store.
func (s *Store) PutFeed(ctx context.Context, v store.Viewer, b store.FeedBundle, data []byte, now time.Time) (store.FeedBundle, error) {
	what := fmt.Sprintf("install feed version %d", b.FeedVersion)
	if err := adminOnly(v, what); err != nil {
		return store.FeedBundle{}, err
	}
	switch {
	case len(data) == 0 || len(data) > store.MaxFeedBundle:
		return store.FeedBundle{}, fmt.Errorf("%s: %w: a bundle of 1 to %d bytes is needed", what, store.ErrInvalid, store.MaxFeedBundle)
	case b.SHA256 == "" || b.DataDigest == "" || b.FeedVersion <= 0:
		return store.FeedBundle{}, fmt.Errorf("%s: %w: digest, data digest and version are needed", what, store.ErrInvalid)
	}
	if now.IsZero() {
		now = time.Now()
	}
	b.Size, b.Installed, b.InstalledBy, b.Stored = int64(len(data)), now.UTC(), actor(v), true
	if len(b.Status) == 0 {
		b.Status = []byte("{}")
	}
	var out store.FeedBundle
	err := s.update(ctx, func(tx *sql.Tx) error {
		last, err := scanFeed(tx.QueryRowContext(ctx, `SELECT `+feedCols+` FROM feed_bundles ORDER BY id DESC LIMIT 1`+s.d.forUpdate))
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case last.SHA256 == b.SHA256:
			out = last
			return nil
		case b.FeedVersion < last.FeedVersion:
			return fmt.Errorf("%w: version %d is older than the installed %d", store.ErrInvalid, b.FeedVersion, last.FeedVersion)
		}
		var noted string
		if err := tx.QueryRowContext(ctx, `SELECT catalogue FROM policy_version WHERE id = 1`+s.d.forUpdate).Scan(&noted); err != nil {
			return err
		}
		if noted != b.DataDigest {
			reason := fmt.Sprintf("feed version %d: data %s", b.FeedVersion, short(b.DataDigest))
			if noted != "" {
				reason += " replaced " + short(noted)
			}
			if err := s.bumpVersion(ctx, tx, reason, now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE policy_version SET catalogue = ? WHERE id = 1`), b.DataDigest); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT version FROM policy_version WHERE id = 1`).Scan(&b.PolicyVersion); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE feed_bundles SET bundle = NULL WHERE bundle IS NOT NULL`); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, s.d.q(`INSERT INTO feed_bundles (feed_version, sha256, size, data_digest, policy_version, installed,
			installed_by, status, bundle) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), b.FeedVersion, b.SHA256, b.Size, b.DataDigest,
			b.PolicyVersion, ts(b.Installed), b.InstalledBy, string(b.Status), data).Scan(&b.ID); err != nil {
			return err
		}
		out = b
		return s.audit(ctx, tx, actor(v), "feed.install", fmt.Sprintf("feed/%d", b.ID), map[string]any{"feed_version": b.FeedVersion,
			"sha256": b.SHA256, "data": b.DataDigest, "policy_version": b.PolicyVersion, "was": noted})
	})
	if err != nil {
		return store.FeedBundle{}, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

// Feed implements store.Store.
func (s *Store) Feed(ctx context.Context) (store.FeedBundle, error) {
	out, err := list(ctx, s, `SELECT `+feedCols+` FROM feed_bundles ORDER BY id DESC LIMIT 1`, nil, scanFeed)
	if err != nil {
		return store.FeedBundle{}, fmt.Errorf("the installed feed: %w", err)
	}
	if len(out) == 0 {
		return store.FeedBundle{}, fmt.Errorf("the installed feed: %w", store.ErrNotFound)
	}
	return out[0], nil
}

// FeedData implements store.Store.
func (s *Store) FeedData(ctx context.Context, id int64) ([]byte, error) {
	var data []byte
	err := s.view(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, s.d.q(`SELECT bundle FROM feed_bundles WHERE id = ? AND bundle IS NOT NULL`), id).Scan(&data)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("feed bundle %d: %w", id, store.ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("feed bundle %d: %w", id, err)
	}
	return data, nil
}

// Feeds implements store.Store. Every viewer may see which data judged
// the fleet.
func (s *Store) Feeds(ctx context.Context, v store.Viewer) ([]store.FeedBundle, error) {
	if v.Role == "" {
		return nil, nil
	}
	out, err := list(ctx, s, `SELECT `+feedCols+` FROM feed_bundles ORDER BY id DESC LIMIT ?`, []any{limit(0)}, scanFeed)
	if err != nil {
		return nil, fmt.Errorf("the feeds installed: %w", err)
	}
	return out, nil
}

// Changes implements store.Store.
func (s *Store) Changes(ctx context.Context, v store.Viewer, version int64, n int) ([]store.FindingChange, error) {
	cond, args := scope(v, "department")
	out, err := list(ctx, s, `SELECT version, finding_id, host_id, department, kind, instrument, item, product, was, became, at
		FROM finding_changes WHERE version = ?`+cond+` ORDER BY department, host_id, finding_id LIMIT ?`,
		append(append([]any{version}, args...), limit(n)), func(row interface{ Scan(...any) error }) (store.FindingChange, error) {
			var c store.FindingChange
			var kind string
			var at int64
			err := row.Scan(&c.Version, &c.FindingID, &c.HostID, &c.Department, &kind, &c.Instrument, &c.Item, &c.Product, &c.Was, &c.Became, &at)
			c.Kind, c.At = store.Kind(kind), tm(at)
			return c, err
		})
	if err != nil {
		return nil, fmt.Errorf("changes of policy version %d: %w", version, err)
	}
	return out, nil
}
