package finding

import (
	"time"

	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/waivers"
)

// Waive decides every finding of fs against the waivers ws at now: a
// waiver in force marks its finding waived (it stays listed), an expired
// one leaves it open with a note. It returns the waivers that decide no
// finding, for the report to list. A nil ws waives nothing.
func Waive(fs []Finding, ws *waivers.Set, now time.Time) []WaiverRef {
	if ws == nil {
		return nil
	}
	keys := make([]waivers.Finding, len(fs))
	for i := range fs {
		f := &fs[i]
		keys[i] = waivers.Finding{ID: f.ID, System: f.System, Product: f.Product, Rule: f.Rule, Instrument: f.Instrument}
		d := ws.Lookup(keys[i], now)
		if d.Waiver == nil {
			continue
		}
		ref := waiverRef(d.Waiver)
		ref.Expired, ref.Note = d.Expired, d.Note
		f.Waiver = &ref
		if d.Waived {
			f.State = Waived
		}
	}
	var unused []WaiverRef
	for _, w := range ws.Unused(keys, now) {
		ref := waiverRef(&w)
		ref.Expired = !w.InForce(now)
		ref.Note = "decides no finding (scope: " + w.Scope() + ")"
		unused = append(unused, ref)
	}
	return unused
}

func waiverRef(w *waivers.Waiver) WaiverRef {
	return WaiverRef{ID: w.ID, Reason: w.Reason, Approver: w.Approver, Expiry: w.Expiry, Where: w.Pos.String()}
}

// Add counts f: waived, or open by effect, overdue and failing at
// failOn.
func (s *Summary) Add(f *Finding, failOn policy.Effect, overdueIsReminder bool) {
	if s.ByEffect == nil {
		s.ByEffect = map[string]int{}
	}
	if f.State == Waived {
		s.Waived++
		return
	}
	s.Open++
	s.ByEffect[string(f.Effect)]++
	if f.Due == Overdue {
		s.Overdue++
	}
	if f.Fails(failOn, overdueIsReminder) {
		s.Failing++
	}
}
