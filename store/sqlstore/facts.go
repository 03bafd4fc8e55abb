package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// deptFindingCols are a finding without its evidence (f) and its host's
// names (h).
const deptFindingCols = `f.id, f.host_id, f.department, f.pack, f.rule, f.instrument, f.title, f.url, f.effect, f.item, f.version,
	f.product, f.supplier, f.country, f.deadline, f.first_seen, f.last_seen, f.state, f.changed, f.kind, f.reason, f.item_key, '', h.host, h.system_name, h.owner`

func scanDeptFinding(row interface{ Scan(...any) error }) (store.DepartmentFinding, error) {
	var d store.DepartmentFinding
	var deadline, first, last, changed int64
	var state, kind, evidence string
	f := &d.Finding
	err := row.Scan(&f.ID, &f.HostID, &f.Department, &f.Pack, &f.Rule, &f.Instrument, &f.Title, &f.URL, &f.Effect, &f.Item,
		&f.Version, &f.Product, &f.Supplier, &f.Country, &deadline, &first, &last, &state, &changed, &kind, &f.Reason, &f.ItemKey, &evidence,
		&d.Host, &d.SystemName, &d.Owner)
	f.Deadline, f.FirstSeen, f.LastSeen, f.Changed = deadlineTM(deadline), tm(first), tm(last), tm(changed)
	f.State, f.Kind = store.FindingState(state), store.Kind(kind)
	return d, err
}

// DepartmentFacts reads a department's standing in one snapshot. Every
// query is a range of an index whose first column is the department
// (migration 002), counted or read to its first limit rows: the
// findings' counts by state come from finding_counts, which ingest
// keeps; those that depend on now (overdue, due soon) or on since
// (changes) count the range of an index that holds just them.
func (s *Store) DepartmentFacts(ctx context.Context, v store.Viewer, dept string, since, now time.Time, limit int) (store.DepartmentFacts, error) {
	what := fmt.Sprintf("facts of department %q", dept)
	if limit < 0 || limit > store.MaxFactsLimit {
		return store.DepartmentFacts{}, fmt.Errorf("%s: %w: limit %d is not 0-%d", what, store.ErrInvalid, limit, store.MaxFactsLimit)
	}
	if v.Role == store.Officer && v.Department != dept {
		return store.DepartmentFacts{}, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	cond, scoped := scope(v, "department")
	// args are the department and v's scope, first in every query.
	args := func(more ...any) []any { return append(append([]any{dept}, scoped...), more...) }
	wcond, _ := scope(v, "w.department")
	fcond, _ := scope(v, "f.department")
	n := ts(now)
	var x store.DepartmentFacts
	err := s.view(ctx, func(tx *sql.Tx) error {
		x = store.DepartmentFacts{}
		var err error
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN last_scan < ? THEN 1 ELSE 0 END), 0) AS BIGINT)
			FROM hosts WHERE department = ?`+cond), append([]any{ts(now.Add(-store.FactsWindow))}, args()...)...).Scan(&x.Hosts, &x.Stale); err != nil {
			return fmt.Errorf("count hosts: %w", err)
		}
		if x.Hosts == 0 && v.Role != store.Officer {
			return store.ErrNotFound
		}
		if x.StaleHosts, err = rowsOf(ctx, s, tx, `SELECT `+hostCols+` FROM hosts WHERE department = ?`+cond+
			` AND last_scan < ? ORDER BY last_scan, host, id LIMIT ?`, args(ts(now.Add(-store.FactsWindow)), limit), scanHost); err != nil {
			return fmt.Errorf("list stale hosts: %w", err)
		}
		for i := range x.StaleHosts {
			hideClash(v, &x.StaleHosts[i])
		}
		if err := s.countFindings(ctx, tx, &x, cond, args, n, ts(now.Add(store.FactsWindow))); err != nil {
			return err
		}
		if x.Findings, err = rowsOf(ctx, s, tx, `SELECT `+deptFindingCols+` FROM findings f JOIN hosts h ON h.id = f.host_id
			WHERE f.department = ?`+fcond+` AND f.`+standing+` ORDER BY f.deadline, f.id LIMIT ?`, args(limit), scanDeptFinding); err != nil {
			return fmt.Errorf("list open findings: %w", err)
		}
		if !since.IsZero() {
			if err := s.changesSince(ctx, tx, &x.Since, fcond, args, ts(since), limit); err != nil {
				return err
			}
		}
		soon := ts(now.Add(store.FactsWindow))
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM waivers WHERE department = ?`+cond+
			` AND state = 'approved' AND expiry > ? AND expiry <= ?`), args(n, soon)...).Scan(&x.Expiring); err != nil {
			return fmt.Errorf("count expiring waivers: %w", err)
		}
		if x.ExpiringWaivers, err = rowsOf(ctx, s, tx, `SELECT w.id, w.finding_id, w.host_id, w.department, w.reason, w.expiry, w.requested_by,
			w.requested, w.state, w.decided_by, w.decided, w.note, h.host FROM waivers w JOIN hosts h ON h.id = w.host_id
			WHERE w.department = ?`+wcond+` AND w.state = 'approved' AND w.expiry > ? AND w.expiry <= ? ORDER BY w.expiry, w.id LIMIT ?`,
			args(n, soon, limit), func(row interface{ Scan(...any) error }) (store.DepartmentWaiver, error) {
				var w store.DepartmentWaiver
				var expiry, requested, decided int64
				var state string
				err := row.Scan(&w.ID, &w.FindingID, &w.HostID, &w.Department, &w.Reason, &expiry, &w.RequestedBy, &requested, &state,
					&w.DecidedBy, &decided, &w.Note, &w.Host)
				w.Expiry, w.Requested, w.Decided, w.State = tm(expiry), tm(requested), tm(decided), store.WaiverState(state)
				return w, err
			}); err != nil {
			return fmt.Errorf("list expiring waivers: %w", err)
		}
		return nil
	})
	if err != nil {
		return store.DepartmentFacts{}, fmt.Errorf("%s: %w", what, err)
	}
	return x, nil
}

