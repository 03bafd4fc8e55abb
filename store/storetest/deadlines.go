package storetest

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/store"
)

// testDeadlineCounts follows one finding whose deadline and state change
// across uploads, and checks the overview's overdue and due-soon counts
// (which the store keeps by deadline, not by reading the findings) after
// each step against the findings themselves.
func testDeadlineCounts(t *testing.T, f *fixture) {
	a := f.enrol(t, "DWP", "ws-1")
	at := t0
	steps := []struct {
		name string
		fs   []store.Finding
	}{
		{"overdue", []store.Finding{finding("F1", "BOD-17-01", t0.Add(-day)), finding("F2", "BOD-17-01", time.Time{})}},
		{"deadline moved to due soon", []store.Finding{finding("F1", "BOD-17-01", t0.Add(10*day)), finding("F2", "BOD-17-01", time.Time{})}},
		{"deadline given to the other", []store.Finding{finding("F1", "BOD-17-01", t0.Add(10*day)), finding("F2", "BOD-17-01", t0.Add(-2*day))}},
		{"instrument changed", []store.Finding{finding("F1", "NDAA-889", t0.Add(10*day)), finding("F2", "BOD-17-01", t0.Add(-2*day))}},
		{"one remediated", []store.Finding{finding("F2", "BOD-17-01", t0.Add(-2*day))}},
		{"reopened", []store.Finding{finding("F1", "NDAA-889", t0.Add(40*day)), finding("F2", "BOD-17-01", t0.Add(-2*day))}},
		{"all remediated", nil},
	}
	for i, s := range steps {
		at = at.Add(time.Hour)
		f.scan(t, a, "deadline-step-"+s.name, at, s.fs...)
		o, err := f.st.Overview(f.ctx, store.System, t0)
		if err != nil {
			t.Fatal(err)
		}
		all, err := f.st.Findings(f.ctx, store.System, store.FindingFilter{})
		if err != nil {
			t.Fatal(err)
		}
		type counts struct{ Overdue, DueSoon int }
		var want counts
		byInst := map[string]int{}
		for _, fd := range all {
			if fd.State != store.Open && fd.State != store.Reopened || fd.Deadline.IsZero() {
				continue
			}
			switch {
			case fd.Deadline.Before(t0):
				want.Overdue++
				byInst[fd.Instrument]++
			case fd.Deadline.Before(t0.Add(30 * day)):
				want.DueSoon++
			}
		}
		if diff := cmp.Diff(want, counts{o.Overdue, o.DueIn30Days}); diff != "" {
			t.Errorf("step %d (%s): overview (-from the findings +kept):\n%s", i, s.name, diff)
		}
		for _, c := range o.ByInstrument {
			if c.Overdue != byInst[c.Name] {
				t.Errorf("step %d (%s): %s overdue %d, the findings say %d", i, s.name, c.Name, c.Overdue, byInst[c.Name])
			}
		}
	}
}
