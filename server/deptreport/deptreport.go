// Package deptreport is the department report: the one printed page a
// head of department reads in a minute — where the department stands,
// the deadlines ahead and overdue with their owners, the hosts that went
// unscanned, the waivers about to lapse, and what changed since the last
// report that was sent.
//
// The report is built from store.DepartmentFacts: counts over the whole
// department and the first rows of each list, so that it costs the same
// few indexed queries for a department of ten hosts or of ten thousand.
// Each report marked as sent is saved in the store with a small snapshot
// of its counts; the next report tells the changes since from the
// findings' own timestamps and the deltas from those counts. Building a
// report never saves one: viewing must not move "since the last report".
package deptreport

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// Horizons of the report: the store's (a host not scanned within 30
// days is stale; a deadline or an expiry within 30 days is soon).
const (
	// StaleAfter is how long a host may go unscanned before the report
	// names it.
	StaleAfter = store.FactsWindow
	// DueWithin is how far ahead "due soon" and "expiring soon" look.
	DueWithin = store.FactsWindow
)

// Listed is how many rows of each list a report holds (the JSON
// report); the printed page shows fewer, and every list says how many
// there are in all.
const Listed = 50

// Report is one department's standing at one time.
type Report struct {
	Department string    `json:"department"`
	Generated  time.Time `json:"generated"`
	// Status is the line at the top: "Compliant: ...", "Not compliant:
	// ..." or "Unconfirmed: ..." when hosts went unscanned (unknown is
	// never compliant).
	Status    string `json:"status"`
	Compliant bool   `json:"compliant"`

	Hosts      int `json:"hosts"`
	Open       int `json:"open"`
	Overdue    int `json:"overdue"`
	DueSoon    int `json:"due_in_30_days"`
	Waived     int `json:"waived"`
	Remediated int `json:"remediated"`
	OutOfScope int `json:"out_of_scope"`

	// Sections are the open and waived findings by instrument, one row
	// per product (or traffic destination): the first Listed rows of
	// SectionRows.
	Sections    []Section `json:"sections"`
	SectionRows int       `json:"section_rows"`
	// Deadlines are the first Listed open findings with a deadline,
	// overdue and soonest first, of DeadlineCount.
	Deadlines     []Deadline `json:"deadlines"`
	DeadlineCount int        `json:"deadline_count"`
	// Stale are the first Listed hosts not scanned in StaleAfter, never
	// and longest unscanned first, of StaleCount.
	Stale        []StaleHost   `json:"hosts_not_scanned_in_30_days"`
	StaleCount   int           `json:"hosts_not_scanned_in_30_days_count"`
	ByInstrument []store.Count `json:"by_instrument"`
	// Expiring are the first Listed approved waivers lapsing within
	// DueWithin, soonest first, of ExpiringCount.
	Expiring      []Expiring `json:"waivers_expiring_soon"`
	ExpiringCount int        `json:"waivers_expiring_soon_count"`
	// Since is what changed since the last saved report; nil when none
	// was saved.
	Since *Changes `json:"since_last_report,omitempty"`
}

// Deadline is one open finding and who must act on it.
type Deadline struct {
	FindingID  string    `json:"finding_id"`
	Host       string    `json:"host"`
	System     string    `json:"system"`
	Owner      string    `json:"owner"`
	Instrument string    `json:"instrument"`
	Item       string    `json:"item"`
	Supplier   string    `json:"supplier"`
	Deadline   time.Time `json:"deadline"`
	DaysLeft   int       `json:"days_left"` // negative when overdue
	Overdue    bool      `json:"overdue"`
}

// StaleHost is a host not scanned in StaleAfter (LastScan zero: never).
type StaleHost struct {
	Host     string    `json:"host"`
	Owner    string    `json:"owner"`
	LastScan time.Time `json:"last_scan"`
}

// Expiring is an approved waiver that lapses within DueWithin.
type Expiring struct {
	WaiverID  int64     `json:"waiver_id"`
	FindingID string    `json:"finding_id"`
	Host      string    `json:"host"`
	Expiry    time.Time `json:"expiry"`
	Reason    string    `json:"reason"`
}

