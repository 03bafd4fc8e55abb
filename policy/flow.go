package policy

import (
	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/policy/systems"
)

// FlowRules reports whether any rule judges traffic.
func (e *Engine) FlowRules() bool {
	for _, r := range e.rules {
		if r.usesFlow {
			return true
		}
	}
	return false
}

// EvaluateFlow runs the rules that read flow over traffic from system sys
// to one destination: fv describes the traffic, and at, when the
// destination is a catalogued entity, its attribution (entity and control
// chain; no product), which rules read as supplier. key names the
// destination in the finding ids ("entity:ID" or "country:CC"), so that a
// finding on the same traffic keeps its id across runs.
func (e *Engine) EvaluateFlow(sys systems.System, fv *FlowVars, at *attribute.Attribution, key string) []Finding {
	var v vars
	v.system = e.systemVars(sys)
	e.fill(&v, nil, at)
	v.flow = *fv
	nilToEmpty(&v.flow)
	var out []Finding
	for _, r := range e.rules {
		if !r.usesFlow {
			continue
		}
		o := decide(r, &v)
		if !o.matched && o.err == "" {
			continue
		}
		f := e.finding(r, sys.ID, key)
		f.Error = o.err
		out = append(out, f)
	}
	return out
}

// nilToEmpty gives CEL empty lists rather than nil ones.
func nilToEmpty(f *FlowVars) {
	if f.ASNs == nil {
		f.ASNs = []int64{}
	}
	if f.ASOrgs == nil {
		f.ASOrgs = []string{}
	}
	if f.Names == nil {
		f.Names = []string{}
	}
	if f.Ports == nil {
		f.Ports = []int64{}
	}
}
