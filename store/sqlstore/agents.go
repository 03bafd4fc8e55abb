package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// CreateEnrollmentToken keeps a token (its hash) with which agents of a
// department enrol; admins only.
func (s *Store) CreateEnrollmentToken(ctx context.Context, v store.Viewer, t store.EnrollmentToken) error {
	what := fmt.Sprintf("create enrolment token for %q", t.Department)
	if err := adminOnly(v, what); err != nil {
		return err
	}
	if t.Created.IsZero() {
		t.Created = time.Now()
	}
	switch {
	case len(t.Hash) != sha256.Size:
		return fmt.Errorf("%s: %w: hash must be SHA-256", what, store.ErrInvalid)
	case t.Department == "":
		return fmt.Errorf("%s: %w: no department", what, store.ErrInvalid)
	case t.Uses < 1:
		return fmt.Errorf("%s: %w: uses must be at least 1", what, store.ErrInvalid)
	case !t.Expires.After(t.Created):
		return fmt.Errorf("%s: %w: expires before it is created", what, store.ErrInvalid)
	}
	if t.CreatedBy == "" {
		t.CreatedBy = actor(v)
	}
	err := s.update(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO enrollment_tokens (hash, department, created_by, created, expires, uses) VALUES (?, ?, ?, ?, ?, ?)`),
			t.Hash, t.Department, t.CreatedBy, ts(t.Created), ts(t.Expires), t.Uses)
		if isUnique(err) {
			return store.ErrConflict
		}
		if err != nil {
			return err
		}
		// The token's hash prefix names it in the log without letting
		// anyone who reads the log enrol.
		return s.audit(ctx, tx, actor(v), "token.create", t.Department, map[string]any{
			"token": hex.EncodeToString(t.Hash[:6]), "uses": t.Uses, "expires": t.Expires.UTC()})
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Enroll spends one use of a token and records the agent and its host,
// in one transaction. The use is spent by a conditional UPDATE, so of
// two agents racing for the last use exactly one sees a row changed.
func (s *Store) Enroll(ctx context.Context, tokenHash []byte, a store.Agent, now time.Time) (store.Agent, error) {
	what := fmt.Sprintf("enrol agent %q (host %q)", a.ID, a.Host)
	if a.ID == "" || len(a.SecretHash) == 0 {
		return store.Agent{}, fmt.Errorf("%s: %w: needs an id and a secret hash", what, store.ErrInvalid)
	}
	a.Enrolled, a.LastSeen = now.UTC(), time.Time{}
	err := s.update(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.d.q(`UPDATE enrollment_tokens SET uses = uses - 1 WHERE hash = ? AND uses > 0 AND expires > ? RETURNING department`),
			tokenHash, ts(now)).Scan(&a.Department)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("token: %w (unknown, used up or expired)", store.ErrNotFound)
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.d.q(`INSERT INTO agents (id, department, host, secret_hash, enrolled) VALUES (?, ?, ?, ?, ?)`),
			a.ID, a.Department, a.Host, a.SecretHash, ts(a.Enrolled))
		if isUnique(err) {
			return fmt.Errorf("agent id: %w", store.ErrConflict)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO hosts (id, department, host) VALUES (?, ?, ?)`), a.ID, a.Department, a.Host); err != nil {
			return err
		}
		return s.audit(ctx, tx, "agent:"+a.ID, "agent.enroll", a.ID, map[string]any{
			"department": a.Department, "host": a.Host, "token": hex.EncodeToString(tokenHash[:min(6, len(tokenHash))])})
	})
	if err != nil {
		return store.Agent{}, fmt.Errorf("%s: %w", what, err)
	}
	return a, nil
}

// AgentByID finds an agent to check its credential. A managed device's
// row (kind device) is no agent: not found, whatever the credential.
func (s *Store) AgentByID(ctx context.Context, id string) (store.Agent, error) {
	var a store.Agent
	err := s.view(ctx, func(tx *sql.Tx) error {
		var enrolled, seen, revoked int64
		err := tx.QueryRowContext(ctx, s.d.q(`SELECT id, department, host, secret_hash, enrolled, last_seen, revoked FROM agents WHERE id = ? AND kind = 'agent'`), id).
			Scan(&a.ID, &a.Department, &a.Host, &a.SecretHash, &enrolled, &seen, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		a.Enrolled, a.LastSeen, a.Revoked = tm(enrolled), tm(seen), tm(revoked)
		return err
	})
	if err != nil {
		return store.Agent{}, fmt.Errorf("agent %q: %w", id, err)
	}
	return a, nil
}
