package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// dueWindow is how far ahead Overview's DueIn30Days looks.
const dueWindow = 30 * 24 * time.Hour

// Overview is the estate v may see at a glance, in four aggregate
// queries read in one snapshot: the hosts; the findings counted by
// department, instrument and state (finding_counts, kept by ingest);
// the open findings overdue or due soon, which depend on now (a range
// of an index that covers it); and the egress bytes.
func (s *Store) Overview(ctx context.Context, v store.Viewer, now time.Time) (store.Overview, error) {
	var o store.Overview
	cond, args := scope(v, "department")
	n := ts(now)
	err := s.view(ctx, func(tx *sql.Tx) error {
		o = store.Overview{}
		err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*),
			CAST(COALESCE(SUM(CASE WHEN last_scan >= ? THEN 1 ELSE 0 END), 0) AS BIGINT),
			CAST(COALESCE(SUM(CASE WHEN last_scan = 0 THEN 1 ELSE 0 END), 0) AS BIGINT),
			CAST(COALESCE(SUM(unknowns), 0) AS BIGINT)
			FROM hosts WHERE 1 = 1`+cond), append([]any{ts(now.Add(-24 * time.Hour))}, args...)...).
			Scan(&o.Hosts, &o.ScannedLastDay, &o.NeverScanned, &o.Unknowns)
		if err != nil {
			return fmt.Errorf("count hosts: %w", err)
		}
		byInst, byDept := map[string]*store.Count{}, map[string]*store.Count{}
		rows, err := tx.QueryContext(ctx, s.d.q(`SELECT department, instrument, state, n FROM finding_counts WHERE n <> 0`+cond), args...)
		if err != nil {
			return fmt.Errorf("count findings: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var dept, inst, state string
			var count int
			if err := rows.Scan(&dept, &inst, &state, &count); err != nil {
				return err
			}
			switch store.FindingState(state) {
			case store.Open, store.Reopened:
				o.Open += count
				bump(byInst, inst, count, 0)
				bump(byDept, dept, count, 0)
			case store.Waived:
				o.Waived += count
			case store.Remediated:
				o.Remediated += count
			case store.OutOfScope:
				o.OutOfScope += count
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		// From deadline_counts (kept by ingest), not the findings: at a
		// large estate nearly every open finding may be overdue.
		due, err := tx.QueryContext(ctx, s.d.q(`SELECT department, instrument,
			CAST(COALESCE(SUM(CASE WHEN deadline < ? THEN n ELSE 0 END), 0) AS BIGINT),
			CAST(COALESCE(SUM(CASE WHEN deadline >= ? THEN n ELSE 0 END), 0) AS BIGINT)
			FROM deadline_counts WHERE n <> 0 AND deadline < ?`+cond+` GROUP BY department, instrument`),
			append([]any{n, n, ts(now.Add(dueWindow))}, args...)...)
		if err != nil {
			return fmt.Errorf("count deadlines: %w", err)
		}
		defer due.Close()
		for due.Next() {
			var dept, inst string
			var overdue, soon int
			if err := due.Scan(&dept, &inst, &overdue, &soon); err != nil {
				return err
			}
			o.Overdue += overdue
			o.DueIn30Days += soon
			bump(byInst, inst, 0, overdue)
			bump(byDept, dept, 0, overdue)
		}
		if err := due.Err(); err != nil {
			return err
		}
		o.ByInstrument, o.ByDepartment = sorted(byInst), sorted(byDept)
		// Summed as floating point, which cannot overflow, and saturated:
		// each counter is at most store.MaxCounter, their sum need not be.
		var out float64
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COALESCE(SUM(CAST(bytes_out AS DOUBLE PRECISION)), 0) FROM flow_summaries WHERE 1 = 1`+cond), args...).Scan(&out); err != nil {
			return fmt.Errorf("sum egress: %w", err)
		}
		o.EgressBytesOut = saturate(out)
		if err := tx.QueryRowContext(ctx, s.d.q(`SELECT COUNT(*) FROM findings WHERE kind = 'traffic'`+cond+` AND `+standing), args...).Scan(&o.Traffic); err != nil {
			return fmt.Errorf("count traffic findings: %w", err)
		}
		return nil
	})
	if err != nil {
		return store.Overview{}, fmt.Errorf("overview: %w", err)
	}
	return o, nil
}

func bump(m map[string]*store.Count, name string, n, overdue int) {
	c := m[name]
	if c == nil {
		c = &store.Count{Name: name}
		m[name] = c
	}
	c.N += n
	c.Overdue += overdue
}

// sorted is the counts, most first, then by name.
func sorted(m map[string]*store.Count) []store.Count {
	out := make([]store.Count, 0, len(m))
	for _, c := range m {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].N != out[j].N {
			return out[i].N > out[j].N
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// maxTrendDays bounds a trend's length.
const maxTrendDays = 3 * 366

// Trend is the daily totals over the last days up to now's day, from
// the trend table: a department's day without a row carries its last
// totals forward, with nothing remediated.
func (s *Store) Trend(ctx context.Context, v store.Viewer, days int, now time.Time) ([]store.TrendPoint, error) {
	if days <= 0 || days > maxTrendDays {
		return nil, fmt.Errorf("trend: %w: days must be 1-%d", store.ErrInvalid, maxTrendDays)
	}
	last := day(now)
	first := last - int64(days) + 1
	type totals struct{ open, overdue int }
	cur := map[string]totals{}
	type row struct {
		day        int64
		dept       string
		t          totals
		remediated int
	}
	var rs []row
	cond, args := scope(v, "t.department")
	err := s.view(ctx, func(tx *sql.Tx) error {
		clear(cur)
		rs = rs[:0]
		base, err := tx.QueryContext(ctx, s.d.q(`SELECT t.department, t.open_count, t.overdue_count FROM trend t
			WHERE t.day = (SELECT MAX(u.day) FROM trend u WHERE u.department = t.department AND u.day < ?)`+cond), append([]any{first}, args...)...)
		if err != nil {
			return err
		}
		defer base.Close()
		for base.Next() {
			var d string
			var t totals
			if err := base.Scan(&d, &t.open, &t.overdue); err != nil {
				return err
			}
			cur[d] = t
		}
		if err := base.Err(); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, s.d.q(`SELECT t.day, t.department, t.open_count, t.overdue_count, t.remediated_count FROM trend t
			WHERE t.day >= ? AND t.day <= ?`+cond+` ORDER BY t.day`), append([]any{first, last}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.day, &r.dept, &r.t.open, &r.t.overdue, &r.remediated); err != nil {
				return err
			}
			rs = append(rs, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("trend: %w", err)
	}
	out := make([]store.TrendPoint, 0, days)
	for d := first; d <= last; d++ {
		p := store.TrendPoint{Day: time.Unix(d*86400, 0).UTC()}
		for len(rs) > 0 && rs[0].day == d {
			cur[rs[0].dept] = rs[0].t
			p.Remediated += rs[0].remediated
			rs = rs[1:]
		}
		for _, t := range cur {
			p.Open += t.open
			p.Overdue += t.overdue
		}
		out = append(out, p)
	}
	return out, nil
}

// saturate is a non-negative sum as a counter: at most store.MaxCounter.
func saturate(f float64) uint64 {
	switch {
	case f <= 0 || f != f:
		return 0
	case f >= float64(store.MaxCounter):
		return store.MaxCounter
	}
	return uint64(f)
}
