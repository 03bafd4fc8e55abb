package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/embargo-dev/embargo/store"
)

// judged is one judgement of a host's findings of one kind: the findings
// judged now, and what becomes of the host's findings of that kind that
// are not among them.
type judged struct {
	hostID, dept string
	at           int64
	lastSeen     int64 // when the findings were last seen; 0: at
	kind         store.Kind
	fs           []store.Finding
	// absent is the next state of a finding not judged now, and why;
	// an empty state leaves it as it is.
	absent func(p prior) (state store.FindingState, reason string)
	// reason is why findings open or reopen when that is not an upload.
	reason string
	// version, when set, is the policy version whose re-judging this
	// is: every finding it changes is recorded under it.
	version int64
	// had and waived, when set, are the host's findings of the kind and
	// its waivers in force, read already.
	had    map[string]prior
	waived map[string]bool
}

// transitions counts what one judgement did, for the audit log.
type transitions struct {
	Findings   int `json:"findings"`
	New        int `json:"new"`
	Reopened   int `json:"reopened"`
	Remediated int `json:"remediated"`
	OutOfScope int `json:"out_of_scope"`
	Waived     int `json:"waived"`
	Unwaived   int `json:"unwaived"`
}

// applyJudged writes j's findings with their lives: a finding is open
// when new, reopened when it had been remediated or out of scope, waived
// while an approved waiver is in force and open again once it has
// expired; absent decides the others. It moves the department's counts
// and returns what changed; the caller recounts the host (recountHost).
func (s *Store) applyJudged(ctx context.Context, tx *sql.Tx, j judged, counts *countDelta) (transitions, error) {
	had, waived := j.had, j.waived
	var err error
	if had == nil {
		if had, err = s.hostFindings(ctx, tx, j.hostID, j.kind); err != nil {
			return transitions{}, err
		}
	}
	if waived == nil {
		if waived, err = s.waiversInForce(ctx, tx, j.hostID, j.at); err != nil {
			return transitions{}, err
		}
	}
	var w writes
	t := w.plan(j, had, waived, counts, nil)
	return t, w.write(ctx, s, tx)
}

// change is one finding a re-judging changed.
type change struct {
	id, instrument, item, product string
	was, became                   string
}

// recountHost counts the host's findings again as the hosts table keeps
// them, writes them, and tallies the department's totals and trend by
// the difference (remediated: the findings truly remediated).
func (s *Store) recountHost(ctx context.Context, tx *sql.Tx, hostID, dept string, old hostCounts, at int64, remediated int) error {
	c, err := s.countHost(ctx, tx, hostID, at)
	if err != nil {
		return err
	}
	return s.tally(ctx, tx, dept, tm(at), c.open-old.open, c.waived-old.waived, c.overdue-old.overdue, remediated)
}

// countHost counts the host's findings again and writes the counts.
func (s *Store) countHost(ctx context.Context, tx *sql.Tx, hostID string, at int64) (hostCounts, error) {
	var c hostCounts
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT state, deadline FROM findings WHERE host_id = ? AND state IN ('open', 'reopened', 'waived')`), hostID)
	if err != nil {
		return c, fmt.Errorf("count host's findings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var deadline int64
		if err := rows.Scan(&state, &deadline); err != nil {
			return c, err
		}
		c.add(state, deadline, at)
	}
	if err := rows.Err(); err != nil {
		return c, err
	}
	if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE hosts SET open_count = ?, waived_count = ?, overdue_count = ? WHERE id = ?`),
		c.open, c.waived, c.overdue, hostID); err != nil {
		return c, fmt.Errorf("count host's findings: %w", err)
	}
	return c, nil
}

// prior is what ingest needs of a finding the host already has.
type prior struct {
	state      string
	instrument string
	deadline   int64 // noDeadline when none
	firstSeen  int64
	changed    int64
	itemKey    string
	reason     string
	item       string
	product    string
	digest     string
}

func (s *Store) hostFindings(ctx context.Context, tx *sql.Tx, hostID string, kind store.Kind) (map[string]prior, error) {
	byKind, err := s.hostFindingsByKind(ctx, tx, hostID, `AND kind = ?`, string(kind))
	return byKind[kind], err
}

// hostFindingsByKind reads the host's findings of every kind (cond and
// args narrow them), by kind.
func (s *Store) hostFindingsByKind(ctx context.Context, tx *sql.Tx, hostID, cond string, args ...any) (map[store.Kind]map[string]prior, error) {
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT id, kind, state, instrument, deadline, first_seen, changed, item_key, reason, item, product, digest
		FROM findings WHERE host_id = ? `+cond), append([]any{hostID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("read host's findings: %w", err)
	}
	defer rows.Close()
	out := map[store.Kind]map[string]prior{store.Software: {}, store.Traffic: {}}
	for rows.Next() {
		var id, kind string
		var p prior
		if err := rows.Scan(&id, &kind, &p.state, &p.instrument, &p.deadline, &p.firstSeen, &p.changed, &p.itemKey, &p.reason, &p.item, &p.product, &p.digest); err != nil {
			return nil, err
		}
		k := store.Kind(kind)
		if out[k] == nil {
			out[k] = map[string]prior{}
		}
		out[k][id] = p
	}
	return out, rows.Err()
}

// waiversInForce are the host's findings with an approved waiver that
// has not expired at at.
func (s *Store) waiversInForce(ctx context.Context, tx *sql.Tx, hostID string, at int64) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT DISTINCT finding_id FROM waivers WHERE host_id = ? AND state = 'approved' AND expiry > ?`), hostID, at)
	if err != nil {
		return nil, fmt.Errorf("read host's waivers: %w", err)
	}
	defer rows.Close()
	in := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		in[id] = true
	}
	return in, rows.Err()
}
