package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"
)

// tally moves a department's running totals by the changes one
// transaction made and writes the day's trend row from them: the open
// and overdue totals as this change leaves them, and the findings
// remediated that day added up. Trend and the report's "what changed"
// then read a few rows instead of the findings.
//
// An upload spooled for days lands on the day it was received by the
// agent's scan (at), carrying today's totals; the trend is a record of
// what the store knew, not a reconstruction of the past.
func (s *Store) tally(ctx context.Context, tx *sql.Tx, department string, at time.Time, dOpen, dWaived, dOverdue, remediated int) error {
	if dOpen == 0 && dWaived == 0 && dOverdue == 0 && remediated == 0 {
		return nil
	}
	var open, overdue int64
	err := tx.QueryRowContext(ctx, s.d.q(`INSERT INTO department_counts (department, open_count, waived_count, overdue_count) VALUES (?, ?, ?, ?)
		ON CONFLICT (department) DO UPDATE SET
			open_count = department_counts.open_count + excluded.open_count,
			waived_count = department_counts.waived_count + excluded.waived_count,
			overdue_count = department_counts.overdue_count + excluded.overdue_count
		RETURNING open_count, overdue_count`), department, dOpen, dWaived, dOverdue).Scan(&open, &overdue)
	if err != nil {
		return fmt.Errorf("count findings of %q: %w", department, err)
	}
	_, err = tx.ExecContext(ctx, s.d.q(`INSERT INTO trend (day, department, open_count, overdue_count, remediated_count) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (day, department) DO UPDATE SET
			open_count = excluded.open_count,
			overdue_count = excluded.overdue_count,
			remediated_count = trend.remediated_count + excluded.remediated_count`),
		day(at), department, open, overdue, remediated)
	if err != nil {
		return fmt.Errorf("write trend of %q: %w", department, err)
	}
	return nil
}

// countKey names one row of finding_counts.
type countKey struct{ department, instrument, state string }

// deadlineKey names one row of deadline_counts.
type deadlineKey struct {
	department, instrument string
	deadline               int64
}

// countDelta is how a transaction moves finding_counts and
// deadline_counts.
type countDelta struct {
	states    map[countKey]int
	deadlines map[deadlineKey]int
}

func newCountDelta() *countDelta {
	return &countDelta{states: map[countKey]int{}, deadlines: map[deadlineKey]int{}}
}

// findingCount is what counts of one finding: its instrument, state and
// deadline (noDeadline when none).
type findingCount struct {
	instrument, state string
	deadline          int64
}

// isStanding reports whether a finding in state s is counted open.
func isStanding(s string) bool { return s == "open" || s == "reopened" }

// move counts a finding that went from one standing to another; from's
// state is empty for a new finding.
func (d *countDelta) move(department string, from, to findingCount) {
	if from.state != "" {
		d.states[countKey{department, from.instrument, from.state}]--
		if isStanding(from.state) && from.deadline != noDeadline {
			d.deadlines[deadlineKey{department, from.instrument, from.deadline}]--
		}
	}
	d.states[countKey{department, to.instrument, to.state}]++
	if isStanding(to.state) && to.deadline != noDeadline {
		d.deadlines[deadlineKey{department, to.instrument, to.deadline}]++
	}
}

// apply writes the delta, in key order: two transactions moving the
// same rows then lock them in the same order and cannot deadlock.
func (d *countDelta) apply(ctx context.Context, s *Store, tx *sql.Tx) error {
	for _, k := range changed(d.states, func(a, b countKey) int {
		return cmp.Or(cmp.Compare(a.department, b.department), cmp.Compare(a.instrument, b.instrument), cmp.Compare(a.state, b.state))
	}) {
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO finding_counts (department, instrument, state, n) VALUES (?, ?, ?, ?)
			ON CONFLICT (department, instrument, state) DO UPDATE SET n = finding_counts.n + excluded.n`),
			k.department, k.instrument, k.state, d.states[k]); err != nil {
			return fmt.Errorf("count findings: %w", err)
		}
	}
	for _, k := range changed(d.deadlines, func(a, b deadlineKey) int {
		return cmp.Or(cmp.Compare(a.department, b.department), cmp.Compare(a.instrument, b.instrument), cmp.Compare(a.deadline, b.deadline))
	}) {
		if _, err := tx.ExecContext(ctx, s.d.q(`INSERT INTO deadline_counts (department, instrument, deadline, n) VALUES (?, ?, ?, ?)
			ON CONFLICT (department, instrument, deadline) DO UPDATE SET n = deadline_counts.n + excluded.n`),
			k.department, k.instrument, k.deadline, d.deadlines[k]); err != nil {
			return fmt.Errorf("count deadlines: %w", err)
		}
	}
	return nil
}

// changed lists the keys of m that move a count, in the order compare
// gives.
func changed[K comparable](m map[K]int, compare func(a, b K) int) []K {
	keys := make([]K, 0, len(m))
	for k, n := range m {
		if n != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, compare)
	return keys
}

// hostCounts are a host's findings counted as the hosts table keeps them.
type hostCounts struct{ open, waived, overdue int }

func (c *hostCounts) add(state string, deadline, at int64) {
	switch state {
	case "open", "reopened":
		c.open++
		if deadline < at {
			c.overdue++
		}
	case "waived":
		c.waived++
	}
}
