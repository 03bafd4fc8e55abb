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

// tokenUseEvery is how stale a token's last_used may grow before a use
// writes it again: a busy SIEM must not make a write of every read.
const tokenUseEvery = 5 * time.Minute

const tokenCols = `id, hash, name, role, department, created_by, created, expires, revoked, last_used`

func scanToken(row interface{ Scan(...any) error }) (store.APIToken, error) {
	var t store.APIToken
	var role string
	var created, expires, revoked, used int64
	err := row.Scan(&t.ID, &t.Hash, &t.Name, &role, &t.Department, &t.CreatedBy, &created, &expires, &revoked, &used)
	t.Role, t.Created, t.Expires, t.Revoked, t.LastUsed = store.Role(role), tm(created), tm(expires), tm(revoked), tm(used)
	return t, err
}

// CreateAPIToken records a token an admin made.
func (s *Store) CreateAPIToken(ctx context.Context, v store.Viewer, t store.APIToken) (store.APIToken, error) {
	what := fmt.Sprintf("create API token %q", t.Name)
	if err := adminOnly(v, what); err != nil {
		return store.APIToken{}, err
	}
	if t.Created.IsZero() {
		t.Created = time.Now()
	}
	switch {
	case t.Name == "" || len(t.Name) > 64:
		return store.APIToken{}, fmt.Errorf("%s: %w: a name of 1-64 bytes is needed", what, store.ErrInvalid)
	case len(t.Hash) != 32:
		return store.APIToken{}, fmt.Errorf("%s: %w: the token's SHA-256 is needed", what, store.ErrInvalid)
	case t.Role != store.Officer && t.Role != store.Auditor:
		return store.APIToken{}, fmt.Errorf("%s: %w: a token is an officer's or an auditor's, never an admin's (%q)", what, store.ErrInvalid, t.Role)
	case t.Role == store.Officer && t.Department == "":
		return store.APIToken{}, fmt.Errorf("%s: %w: an officer's token needs a department", what, store.ErrInvalid)
	case t.Role == store.Auditor && t.Department != "":
		return store.APIToken{}, fmt.Errorf("%s: %w: an auditor's token reads every department", what, store.ErrInvalid)
	case !t.Expires.After(t.Created) || t.Expires.Sub(t.Created) > store.MaxTokenLife:
		return store.APIToken{}, fmt.Errorf("%s: %w: it must expire within %d days", what, store.ErrInvalid, int(store.MaxTokenLife.Hours()/24))
	}
	t.CreatedBy, t.Revoked, t.LastUsed = actor(v), time.Time{}, time.Time{}
	t.Created, t.Expires = t.Created.UTC(), t.Expires.UTC()
	err := s.update(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, s.d.q(`INSERT INTO api_tokens (hash, name, role, department, created_by, created, expires)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), t.Hash, t.Name, string(t.Role), t.Department, t.CreatedBy, ts(t.Created), ts(t.Expires)).Scan(&t.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor(v), "token.create", "token/"+strconv.FormatInt(t.ID, 10),
			map[string]any{"name": t.Name, "role": t.Role, "department": t.Department, "expires": t.Expires})
	})
	if err != nil {
		return store.APIToken{}, fmt.Errorf("%s: %w", what, err)
	}
	return t, nil
}

// APITokens lists the tokens, newest first: admins and auditors see them
// (without their hashes, which are never shown); officers none.
func (s *Store) APITokens(ctx context.Context, v store.Viewer) ([]store.APIToken, error) {
	if v.Role != store.Admin && v.Role != store.Auditor {
		return nil, fmt.Errorf("list API tokens: %w", store.ErrForbidden)
	}
	ts, err := list(ctx, s, `SELECT `+tokenCols+` FROM api_tokens ORDER BY created DESC, id DESC LIMIT ?`, []any{limit(0)}, scanToken)
	if err != nil {
		return nil, fmt.Errorf("list API tokens: %w", err)
	}
	for i := range ts {
		ts[i].Hash = nil
	}
	return ts, nil
}

// RevokeAPIToken ends a token at now.
func (s *Store) RevokeAPIToken(ctx context.Context, v store.Viewer, id int64, now time.Time) error {
	what := fmt.Sprintf("revoke API token %d", id)
	if err := adminOnly(v, what); err != nil {
		return err
	}
	err := s.update(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.d.q(`UPDATE api_tokens SET revoked = ? WHERE id = ? AND revoked = 0`), ts(now), id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return store.ErrNotFound
		}
		return s.audit(ctx, tx, actor(v), "token.revoke", "token/"+strconv.FormatInt(id, 10), map[string]any{"at": now.UTC()})
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// APITokenByHash finds the token in force with this hash.
func (s *Store) APITokenByHash(ctx context.Context, hash []byte, now time.Time) (store.APIToken, error) {
	t, err := one(ctx, s, `SELECT `+tokenCols+` FROM api_tokens WHERE hash = ?`, []any{hash}, scanToken)
	if err != nil {
		return store.APIToken{}, fmt.Errorf("API token: %w", err)
	}
	if !t.Revoked.IsZero() || !now.Before(t.Expires) {
		return store.APIToken{}, fmt.Errorf("API token %d: %w (revoked or expired)", t.ID, store.ErrNotFound)
	}
	if now.Sub(t.LastUsed) > tokenUseEvery {
		err := s.update(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, s.d.q(`UPDATE api_tokens SET last_used = ? WHERE id = ?`), ts(now), t.ID)
			return err
		})
		if err != nil && !errors.Is(err, context.Canceled) {
			return store.APIToken{}, fmt.Errorf("API token %d: noting its use: %w", t.ID, err)
		}
	}
	t.Hash = nil
	return t, nil
}
