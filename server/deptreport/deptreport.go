// Package deptreport is the department report: the one printed page a
// head of department reads in a minute — where the department stands,
// the deadlines ahead and overdue with their owners, the hosts that went
// unscanned, the waivers about to lapse, and what changed since the last
// report that was sent.
//
// Each report marked as sent is saved in the store with a snapshot of the
// findings' states, so the next report can say what is new, remediated
// or reopened since. Building a report never saves one: viewing must not
// move "since the last report".
package deptreport

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/embargo-dev/embargo/store"
)

// Horizons of the report.
const (
	// StaleAfter is how long a host may go unscanned before the report
	// names it.
	StaleAfter = 30 * 24 * time.Hour
	// DueWithin is how far ahead "due soon" and "expiring soon" look.
	DueWithin = 30 * 24 * time.Hour
)

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

	// Deadlines are the open findings with a deadline, overdue and
	// soonest first.
	Deadlines    []Deadline    `json:"deadlines"`
	Stale        []StaleHost   `json:"hosts_not_scanned_in_30_days"`
	ByInstrument []store.Count `json:"by_instrument"`
	Expiring     []Expiring    `json:"waivers_expiring_soon"`
	// Since is what changed since the last saved report; nil when none
	// was saved.
	Since *Changes `json:"since_last_report,omitempty"`

	findings []store.Finding // for the snapshot
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

// Build puts together the report of department dept as v sees it at now.
// A department v may not see is ErrNotFound.
func Build(ctx context.Context, st store.Store, v store.Viewer, dept string, now time.Time) (Report, error) {
	if err := visible(ctx, st, v, dept); err != nil {
		return Report{}, err
	}
	r := Report{Department: dept, Generated: now.UTC()}
	hosts, err := st.Hosts(ctx, v, store.HostFilter{Department: dept})
	if err != nil {
		return Report{}, fmt.Errorf("listing the hosts of %q: %w", dept, err)
	}
	byID := map[string]store.Host{}
	for _, h := range hosts {
		byID[h.ID] = h
		if h.LastScan.IsZero() || now.Sub(h.LastScan) > StaleAfter {
			r.Stale = append(r.Stale, StaleHost{Host: h.Host, Owner: h.Owner, LastScan: h.LastScan})
		}
	}
	r.Hosts = len(hosts)
	sort.Slice(r.Stale, func(i, j int) bool { return r.Stale[i].LastScan.Before(r.Stale[j].LastScan) })
	if r.findings, err = st.Findings(ctx, v, store.FindingFilter{Department: dept}); err != nil {
		return Report{}, fmt.Errorf("listing the findings of %q: %w", dept, err)
	}
	r.count(byID, now)
	ws, err := st.Waivers(ctx, v, store.Approved)
	if err != nil {
		return Report{}, fmt.Errorf("listing the waivers of %q: %w", dept, err)
	}
	for _, w := range ws {
		if w.Department == dept && w.Expiry.After(now) && w.Expiry.Sub(now) <= DueWithin {
			r.Expiring = append(r.Expiring, Expiring{WaiverID: w.ID, FindingID: w.FindingID,
				Host: byID[w.HostID].Host, Expiry: w.Expiry, Reason: w.Reason})
		}
	}
	sort.Slice(r.Expiring, func(i, j int) bool { return r.Expiring[i].Expiry.Before(r.Expiring[j].Expiry) })
	at, snap, err := st.LastReport(ctx, v, dept)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return Report{}, fmt.Errorf("reading the last report of %q: %w", dept, err)
	default:
		prev, err := DecodeSnapshot(snap)
		if err != nil {
			return Report{}, fmt.Errorf("the last report of %q, saved %s: %w", dept, at.Format(time.DateOnly), err)
		}
		r.Since = changes(prev, at, r.findings, byID)
		r.Since.OpenDelta, r.Since.OverdueDelta, r.Since.WaivedDelta = r.Open-prev.Open, r.Overdue-prev.Overdue, r.Waived-prev.Waived
	}
	r.Status, r.Compliant = status(r)
	// Empty lists are [] in the JSON report, not null.
	r.Deadlines, r.Stale, r.ByInstrument, r.Expiring = nonNil(r.Deadlines), nonNil(r.Stale), nonNil(r.ByInstrument), nonNil(r.Expiring)
	return r, nil
}

// count fills the counts, deadlines and instruments from the findings.
func (r *Report) count(hosts map[string]store.Host, now time.Time) {
	inst := map[string]*store.Count{}
	for _, f := range r.findings {
		switch f.State {
		case store.Waived:
			r.Waived++
			continue
		case store.Remediated:
			r.Remediated++
			continue
		}
		r.Open++
		c := inst[f.Instrument]
		if c == nil {
			c = &store.Count{Name: f.Instrument}
			inst[f.Instrument] = c
		}
		c.N++
		if f.Deadline.IsZero() {
			continue
		}
		days := daysLeft(f.Deadline, now)
		d := Deadline{FindingID: f.ID, Host: hosts[f.HostID].Host, System: hosts[f.HostID].SystemName,
			Owner: hosts[f.HostID].Owner, Instrument: f.Instrument, Item: f.Item, Supplier: f.Supplier,
			Deadline: f.Deadline, DaysLeft: days, Overdue: f.Deadline.Before(now)}
		if d.Overdue {
			r.Overdue++
			c.Overdue++
		} else if f.Deadline.Sub(now) <= DueWithin {
			r.DueSoon++
		}
		r.Deadlines = append(r.Deadlines, d)
	}
	sort.SliceStable(r.Deadlines, func(i, j int) bool { return r.Deadlines[i].Deadline.Before(r.Deadlines[j].Deadline) })
	for _, c := range inst {
		r.ByInstrument = append(r.ByInstrument, *c)
	}
	sort.Slice(r.ByInstrument, func(i, j int) bool {
		a, b := r.ByInstrument[i], r.ByInstrument[j]
		if a.N != b.N {
			return a.N > b.N
		}
		return a.Name < b.Name
	})
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
		if len(r.Stale) > 0 {
			s += fmt.Sprintf("; %d %s not scanned in 30 days", len(r.Stale), plural(len(r.Stale), "host"))
		}
		return s, false
	case r.Hosts == 0:
		return "Unconfirmed: no host of the department has been scanned", false
	case len(r.Stale) > 0:
		return fmt.Sprintf("Unconfirmed: no open findings, but %d %s not scanned in 30 days", len(r.Stale), plural(len(r.Stale), "host")), false
	}
	return fmt.Sprintf("Compliant: no open findings on %d %s scanned in the last 30 days", r.Hosts, plural(r.Hosts, "host")), true
}

func plural(n int, w string) string {
	if n == 1 {
		return w
	}
	return w + "s"
}

// visible returns ErrNotFound unless v may see department dept.
func visible(ctx context.Context, st store.Store, v store.Viewer, dept string) error {
	if v.Role == store.Officer {
		if v.Department != dept {
			return fmt.Errorf("department %q: %w", dept, store.ErrNotFound)
		}
		return nil
	}
	deps, err := st.Departments(ctx, v)
	if err != nil {
		return fmt.Errorf("listing departments: %w", err)
	}
	if !slices.Contains(deps, dept) {
		return fmt.Errorf("department %q: %w", dept, store.ErrNotFound)
	}
	return nil
}

func nonNil[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}
