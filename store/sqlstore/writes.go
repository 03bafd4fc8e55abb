package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/embargo-dev/embargo/store"
)

// writes are the rows one or more judgements write: findings upserted,
// findings whose state ends, and the changes a re-judging records.
type writes struct {
	rows     []findingRow
	restates []restate
	ends     map[ending][]string
	changes  []changeRow
}

// restate is a finding re-judging finds saying what it said, in another
// state (reopened, waived or open again): only its state and when it was
// last seen are written.
type restate struct {
	id, state, reason string
	changed, seen     int64
}

// findingRow is one finding to upsert, in state p.
type findingRow struct {
	f                  store.Finding
	p                  prior
	hostID, dept, kind string
	seen               int64
}

// ending is a state findings not judged now move to, with its time and
// reason.
type ending struct {
	state, reason string
	at            int64
}

// changeRow is a change recorded under a re-judging's version.
type changeRow struct {
	change
	version            int64
	hostID, dept, kind string
	at                 int64
}

// plan works out j's transitions from had, the host's findings of the
// kind (it deletes those judged now), and waived, the findings whose
// waiver is in force, and adds the rows to write to w. It moves counts;
// standing, when set, is called with each judged or absent finding's
// state and deadline after it.
func (w *writes) plan(j judged, had map[string]prior, waived map[string]bool, counts *countDelta, standing func(state string, deadline int64)) transitions {
	fs := j.fs
	t := transitions{Findings: len(fs)}
	seen := j.lastSeen
	if seen == 0 {
		seen = j.at
	}
	record := func(c change) {
		if j.version != 0 {
			w.changes = append(w.changes, changeRow{change: c, version: j.version, hostID: j.hostID, dept: j.dept, kind: string(j.kind), at: j.at})
		}
	}
	for _, f := range fs {
		p, ok := had[f.ID]
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
		deadline := deadlineTS(f.Deadline)
		if standing != nil {
			standing(next.state, deadline)
		}
		if !ok || next.state != p.state || f.Instrument != p.instrument || deadline != p.deadline {
			record(change{id: f.ID, instrument: f.Instrument, item: f.Item, product: f.Product, was: p.state, became: next.state})
		}
		if next.state != p.state || f.Instrument != p.instrument || (ok && deadline != p.deadline) {
			counts.move(j.dept, findingCount{p.instrument, p.state, p.deadline}, findingCount{f.Instrument, next.state, deadline})
		}
		rs := seen
		if !f.LastSeen.IsZero() {
			rs = ts(f.LastSeen)
		}
		// Re-judging: a finding that says what it said is left as stored
		// in the state it was in, and only restated in another.
		if j.version != 0 && ok && p.digest != "" && p.digest == f.Digest {
			if p.state != next.state {
				w.restates = append(w.restates, restate{id: f.ID, state: next.state, reason: next.reason, changed: next.changed, seen: rs})
			}
			continue
		}
		w.rows = append(w.rows, findingRow{f: f, p: next, hostID: j.hostID, dept: j.dept, kind: string(j.kind), seen: rs})
	}
	for _, id := range slices.Sorted(maps.Keys(had)) {
		p := had[id]
		next, reason := store.FindingState(""), ""
		if j.absent != nil {
			next, reason = j.absent(p)
		}
		if next == "" || string(next) == p.state || p.state == string(store.Remediated) || p.state == string(store.OutOfScope) {
			if standing != nil {
				standing(p.state, p.deadline)
			}
			continue
		}
		if standing != nil {
			standing(string(next), p.deadline)
		}
		if w.ends == nil {
			w.ends = map[ending][]string{}
		}
		e := ending{state: string(next), reason: reason, at: j.at}
		w.ends[e] = append(w.ends[e], id)
		counts.move(j.dept, findingCount{p.instrument, p.state, p.deadline}, findingCount{p.instrument, string(next), p.deadline})
		record(change{id: id, instrument: p.instrument, item: p.item, product: p.product, was: p.state, became: string(next)})
		switch next {
		case store.Remediated:
			t.Remediated++
		case store.OutOfScope:
			t.OutOfScope++
		}
	}
	return t
}