// countFindings fills the counts of findings: by state from
// finding_counts, and those with a deadline, overdue at now and due
// before soon from deadline_counts.
func (s *Store) countFindings(ctx context.Context, tx *sql.Tx, x *store.DepartmentFacts, cond string, args func(...any) []any, now, soon int64) error {
	byInst := map[string]*store.Count{}
	rows, err := tx.QueryContext(ctx, s.d.q(`SELECT instrument, state, n FROM finding_counts WHERE department = ?`+cond+` AND n <> 0`), args()...)
	if err != nil {
		return fmt.Errorf("count findings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var inst, state string
		var n int
		if err := rows.Scan(&inst, &state, &n); err != nil {
			return fmt.Errorf("count findings: %w", err)
		}
		switch store.FindingState(state) {
		case store.Open, store.Reopened:
			x.Open += n
			bump(byInst, inst, n, 0)
		case store.Waived:
			x.Waived += n
		case store.Remediated:
			x.Remediated += n
		case store.OutOfScope:
			x.OutOfScope += n
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("count findings: %w", err)
	}
	// The open findings with a deadline, overdue at now and due before
	// soon, from deadline_counts (kept with finding_counts by every
	// write of findings): a few rows a department, where the findings
	// themselves may be the department's hundreds of thousands.
	drows, err := tx.QueryContext(ctx, s.d.q(`SELECT instrument,
		CAST(COALESCE(SUM(n), 0) AS BIGINT),
		CAST(COALESCE(SUM(CASE WHEN deadline < ? THEN n ELSE 0 END), 0) AS BIGINT),
		CAST(COALESCE(SUM(CASE WHEN deadline >= ? AND deadline < ? THEN n ELSE 0 END), 0) AS BIGINT)
		FROM deadline_counts WHERE department = ?`+cond+` AND n <> 0 GROUP BY instrument`), append([]any{now, now, soon}, args()...)...)
	if err != nil {
		return fmt.Errorf("count findings by deadline: %w", err)
	}
	defer drows.Close()
	for drows.Next() {
		var inst string
		var all, overdue, soonN int
		if err := drows.Scan(&inst, &all, &overdue, &soonN); err != nil {
			return fmt.Errorf("count findings by deadline: %w", err)
		}
		x.Deadlines += all
		x.Overdue += overdue
		x.DueSoon += soonN
		if c := byInst[inst]; c != nil {
			c.Overdue = overdue
		}
	}
	if err := drows.Err(); err != nil {
		return fmt.Errorf("count findings by deadline: %w", err)
	}
	x.ByInstrument = sorted(byInst)
	return nil
}

// changesSince counts and lists the findings new, remediated and
// reopened after since. A finding first seen after since is only new:
// whatever else befell it since, the last report never showed it.
func (s *Store) changesSince(ctx context.Context, tx *sql.Tx, c *store.FindingChanges, fcond string, args func(...any) []any, since int64, limit int) error {
	for _, q := range []struct {
		what  string
		where string // on findings f, after the department
		order string
		n     *int
		list  *[]store.DepartmentFinding
		args  []any
	}{
		{"new", ` AND f.` + standing + ` AND f.first_seen > ?`, `first_seen`, &c.New, &c.NewFindings, args(since)},
		{"remediated", ` AND f.state = 'remediated' AND f.changed > ? AND f.first_seen <= ?`, `changed`, &c.Remediated, &c.RemediatedFindings, args(since, since)},
		{"reopened", ` AND f.state = 'reopened' AND f.changed > ? AND f.first_seen <= ?`, `changed`, &c.Reopened, &c.ReopenedFindings, args(since, since)},
	} {
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM findings f WHERE f.department = ?`+fcond+q.where), q.args...).Scan(q.n); err != nil {
			return fmt.Errorf("count %s findings: %w", q.what, err)
		}
		if *q.n == 0 || limit == 0 {
			continue
		}
		l, err := rowsOf(ctx, s, tx, `SELECT `+deptFindingCols+` FROM findings f JOIN hosts h ON h.id = f.host_id
			WHERE f.department = ?`+fcond+q.where+` ORDER BY f.`+q.order+`, f.id LIMIT ?`, append(q.args, limit), scanDeptFinding)
		if err != nil {
			return fmt.Errorf("list %s findings: %w", q.what, err)
		}
		*q.list = l
	}
	return nil
}

// rowsOf runs a query in tx and scans each row with scan.
func rowsOf[T any](ctx context.Context, s *Store, tx *sql.Tx, query string, args []any, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	rows, err := tx.QueryContext(ctx, s.d.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// productKey groups a department's findings for its report: by
// instrument, product (the item's name when it has none), effect and
// kind.
const productKey = `f.instrument, COALESCE(NULLIF(f.product, ''), f.item), f.effect, f.kind`

// DepartmentProducts reads the department's open and waived findings
// grouped by productKey, with their hosts, systems and owners counted, in
// one pass: every group is read and counted, the first limit kept.
func (s *Store) DepartmentProducts(ctx context.Context, v store.Viewer, dept string, limit int) ([]store.ProductRow, int, error) {
	what := fmt.Sprintf("products of department %q", dept)
	if limit < 1 || limit > store.MaxFactsLimit {
		return nil, 0, fmt.Errorf("%s: %w: limit %d is not 1-%d", what, store.ErrInvalid, limit, store.MaxFactsLimit)
	}
	if v.Role == store.Officer && v.Department != dept {
		return nil, 0, fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	fcond, args := scope(v, "f.department")
	var out []store.ProductRow
	total := 0
	err := s.view(ctx, func(tx *sql.Tx) error {
		out, total = nil, 0
		rows, err := tx.QueryContext(ctx, s.d.q(`SELECT f.instrument, MIN(f.title), MIN(f.url), f.kind, COALESCE(NULLIF(f.product, ''), f.item), MIN(f.item),
			MIN(f.supplier), f.effect, MIN(f.deadline), COUNT(DISTINCT f.host_id),
			CAST(SUM(CASE WHEN f.state IN ('open', 'reopened') THEN 1 ELSE 0 END) AS BIGINT),
			CAST(SUM(CASE WHEN f.state = 'waived' THEN 1 ELSE 0 END) AS BIGINT),
			MIN(h.system_name), COUNT(DISTINCT h.system_name), MIN(h.owner), COUNT(DISTINCT h.owner)
			FROM findings f JOIN hosts h ON h.id = f.host_id WHERE f.department = ?`+fcond+` AND f.state IN ('open', 'reopened', 'waived')
			GROUP BY `+productKey+` ORDER BY f.instrument, MIN(f.deadline), COALESCE(NULLIF(f.product, ''), f.item), f.effect`),
			append([]any{dept}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			total++
			if len(out) == limit {
				continue
			}
			var p store.ProductRow
			var kind string
			var deadline int64
			if err := rows.Scan(&p.Instrument, &p.Title, &p.URL, &kind, &p.Product, &p.Item, &p.Supplier, &p.Effect, &deadline, &p.Hosts,
				&p.Open, &p.Waived, &p.System, &p.Systems, &p.Owner, &p.Owners); err != nil {
				return err
			}
			p.Kind, p.Deadline = store.Kind(kind), deadlineTM(deadline)
			out = append(out, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("%s: %w", what, err)
	}
	return out, total, nil
}
