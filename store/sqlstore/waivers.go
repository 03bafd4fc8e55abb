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

// maxReason bounds a waiver's reason and a decision's note.
const maxReason = 4096

// RequestWaiver asks for a finding to be excused until w.Expiry.
// Officers ask for their department's findings only (another's is not
// found); auditors ask for nothing.
func (s *Store) RequestWaiver(ctx context.Context, v store.Viewer, w store.Waiver) (store.Waiver, error) {
	what := fmt.Sprintf("request waiver of finding %q", w.FindingID)
	if err := mayChange(v, what); err != nil {
		return store.Waiver{}, err
	}
	if w.Requested.IsZero() {
		w.Requested = time.Now()
	}
	switch {
	case w.Reason == "" || len(w.Reason) > maxReason:
		return store.Waiver{}, fmt.Errorf("%s: %w: reason must be 1-%d bytes", what, store.ErrInvalid, maxReason)
	case !w.Expiry.After(w.Requested):
		return store.Waiver{}, fmt.Errorf("%s: %w: expiry must be after the request", what, store.ErrInvalid)
	}
	w.Requested, w.Expiry = w.Requested.UTC(), w.Expiry.UTC()
	w.RequestedBy, w.State = actor(v), store.Requested
	w.DecidedBy, w.Decided, w.Note = "", time.Time{}, ""
	cond, args := scope(v, "department")
	err := s.update(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, s.d.q(`SELECT host_id, department FROM findings WHERE id = ?`+cond), append([]any{w.FindingID}, args...)...).
			Scan(&w.HostID, &w.Department)
		if errors.Is(err, sql.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		var pending int
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM waivers WHERE finding_id = ? AND state = 'requested'`), w.FindingID).Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return fmt.Errorf("%w: a request for this finding awaits a decision", store.ErrConflict)
		}
		err = tx.QueryRowContext(ctx, s.d.q(`INSERT INTO waivers (finding_id, host_id, department, reason, expiry, requested_by, requested, state)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			w.FindingID, w.HostID, w.Department, w.Reason, ts(w.Expiry), w.RequestedBy, ts(w.Requested), string(w.State)).Scan(&w.ID)
		if err != nil {
			return err
		}
		return s.audit(ctx, tx, actor(v), "waiver.request", "waiver/"+strconv.FormatInt(w.ID, 10),
			map[string]any{"finding": w.FindingID, "host": w.HostID, "department": w.Department, "expiry": w.Expiry, "reason": w.Reason})
	})
	if err != nil {
		return store.Waiver{}, fmt.Errorf("%s: %w", what, err)
	}
	return w, nil
}

