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
	fs := j.fs
	t := transitions{Findings: len(fs)}
	var ch []change
	had, waived := j.had, j.waived
	var err error
	if had == nil {
		if had, err = s.hostFindings(ctx, tx, j.hostID, j.kind); err != nil {
			return t, err
		}
	}
	if waived == nil {
		if waived, err = s.waiversInForce(ctx, tx, j.hostID, j.at); err != nil {
			return t, err
		}
	}
	states := make([]prior, len(fs))
	was := make(map[string]prior, len(fs))
	for i, f := range fs {
		p, ok := had[f.ID]
		if ok {
			was[f.ID] = p
		}
		delete(had, f.ID)
		next := p
		inForce := waived[f.ID]
		switch {
		case !ok:
			next = prior{state: string(store.Open), firstSeen: j.at, changed: j.at, reason: j.reason}
			t.New++
		case p.state == string(store.Remediated) || p.state == string(store.OutOfScope):
			next.state, next.reason = string(store.Reopened), j.reason
			t.Reopened++
		case !inForce && p.state == string(store.Waived):
			next.state, next.reason = string(store.Open), ""
			t.Unwaived++
		}
		if inForce && next.state != string(store.Waived) {
			next.state, next.reason = string(store.Waived), ""
			t.Waived++
		}
		if next.state != p.state {
			next.changed = j.at
		}
		states[i] = next
		deadline := deadlineTS(f.Deadline)
		if j.version != 0 && (!ok || next.state != p.state || f.Instrument != p.instrument || deadline != p.deadline) {
			ch = append(ch, change{id: f.ID, instrument: f.Instrument, item: f.Item, product: f.Product, was: p.state, became: next.state})
		}
		if next.state != p.state || f.Instrument != p.instrument || (ok && deadline != p.deadline) {
			counts.move(j.dept, findingCount{p.instrument, p.state, p.deadline}, findingCount{f.Instrument, next.state, deadline})
		}
	}
	if j.version != 0 {
		// Re-judging: a finding that says what it said, in the state it
		// was in, is left as stored.
		var keepFs []store.Finding
		var keepStates []prior
		for i, f := range fs {
			if p, ok := was[f.ID]; ok && p.digest != "" && p.digest == f.Digest && p.state == states[i].state {
				continue
			}
			keepFs, keepStates = append(keepFs, f), append(keepStates, states[i])
		}
		j.fs, states = keepFs, keepStates
	}
	if err := s.upsertFindings(ctx, tx, j, states); err != nil {
		return t, err
	}
	if j.absent == nil {
		return t, s.recordChanges(ctx, tx, j, ch)
	}
	for id, p := range had {
		next, reason := j.absent(p)
		if next == "" || string(next) == p.state || p.state == string(store.Remediated) || p.state == string(store.OutOfScope) {
			continue
		}
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE findings SET state = ?, changed = ?, reason = ? WHERE id = ?`), string(next), j.at, reason, id); err != nil {
			return t, fmt.Errorf("end finding %s: %w", id, err)
		}
		counts.move(j.dept, findingCount{p.instrument, p.state, p.deadline}, findingCount{p.instrument, string(next), p.deadline})
		if j.version != 0 {
			ch = append(ch, change{id: id, instrument: p.instrument, item: p.item, product: p.product, was: p.state, became: string(next)})
		}
		switch next {
		case store.Remediated:
			t.Remediated++
		case store.OutOfScope:
			t.OutOfScope++
		}
	}
	return t, s.recordChanges(ctx, tx, j, ch)
}

// change is one finding a re-judging changed.
type change struct {
	id, instrument, item, product string
	was, became                   string
}

// recordChanges keeps what a re-judging changed under its version (one
// row a finding: a host re-judged twice by a version, after an upload
// raced it, keeps the last).
func (s *Store) recordChanges(ctx context.Context, tx *sql.Tx, j judged, ch []change) error {
	if j.version == 0 || len(ch) == 0 {
		return nil
	}
	query := `INSERT INTO finding_changes (version, finding_id, host_id, department, kind, instrument, item, product, was, became, at)
		VALUES %s ON CONFLICT (version, finding_id) DO UPDATE SET instrument = excluded.instrument, item = excluded.item,
		product = excluded.product, became = excluded.became, at = excluded.at`
	err := s.insertRows(ctx, tx, query, 11, len(ch), func(i int, args []any) []any {
		c := ch[i]
		return append(args, j.version, c.id, j.hostID, j.dept, string(j.kind), c.instrument, truncate(c.item, 512), truncate(c.product, 512),
			c.was, c.became, j.at)
	})
	if err != nil {
		return fmt.Errorf("record changes: %w", err)
	}
	return nil
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

func (s *Store) upsertFindings(ctx context.Context, tx *sql.Tx, j judged, states []prior) error {
	const cols = 24
	query := `INSERT INTO findings (id, host_id, department, pack, rule, instrument, title, url, effect, item, version, product,
		supplier, country, deadline, first_seen, last_seen, state, changed, evidence, kind, item_key, reason, digest) VALUES %s
		ON CONFLICT (id) DO UPDATE SET
			department = excluded.department, pack = excluded.pack, rule = excluded.rule, instrument = excluded.instrument,
			title = excluded.title, url = excluded.url, effect = excluded.effect, item = excluded.item, version = excluded.version,
			product = excluded.product, supplier = excluded.supplier, country = excluded.country, deadline = excluded.deadline,
			last_seen = excluded.last_seen, state = excluded.state, changed = excluded.changed, evidence = excluded.evidence,
			item_key = excluded.item_key, reason = excluded.reason, digest = excluded.digest
		WHERE findings.host_id = excluded.host_id AND findings.kind = excluded.kind`
	seen := j.lastSeen
	if seen == 0 {
		seen = j.at
	}
	err := s.insertRows(ctx, tx, query, cols, len(j.fs), func(i int, args []any) []any {
		f, p := j.fs[i], states[i]
		seen := seen
		if !f.LastSeen.IsZero() {
			seen = ts(f.LastSeen)
		}
		return append(args, f.ID, j.hostID, j.dept, f.Pack, f.Rule, f.Instrument, f.Title, f.URL, f.Effect, f.Item, f.Version, f.Product,
			f.Supplier, f.Country, deadlineTS(f.Deadline), p.firstSeen, seen, p.state, p.changed, string(f.Evidence),
			string(j.kind), f.ItemKey, p.reason, f.Digest)
	})
	if err != nil {
		return fmt.Errorf("write findings: %w", err)
	}
	return nil
}