// write writes w's rows in tx, a statement for many rows.
func (w *writes) write(ctx context.Context, s *Store, tx *sql.Tx) error {
	if err := s.upsertFindings(ctx, tx, w.rows); err != nil {
		return err
	}
	for _, e := range slices.SortedFunc(maps.Keys(w.ends), func(a, b ending) int {
		return cmp.Or(cmp.Compare(a.state, b.state), cmp.Compare(a.reason, b.reason), cmp.Compare(a.at, b.at))
	}) {
		ids := w.ends[e]
		slices.Sort(ids)
		for at := 0; at < len(ids); at += inChunk {
			part := ids[at:min(len(ids), at+inChunk)]
			args := make([]any, 0, len(part)+3)
			args = append(args, e.state, e.at, e.reason)
			for _, id := range part {
				args = append(args, id)
			}
			if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE findings SET state = ?, changed = ?, reason = ? WHERE id IN `+inList(len(part))), args...); err != nil {
				return fmt.Errorf("end findings: %w", err)
			}
		}
	}
	if err := s.restateFindings(ctx, tx, w.restates); err != nil {
		return err
	}
	return s.recordChanges(ctx, tx, w.changes)
}

// restateFindings writes the state of findings that say what they said,
// a statement for many.
func (s *Store) restateFindings(ctx context.Context, tx *sql.Tx, rs []restate) error {
	err := s.updateFrom(ctx, tx, "findings", `state = v.column2, reason = v.column3, changed = v.column4, last_seen = v.column5`,
		"(?, ?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT))", 5, len(rs), func(i int, args []any) []any {
			r := rs[i]
			return append(args, r.id, r.state, r.reason, r.changed, r.seen)
		})
	if err != nil {
		return fmt.Errorf("restate findings: %w", err)
	}
	return nil
}

// updateFrom updates n rows of table, a statement for many: each row's
// cols values (one is its placeholders, with the casts PostgreSQL needs
// to type them; the first is the row's id) in a VALUES list whose
// columns set names as v.column1, v.column2, ...
func (s *Store) updateFrom(ctx context.Context, tx *sql.Tx, table, set, one string, cols, n int, row func(i int, args []any) []any) error {
	per := maxParams / cols
	for start := 0; start < n; start += per {
		end := min(n, start+per)
		args := make([]any, 0, (end-start)*cols)
		for i := start; i < end; i++ {
			args = row(i, args)
		}
		values := strings.TrimSuffix(strings.Repeat(one+", ", end-start), ", ")
		if _, err := tx.ExecContext(ctx, s.d.q(`UPDATE `+table+` SET `+set+` FROM (VALUES `+values+`) AS v WHERE `+table+`.id = v.column1`), args...); err != nil {
			return err
		}
	}
	return nil
}

// recordChanges keeps what a re-judging changed under its version (one
// row a finding: a host re-judged twice by a version, after an upload
// raced it, keeps the last).
func (s *Store) recordChanges(ctx context.Context, tx *sql.Tx, ch []changeRow) error {
	if len(ch) == 0 {
		return nil
	}
	query := `INSERT INTO finding_changes (version, finding_id, host_id, department, kind, instrument, item, product, was, became, at)
		VALUES %s ON CONFLICT (version, finding_id) DO UPDATE SET instrument = excluded.instrument, item = excluded.item,
		product = excluded.product, became = excluded.became, at = excluded.at`
	err := s.insertRows(ctx, tx, query, 11, len(ch), func(i int, args []any) []any {
		c := ch[i]
		return append(args, c.version, c.id, c.hostID, c.dept, c.kind, c.instrument, truncate(c.item, 512), truncate(c.product, 512),
			c.was, c.became, c.at)
	})
	if err != nil {
		return fmt.Errorf("record changes: %w", err)
	}
	return nil
}

// upsertFindings writes rows; a row without evidence keeps the evidence
// stored (re-judging makes evidence only for what says something new).
func (s *Store) upsertFindings(ctx context.Context, tx *sql.Tx, rows []findingRow) error {
	const cols = 24
	query := `INSERT INTO findings (id, host_id, department, pack, rule, instrument, title, url, effect, item, version, product,
		supplier, country, deadline, first_seen, last_seen, state, changed, evidence, kind, item_key, reason, digest) VALUES %s
		ON CONFLICT (id) DO UPDATE SET
			department = excluded.department, pack = excluded.pack, rule = excluded.rule, instrument = excluded.instrument,
			title = excluded.title, url = excluded.url, effect = excluded.effect, item = excluded.item, version = excluded.version,
			product = excluded.product, supplier = excluded.supplier, country = excluded.country, deadline = excluded.deadline,
			last_seen = excluded.last_seen, state = excluded.state, changed = excluded.changed,
			evidence = CASE WHEN excluded.evidence = '' THEN findings.evidence ELSE excluded.evidence END,
			item_key = excluded.item_key, reason = excluded.reason, digest = excluded.digest
		WHERE findings.host_id = excluded.host_id AND findings.kind = excluded.kind`
	err := s.insertRows(ctx, tx, query, cols, len(rows), func(i int, args []any) []any {
		r := rows[i]
		f, p := r.f, r.p
		return append(args, f.ID, r.hostID, r.dept, f.Pack, f.Rule, f.Instrument, f.Title, f.URL, f.Effect, f.Item, f.Version, f.Product,
			f.Supplier, f.Country, deadlineTS(f.Deadline), p.firstSeen, r.seen, p.state, p.changed, string(f.Evidence),
			r.kind, f.ItemKey, p.reason, f.Digest)
	})
	if err != nil {
		return fmt.Errorf("write findings: %w", err)
	}
	return nil
}
