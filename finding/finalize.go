package finding

import (
	"cmp"
	"slices"
	"time"

	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/waivers"
)

// Finalizing is how every judge completes the findings it made (the
// items' judge, the traffic judge, the fleet server): each finding's first
// sighting, deadline and standing, the waivers, the report's order and
// the summary, done once here so that they cannot disagree.
type Finalizing struct {
	Waivers           *waivers.Set
	Now               time.Time
	FailOn            policy.Effect
	OverdueIsReminder bool
	// FirstSeen, when set, says when a finding was first seen (a state
	// file); otherwise a finding's own FirstSeen stands, or Now when it
	// has none.
	FirstSeen func(id string) (time.Time, bool)
	// Seen, when set, is told of each finding once it is complete, with
	// its index among those given (a state file records them).
	Seen func(i int, f *Finding)
}

// Finalize completes fs in place and returns them in the report's order
// (Sort), with their summary and the waivers that decided none of
// them.
func (o Finalizing) Finalize(fs []Finding) ([]Finding, *Summary, []WaiverRef) {
	unused := Waive(fs, o.Waivers, o.Now)
	sum := &Summary{ByEffect: map[string]int{}}
	for i := range fs {
		f := &fs[i]
		if f.FirstSeen.IsZero() {
			f.FirstSeen = o.Now
		}
		if o.FirstSeen != nil {
			if t, ok := o.FirstSeen(f.ID); ok {
				f.FirstSeen = t
			}
		}
		f.Deadline = f.DeadlineAfter(f.FirstSeen)
		f.Due, f.DaysLeft = DueAt(f.Deadline, o.Now)
		if o.Seen != nil {
			o.Seen(i, f)
		}
		sum.Add(f, o.FailOn, o.OverdueIsReminder)
	}
	return Sort(fs), sum, unused
}

// Sort returns fs in the report's order: by instrument, then
// deadline (none last), then system, item and rule; the id breaks what
// ties remain, so the order is total. Findings are large: their indices
// are sorted and the findings copied once.
func Sort(fs []Finding) []Finding {
	idx := make([]int32, len(fs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(a, b int32) int { return compare(&fs[a], &fs[b]) })
	out := make([]Finding, len(fs))
	for i, j := range idx {
		out[i] = fs[j]
	}
	return out
}

func compare(a, b *Finding) int {
	if c := cmp.Compare(a.Instrument, b.Instrument); c != 0 {
		return c
	}
	if c := compareDeadline(a.Deadline, b.Deadline); c != 0 {
		return c
	}
	return cmp.Or(cmp.Compare(a.System, b.System), cmp.Compare(a.ItemName, b.ItemName),
		cmp.Compare(a.Item, b.Item), cmp.Compare(a.Pack, b.Pack), cmp.Compare(a.Rule, b.Rule), cmp.Compare(a.ID, b.ID))
}

func compareDeadline(a, b time.Time) int {
	switch {
	case a.Equal(b):
		return 0
	case a.IsZero():
		return 1
	case b.IsZero():
		return -1
	}
	return a.Compare(b)
}
