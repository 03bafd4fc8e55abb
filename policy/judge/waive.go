package judge

import (
	"time"

	"github.com/embargo-dev/embargo/policy/waivers"
	"github.com/embargo-dev/embargo/report"
)

// waive decides every finding against the waivers: a waiver in force
// marks it waived (it stays listed), an expired one leaves it open with a
// note, and waivers that decide nothing are listed in run.
func (j *Judge) waive(fs []report.Finding, run *report.PolicyRun, now time.Time) {
	if j.Waivers == nil {
		return
	}
	keys := make([]waivers.Finding, len(fs))
	for i := range fs {
		f := &fs[i]
		keys[i] = waivers.Finding{ID: f.ID, System: f.System, Product: f.Product, Rule: f.Rule, Instrument: f.Instrument}
		d := j.Waivers.Lookup(keys[i], now)
		if d.Waiver == nil {
			continue
		}
		ref := waiverRef(d.Waiver)
		ref.Expired, ref.Note = d.Expired, d.Note
		f.Waiver = &ref
		if d.Waived {
			f.State = report.Waived
		}
	}
	for _, w := range j.Waivers.Unused(keys, now) {
		ref := waiverRef(&w)
		ref.Expired = !w.InForce(now)
		ref.Note = "decides no finding of this scan (scope: " + w.Scope() + ")"
		run.UnusedWaivers = append(run.UnusedWaivers, ref)
	}
}

func waiverRef(w *waivers.Waiver) report.WaiverRef {
	return report.WaiverRef{ID: w.ID, Reason: w.Reason, Approver: w.Approver, Expiry: w.Expiry, Where: w.Pos.String()}
}
