package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// RevokeAgent revokes agent id's credential at now: its uploads are
// refused from then on and its host shows it. Admins only; audited. A
// managed device has no credential to revoke: not found.
func (s *Store) RevokeAgent(ctx context.Context, v store.Viewer, id string, now time.Time) error {
	what := fmt.Sprintf("revoke agent %q", id)
	if err := adminOnly(v, what); err != nil {
		return err
	}
	err := s.update(ctx, func(tx *sql.Tx) error {
		var host, dept string
		err := tx.QueryRowContext(ctx, s.d.q(`UPDATE agents SET revoked = ? WHERE id = ? AND kind = 'agent' AND revoked = 0 RETURNING host, department`), ts(now), id).Scan(&host, &dept)
		if errors.Is(err, sql.ErrNoRows) {
			var n int
			if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM agents WHERE id = ? AND kind = 'agent'`), id).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return store.ErrNotFound
			}
			return nil // revoked already
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE hosts SET revoked = ? WHERE id = ?`), ts(now), id); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor(v), "agent.revoke", id, map[string]any{"host": host, "department": dept})
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// RotateAgentSecret replaces agent id's credential (the secret's hash):
// the old one stops working at once. Audited. A managed device's row is
// never given one: not found.
func (s *Store) RotateAgentSecret(ctx context.Context, id string, secretHash []byte) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.d.q(`UPDATE agents SET secret_hash = ? WHERE id = ? AND kind = 'agent' AND revoked = 0`), secretHash, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, store.ErrNotFound)
		}
		return s.audit(ctx, tx, "agent:"+id, "agent.rotate", id, map[string]any{})
	})
	if err != nil {
		return fmt.Errorf("rotate the credential of agent %q: %w", id, err)
	}
	return nil
}

// RevokeEnrollmentToken spends every remaining use of the token whose
// hash is tokenHash. Admins only; audited.
func (s *Store) RevokeEnrollmentToken(ctx context.Context, v store.Viewer, tokenHash []byte) error {
	what := "revoke an enrolment token"
	if err := adminOnly(v, what); err != nil {
		return err
	}
	err := s.update(ctx, func(tx *sql.Tx) error {
		var dept string
		var uses int
		err := tx.QueryRowContext(ctx, s.d.q(`SELECT department, uses FROM enrollment_tokens WHERE hash = ?`), tokenHash).Scan(&dept, &uses)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE enrollment_tokens SET uses = 0 WHERE hash = ?`), tokenHash); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor(v), "token.revoke", dept, map[string]any{
			"token": hex.EncodeToString(tokenHash[:min(6, len(tokenHash))]), "uses_left": uses})
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// DisableUser disables the account named username at now and ends its
// sessions. Admins only, and not their own account; audited.
func (s *Store) DisableUser(ctx context.Context, v store.Viewer, username string, now time.Time) error {
	what := fmt.Sprintf("disable user %q", username)
	if err := adminOnly(v, what); err != nil {
		return err
	}
	if username == v.Username {
		return fmt.Errorf("%s: %w: an admin cannot disable their own account", what, store.ErrInvalid)
	}
	err := s.update(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, s.d.q(`UPDATE users SET disabled = ? WHERE username = ? RETURNING id`), ts(now), username).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM sessions WHERE user_id = ?`), id)
		if err != nil {
			return err
		}
		ended, _ := res.RowsAffected()
		return s.audit(ctx, tx, actor(v), "user.disable", username, map[string]any{"sessions_ended": ended})
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