// Build puts together the report of department dept as v sees it at now,
// naming the catalogue's ids by names (nil: ids). A department v may not
// see is ErrNotFound.
func Build(ctx context.Context, st store.Store, v store.Viewer, dept string, now time.Time, names Names) (Report, error) {
	var prev *Snapshot
	at, snap, err := st.LastReport(ctx, v, dept)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return Report{}, fmt.Errorf("reading the last report of %q: %w", dept, err)
	default:
		s, err := DecodeSnapshot(snap)
		if err != nil {
			return Report{}, fmt.Errorf("the last report of %q, saved %s: %w", dept, at.Format(time.DateOnly), err)
		}
		prev = &s
	}
	var since time.Time
	if prev != nil {
		since = at
	}
	x, err := st.DepartmentFacts(ctx, v, dept, since, now, Listed)
	if err != nil {
		return Report{}, fmt.Errorf("reading the standing of %q: %w", dept, err)
	}
	products, productRows, err := st.DepartmentProducts(ctx, v, dept, Listed)
	if err != nil {
		return Report{}, fmt.Errorf("reading the products of %q: %w", dept, err)
	}
	r := Report{Department: dept, Generated: now.UTC(), Hosts: x.Hosts, Open: x.Open, Overdue: x.Overdue, DueSoon: x.DueSoon,
		Waived: x.Waived, Remediated: x.Remediated, OutOfScope: x.OutOfScope, DeadlineCount: x.Deadlines, StaleCount: x.Stale,
		Sections: sections(products, x.ByInstrument, names, now), SectionRows: productRows,
		ByInstrument: x.ByInstrument, ExpiringCount: x.Expiring,
		Deadlines: []Deadline{}, Stale: []StaleHost{}, Expiring: []Expiring{}}
	for _, f := range x.Findings {
		if f.Deadline.IsZero() {
			break // those without a deadline come last
		}
		r.Deadlines = append(r.Deadlines, Deadline{FindingID: f.ID, Host: f.Host, System: f.SystemName, Owner: f.Owner,
			Instrument: f.Instrument, Item: f.Item, Supplier: f.Supplier, Deadline: f.Deadline,
			DaysLeft: daysLeft(f.Deadline, now), Overdue: f.Deadline.Before(now)})
	}
	for _, h := range x.StaleHosts {
		r.Stale = append(r.Stale, StaleHost{Host: h.Host, Owner: h.Owner, LastScan: h.LastScan})
	}
	for _, w := range x.ExpiringWaivers {
		r.Expiring = append(r.Expiring, Expiring{WaiverID: w.ID, FindingID: w.FindingID, Host: w.Host, Expiry: w.Expiry, Reason: w.Reason})
	}
	if prev != nil {
		r.Since = &Changes{Last: at, New: changeList(x.Since.NewFindings), Remediated: changeList(x.Since.RemediatedFindings),
			Reopened: changeList(x.Since.ReopenedFindings), NewCount: x.Since.New, RemediatedCount: x.Since.Remediated,
			ReopenedCount: x.Since.Reopened, OpenDelta: r.Open - prev.Open, OverdueDelta: r.Overdue - prev.Overdue,
			WaivedDelta: r.Waived - prev.Waived}
	}
	r.Status, r.Compliant = status(r)
	// Empty lists are [] in the JSON report, not null.
	r.ByInstrument = nonNil(r.ByInstrument)
	return r, nil
}

func changeList(fs []store.DepartmentFinding) []Change {
	out := make([]Change, 0, len(fs))
	for _, f := range fs {
		out = append(out, Change{FindingID: f.ID, Host: f.Host, Instrument: f.Instrument, Item: f.Item})
	}
	return out
}

// daysLeft is whole days from the start of now's day (UTC) to deadline.
func daysLeft(deadline, now time.Time) int {
	y, m, d := now.UTC().Date()
	return int(deadline.Sub(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)).Hours() / 24)
}

func status(r Report) (string, bool) {
	switch {
	case r.Open > 0:
		s := fmt.Sprintf("Not compliant: %d open %s, %d overdue", r.Open, plural(r.Open, "finding"), r.Overdue)
		if r.StaleCount > 0 {
			s += fmt.Sprintf("; %d %s not scanned in 30 days", r.StaleCount, plural(r.StaleCount, "host"))
		}
		return s, false
	case r.Hosts == 0:
		return "Unconfirmed: no host of the department has been scanned", false
	case r.StaleCount > 0:
		return fmt.Sprintf("Unconfirmed: no open findings, but %d %s not scanned in 30 days", r.StaleCount, plural(r.StaleCount, "host")), false
	}
	return fmt.Sprintf("Compliant: no open findings on %d %s scanned in the last 30 days", r.Hosts, plural(r.Hosts, "host")), true
}

func plural(n int, w string) string {
	if n == 1 {
		return w
	}
	return w + "s"
}

func nonNil[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}