// DecideWaiver approves or rejects a request; admins only, and not
// their own request (store.System, the server, excepted). Approving a
// waiver in force at now makes its finding waived at once.
func (s *Store) DecideWaiver(ctx context.Context, v store.Viewer, id int64, approve bool, note string, now time.Time) (store.Waiver, error) {
	what := fmt.Sprintf("decide waiver %d", id)
	if err := adminOnly(v, what); err != nil {
		return store.Waiver{}, err
	}
	if len(note) > maxReason {
		return store.Waiver{}, fmt.Errorf("%s: %w: note longer than %d bytes", what, store.ErrInvalid, maxReason)
	}
	var w store.Waiver
	err := s.update(ctx, func(tx *sql.Tx) error {
		var err error
		if w, err = s.waiver(ctx, tx, v, id); err != nil {
			return err
		}
		if w.State != store.Requested {
			return fmt.Errorf("%w: already %s", store.ErrConflict, w.State)
		}
		if w.RequestedBy == actor(v) && v != store.System {
			return fmt.Errorf("%w: %q may not decide their own request", store.ErrForbidden, w.RequestedBy)
		}
		w.State, w.DecidedBy, w.Decided, w.Note = store.Rejected, actor(v), now.UTC(), note
		if approve {
			w.State = store.Approved
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE waivers SET state = ?, decided_by = ?, decided = ?, note = ? WHERE id = ?`),
			string(w.State), w.DecidedBy, ts(w.Decided), w.Note, id); err != nil {
			return err
		}
		if approve && w.Expiry.After(now) {
			if err := s.waive(ctx, tx, w, now); err != nil {
				return err
			}
		}
		return s.audit(ctx, tx, actor(v), "waiver."+map[bool]string{true: "approve", false: "reject"}[approve],
			"waiver/"+strconv.FormatInt(id, 10), map[string]any{"finding": w.FindingID, "department": w.Department, "note": note})
	})
	if err != nil {
		return store.Waiver{}, fmt.Errorf("%s: %w", what, err)
	}
	return w, nil
}

// waive makes an approved waiver's finding waived if it is open, and
// recounts its host.
func (s *Store) waive(ctx context.Context, tx *sql.Tx, w store.Waiver, now time.Time) error {
	var old hostCounts
	if err := tx.QueryRowContext(ctx, s.d.q(`SELECT open_count, waived_count, overdue_count FROM hosts WHERE id = ?`+s.d.forUpdate), w.HostID).
		Scan(&old.open, &old.waived, &old.overdue); err != nil {
		return fmt.Errorf("lock host %q: %w", w.HostID, err)
	}
	var state, instrument string
	var deadline int64
	if err := tx.QueryRowContext(ctx, s.d.q(`SELECT state, instrument, deadline FROM findings WHERE id = ?`), w.FindingID).Scan(&state, &instrument, &deadline); err != nil {
		return fmt.Errorf("read finding %q: %w", w.FindingID, err)
	}
	if state != string(store.Open) && state != string(store.Reopened) {
		return nil // remediated or already waived: nothing to recount
	}
	if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE findings SET state = 'waived', changed = ? WHERE id = ?`), ts(now), w.FindingID); err != nil {
		return fmt.Errorf("waive finding %q: %w", w.FindingID, err)
	}
	counts := newCountDelta()
	counts.move(w.Department, findingCount{instrument, state, deadline}, findingCount{instrument, string(store.Waived), deadline})
	if err := counts.apply(ctx, s, tx); err != nil {
		return err
	}
	var c hostCounts
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT state, deadline FROM findings WHERE host_id = ? AND state <> 'remediated'`), w.HostID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var deadline int64
		if err := rows.Scan(&state, &deadline); err != nil {
			return err
		}
		c.add(state, deadline, ts(now))
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE hosts SET open_count = ?, waived_count = ?, overdue_count = ? WHERE id = ?`),
		c.open, c.waived, c.overdue, w.HostID); err != nil {
		return err
	}
	return s.tally(ctx, tx, w.Department, now, c.open-old.open, c.waived-old.waived, c.overdue-old.overdue, 0)
}

const waiverCols = `id, finding_id, host_id, department, reason, expiry, requested_by, requested, state, decided_by, decided, note`

func scanWaiver(row interface{ Scan(...any) error }) (store.Waiver, error) {
	var w store.Waiver
	var expiry, requested, decided int64
	var state string
	err := row.Scan(&w.ID, &w.FindingID, &w.HostID, &w.Department, &w.Reason, &expiry, &w.RequestedBy, &requested, &state, &w.DecidedBy, &decided, &w.Note)
	w.Expiry, w.Requested, w.Decided, w.State = tm(expiry), tm(requested), tm(decided), store.WaiverState(state)
	return w, err
}

func (s *Store) waiver(ctx context.Context, tx *sql.Tx, v store.Viewer, id int64) (store.Waiver, error) {
	cond, args := scope(v, "department")
	w, err := scanWaiver(tx.QueryRowContext(ctx, s.d.q(`SELECT `+waiverCols+` FROM waivers WHERE id = ?`+cond), append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return w, store.ErrNotFound
	}
	return w, err
}

// Waiver returns one waiver v may see.
func (s *Store) Waiver(ctx context.Context, v store.Viewer, id int64) (store.Waiver, error) {
	var w store.Waiver
	err := s.view(ctx, func(tx *sql.Tx) error {
		var err error
		w, err = s.waiver(ctx, tx, v, id)
		return err
	})
	if err != nil {
		return store.Waiver{}, fmt.Errorf("waiver %d: %w", id, err)
	}
	return w, nil
}

// Waivers lists the waivers v may see in a state (empty: all), newest
// first.
func (s *Store) Waivers(ctx context.Context, v store.Viewer, state store.WaiverState) ([]store.Waiver, error) {
	cond, args := scope(v, "department")
	if state != "" {
		cond += " AND state = ?"
		args = append(args, string(state))
	}
	var out []store.Waiver
	err := s.view(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, s.d.q(`SELECT `+waiverCols+` FROM waivers WHERE 1 = 1`+cond+` ORDER BY id DESC`), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			w, err := scanWaiver(rows)
			if err != nil {
				return err
			}
			out = append(out, w)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list waivers: %w", err)
	}
	return out, nil
}
