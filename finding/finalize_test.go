package finding_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/waivers"
)

// Finalize completes findings the same way for every judge: first
// sighting (a state's, else the finding's own, else now), deadline and
// standing, waivers, the summary, and the order by instrument, then
// deadline (none last), then system and item — traffic findings included.
func TestFinalize(t *testing.T) {
	now := day("2026-12-07")
	mk := func(id, instrument, system, item string, effect policy.Effect, deadline time.Time, rule *policy.Deadline) finding.Finding {
		return finding.Finding{Finding: policy.Finding{ID: id, Instrument: instrument, System: system, Pack: "p", Rule: "r-" + id,
			Effect: effect, Deadline: deadline, DeadlineRule: rule}, ItemName: item, State: finding.Open}
	}
	fs := []finding.Finding{
		mk("F-none", "i1", "a", "x", policy.Warn, time.Time{}, nil),
		mk("F-late", "i1", "b", "y", policy.RemoveBy, day("2027-01-01"), nil),
		mk("F-past", "i1", "c", "z", policy.RemoveBy, day("2026-01-01"), nil),
		mk("F-rel", "i1", "d", "w", policy.RemoveBy, time.Time{}, &policy.Deadline{DaysAfter: 30, From: policy.FromFirstSeen}),
		mk("F-other", "i0", "z", "q", policy.Prohibit, time.Time{}, nil),
	}
	fs[1].FirstSeen = day("2026-06-01") // a traffic finding's own first sighting
	ws, err := waivers.Load("w.yaml", []byte("waivers:\n  - id: lab-exception\n    scope: {system: a}\n    reason: r\n    approver: a@example.org\n    expiry: 2027-06-01\n"))
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	fin := finding.Finalizing{Waivers: ws, Now: now, FailOn: policy.Prohibit,
		FirstSeen: func(id string) (time.Time, bool) { return day("2026-10-01"), id == "F-rel" },
		Seen:      func(i int, f *finding.Finding) { seen = append(seen, f.ID) }}
	out, sum, unused := fin.Finalize(fs)
	type row struct {
		ID        string
		FirstSeen string
		Deadline  string
		Due       finding.Due
		State     finding.State
	}
	var got []row
	for _, f := range out {
		d := ""
		if !f.Deadline.IsZero() {
			d = f.Deadline.Format("2006-01-02")
		}
		got = append(got, row{f.ID, f.FirstSeen.Format("2006-01-02"), d, f.Due, f.State})
	}
	want := []row{
		{"F-other", "2026-12-07", "", finding.NoDeadline, finding.Open},
		{"F-past", "2026-12-07", "2026-01-01", finding.Overdue, finding.Open},
		{"F-rel", "2026-10-01", "2026-10-31", finding.Overdue, finding.Open},
		{"F-late", "2026-06-01", "2027-01-01", finding.DueIn, finding.Open},
		{"F-none", "2026-12-07", "", finding.NoDeadline, finding.Waived},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"F-none", "F-late", "F-past", "F-rel", "F-other"}, seen); diff != "" {
		t.Errorf("seen (-want +got):\n%s", diff)
	}
	// Two overdue removals fail like the prohibition.
	if sum.Open != 4 || sum.Waived != 1 || sum.Overdue != 2 || sum.Failing != 3 || len(unused) != 0 {
		t.Errorf("summary %+v, unused %v", sum, unused)
	}
}

func day(s string) time.Time {
	t, err := time.Parse(policy.DateLayout, s)
	if err != nil {
		panic(err)
	}
	return t
}
