package judge

import (
	"slices"

	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
)

// UnregisteredPrefix begins the system id given to a host that matched no
// system: the register's default has no id, and findings on two
// unregistered hosts must stay apart.
const UnregisteredPrefix = "unregistered:"

// hostTable remembers, per host, its system and the evaluator for that
// system, so that each host is matched once and each system's rule
// decisions are shared by all its hosts' items.
type hostTable struct {
	systems      Assigner
	engine       *policy.Engine
	memo         *policy.Memo
	hosts        map[string]*hostEntry
	evals        map[string]*policy.SystemEvaluator // by system id
	unregistered []string
	ambiguous    []string
}

type hostEntry struct {
	match systems.Match
	eval  *policy.SystemEvaluator
}

func newHostTable(a Assigner, e *policy.Engine, m *policy.Memo) *hostTable {
	return &hostTable{systems: a, engine: e, memo: m, hosts: map[string]*hostEntry{}, evals: map[string]*policy.SystemEvaluator{}}
}

func (t *hostTable) get(host string) *hostEntry {
	if h, ok := t.hosts[host]; ok {
		return h
	}
	m := t.systems.ForHost(host, nil)
	if m.Unregistered {
		m.System.ID = UnregisteredPrefix + host
		t.unregistered = append(t.unregistered, host)
		slices.Sort(t.unregistered)
	}
	if m.Ambiguous() {
		t.ambiguous = append(t.ambiguous, host)
		slices.Sort(t.ambiguous)
	}
	ev, ok := t.evals[m.System.ID]
	if !ok {
		ev = t.engine.ForSystemWith(m.System, t.memo)
		t.evals[m.System.ID] = ev
	}
	h := &hostEntry{match: m, eval: ev}
	t.hosts[host] = h
	return h
}
