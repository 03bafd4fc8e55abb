package policy

import (
	"strconv"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy/systems"
)

// systemKeyFields are the system's fields that tell systems apart for a
// Memo; its id does too when a rule reads it.
var systemKeyFields = []string{"classification", "classification_rank", "tags", "department"}

// Memo remembers every rule's outcome for an item as the rules see it
// (its name, version, type, ecosystem, dependency path and attribution)
// on systems as the rules see them, so that the same package on a
// thousand hosts of one kind of system is judged once. It is not safe
// for concurrent use: one per goroutine, like a SystemEvaluator. It
// holds at most MemoSize items; past that it starts again.
type Memo struct {
	e        *Engine
	outcomes map[memoKey][]ruleOutcome
}

// MemoSize bounds a Memo's items.
const MemoSize = 1 << 16

// memoKey is what decides every rule for an item on a system.
type memoKey struct {
	system                         string
	name, version, ecosystem, deps string
	attr                           attrKey
}

// NewMemo returns an empty memo of e's outcomes, for ForSystemWith.
func (e *Engine) NewMemo() *Memo {
	return &Memo{e: e, outcomes: map[memoKey][]ruleOutcome{}}
}

func (m *Memo) key(sys string, it *inventory.Item, a attrKey) memoKey {
	k := memoKey{system: sys, attr: a}
	if it != nil {
		k.name, k.version, k.ecosystem = it.Name, it.Version, it.Ecosystem
		if len(it.DependencyPath) > 0 {
			k.deps = strconv.Itoa(len(it.DependencyPath)) + "\x00" + strings.Join(it.DependencyPath, "\x00")
		}
	}
	return k
}

func (m *Memo) put(k memoKey, outs []ruleOutcome) {
	if len(m.outcomes) >= MemoSize {
		clear(m.outcomes)
	}
	m.outcomes[k] = outs
}

// SystemClass names what of sys the rules can read: two systems of one
// class are judged alike, but for the system's id in their findings.
func (e *Engine) SystemClass(sys systems.System) string {
	return e.systemKey(e.systemVars(sys))
}

// systemKey tells apart the systems that some rule could tell apart.
func (e *Engine) systemKey(v SystemVars) string {
	var b strings.Builder
	if e.systemIDMatters {
		b.WriteString(v.ID)
	}
	for _, s := range []string{v.Classification, strconv.FormatInt(v.Rank, 10), v.Department, strconv.Itoa(len(v.Tags))} {
		b.WriteByte(0)
		b.WriteString(s)
	}
	for _, t := range v.Tags {
		b.WriteByte(0)
		b.WriteString(t)
	}
	return b.String()
}
