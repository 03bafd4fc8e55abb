package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// CreateSession keeps a logged-in browser's session. Expired sessions
// are swept here, so that the table stays the size of the users logged
// in.
func (s *Store) CreateSession(ctx context.Context, se store.Session) error {
	if len(se.TokenHash) == 0 || se.Expires.IsZero() {
		return fmt.Errorf("create session: %w: needs a token hash and an expiry", store.ErrInvalid)
	}
	if se.Created.IsZero() {
		se.Created = time.Now()
	}
	err := s.update(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM sessions WHERE expires < ?`), ts(se.Created)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO sessions (token_hash, user_id, csrf, created, expires) VALUES (?, ?, ?, ?, ?)`),
			se.TokenHash, se.UserID, se.CSRF, ts(se.Created), ts(se.Expires))
		if isUnique(err) {
			return store.ErrConflict
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create session of user %d: %w", se.UserID, err)
	}
	return nil
}

// SessionByToken finds a session that has not expired at now.
func (s *Store) SessionByToken(ctx context.Context, tokenHash []byte, now time.Time) (store.Session, error) {
	var se store.Session
	err := s.view(ctx, func(tx *sql.Tx) error {
		var created, expires int64
		err := tx.QueryRowContext(ctx, s.d.q(`SELECT token_hash, user_id, csrf, created, expires FROM sessions
			WHERE token_hash = ? AND expires > ? AND user_id IN (SELECT id FROM users WHERE disabled = 0)`),
			tokenHash, ts(now)).Scan(&se.TokenHash, &se.UserID, &se.CSRF, &created, &expires)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		se.Created, se.Expires = tm(created), tm(expires)
		return err
	})
	if err != nil {
		return store.Session{}, fmt.Errorf("find session: %w", err)
	}
	return se, nil
}

// DeleteSession ends a session (logout); ending one already gone is no
// error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash []byte) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.d.q(`DELETE FROM sessions WHERE token_hash = ?`), tokenHash)
		return err
	})
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
