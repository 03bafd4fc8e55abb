package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// Settings' names.
const (
	settingRegister = "register"
	settingPolicies = "policies"
)

// reasons are the settings' changes as a finding's reason names them.
var reasons = map[string]string{settingRegister: "the systems register changed", settingPolicies: "the policy packs in force changed"}

// maxSetting bounds the register's YAML and a report's snapshot.
const maxSetting = 16 << 20

// putSetting keeps a setting and makes a new policy version for it: the
// register and the packs are what the fleet is judged by.
func (s *Store) putSetting(ctx context.Context, v store.Viewer, name string, value []byte, action string, detail any) error {
	if err := adminOnly(v, action); err != nil {
		return err
	}
	if len(value) > maxSetting {
		return fmt.Errorf("%s: %w: larger than %d bytes", action, store.ErrInvalid, maxSetting)
	}
	err := s.update(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`),
			name, nonNil(value)); err != nil {
			return err
		}
		if err := s.bumpVersion(ctx, tx, fmt.Sprintf("%s by %s", reasons[name], actor(v)), time.Now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor(v), action, name, detail)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", action, err)
	}
	return nil
}

func (s *Store) setting(ctx context.Context, name string) ([]byte, error) {
	b, err := one(ctx, s, `SELECT value FROM settings WHERE name = ?`, []any{name}, func(row interface{ Scan(...any) error }) ([]byte, error) {
		var b []byte
		err := row.Scan(&b)
		return b, err
	})
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil // never set: empty
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return b, nil
}

// PutRegister replaces the systems register (YAML, checked by the
// server); admins only. The log keeps its digest.
func (s *Store) PutRegister(ctx context.Context, v store.Viewer, yaml []byte) error {
	sum := sha256.Sum256(yaml)
	return s.putSetting(ctx, v, settingRegister, yaml, "register.put", map[string]any{"sha256": hex.EncodeToString(sum[:]), "bytes": len(yaml)})
}

// Register returns the systems register; empty when none was put.
func (s *Store) Register(ctx context.Context) ([]byte, error) { return s.setting(ctx, settingRegister) }

// PutPolicies replaces the packs in force; admins only.
func (s *Store) PutPolicies(ctx context.Context, v store.Viewer, packIDs []string) error {
	if packIDs == nil {
		packIDs = []string{}
	}
	b, err := json.Marshal(packIDs)
	if err != nil {
		return fmt.Errorf("put policies: %w", err)
	}
	return s.putSetting(ctx, v, settingPolicies, b, "policies.put", map[string]any{"packs": packIDs})
}

// Policies returns the packs in force; none when none was put.
func (s *Store) Policies(ctx context.Context) ([]string, error) {
	b, err := s.setting(ctx, settingPolicies)
	if err != nil || b == nil {
		return nil, err
	}
	var ids []string
	if err := json.Unmarshal(b, &ids); err != nil {
		return nil, fmt.Errorf("read policies: %w", err)
	}
	return ids, nil
}

// SaveReport keeps a printed department report. Officers save their
// own department's; auditors none.
func (s *Store) SaveReport(ctx context.Context, v store.Viewer, department string, at time.Time, snapshot []byte) error {
	what := fmt.Sprintf("save report of %q", department)
	if err := mayAct(v, department, what); err != nil {
		return err
	}
	if department == "" || len(snapshot) > maxSetting {
		return fmt.Errorf("%s: %w: needs a department and at most %d bytes", what, store.ErrInvalid, maxSetting)
	}
	err := s.update(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO reports (department, at, snapshot) VALUES (?, ?, ?)`), department, ts(at), nonNil(snapshot)); err != nil {
			return err
		}
		return s.audit(ctx, tx, actor(v), "report.save", department, map[string]any{"at": at.UTC(), "bytes": len(snapshot)})
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// LastReport returns the latest saved report of a department v may see.
func (s *Store) LastReport(ctx context.Context, v store.Viewer, department string) (time.Time, []byte, error) {
	cond, args := scope(v, "department")
	type rep struct {
		at   int64
		snap []byte
	}
	r, err := one(ctx, s, `SELECT at, snapshot FROM reports WHERE department = ?`+cond+` ORDER BY at DESC, id DESC LIMIT 1`,
		append([]any{department}, args...), func(row interface{ Scan(...any) error }) (rep, error) {
			var r rep
			err := row.Scan(&r.at, &r.snap)
			return r, err
		})
	if err != nil {
		return time.Time{}, nil, fmt.Errorf("last report of %q: %w", department, err)
	}
	return tm(r.at), r.snap, nil
}
