package judge

import (
	"slices"

	"github.com/embargo-dev/embargo/finding"
	"github.com/embargo-dev/embargo/inventory"
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
	devices      map[string]*inventory.ManagedDevice
	engine       *policy.Engine
	memo         *policy.Memo
	hosts        map[string]*hostEntry
	evals        map[string]*policy.SystemEvaluator // by system id
	unregistered []string
	ambiguous    []string
}

type hostEntry struct {
	match  systems.Match
	eval   *policy.SystemEvaluator
	device *finding.DeviceRef
}

func newHostTable(a Assigner, d map[string]*inventory.ManagedDevice, e *policy.Engine, m *policy.Memo) *hostTable {
	return &hostTable{systems: a, devices: d, engine: e, memo: m, hosts: map[string]*hostEntry{}, evals: map[string]*policy.SystemEvaluator{}}
}

func (t *hostTable) get(host string) *hostEntry {
	if h, ok := t.hosts[host]; ok {
		return h
	}
	dev := t.devices[host]
	var labels map[string]string
	if dev != nil {
		labels = dev.Labels()
	}
	m := t.systems.ForHost(host, labels)
	if m.Unregistered {
		m.System.ID = UnregisteredPrefix + host
		t.unregistered = append(t.unregistered, host)
		slices.Sort(t.unregistered)
	}
	if m.Ambiguous() {
		t.ambiguous = append(t.ambiguous, host)
		slices.Sort(t.ambiguous)
	}
	if dev != nil {
		m.System = withDevice(m.System, dev)
	}
	key := evalKey(m.System, dev != nil)
	ev, ok := t.evals[key]
	if !ok {
		ev = t.engine.ForSystemWith(m.System, t.memo)
		t.evals[key] = ev
	}
	h := &hostEntry{match: m, eval: ev}
	if dev != nil {
		h.device = &finding.DeviceRef{MDM: dev.MDM, ID: dev.ID, Name: dev.Name, User: dev.User, Ownership: string(dev.Ownership), Platform: dev.Platform}
	}
	t.hosts[host] = h
	return h
}
