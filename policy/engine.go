package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/ast"
	"cel.dev/cel-go/interpreter"

	"github.com/embargo-dev/embargo/attribute"
	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/policy/systems"
)

// Engine evaluates the rules of some packs. It is safe for concurrent use.
type Engine struct {
	cat    *catalog.Catalog
	scale  systems.Scale
	levels []string
	packs  []*Pack
	rules  []planned
	// anyUsesItem is set when some rule reads the item.
	anyUsesItem bool
	// systemIDMatters is set when some rule reads the system's id (or
	// the system as a whole): systems are then told apart by it too.
	systemIDMatters bool
	// named maps an entity or product id to the instruments naming it.
	named map[string][]string
}

type planned struct {
	pack *Pack
	rule *Rule
	prg  cel.Program
	// usesItem is set when the expression reads the item itself; a rule
	// that does not is decided once per product and supplier on a system.
	usesItem bool
	// usesFlow is set when the expression reads flow: it judges traffic,
	// never items.
	usesFlow bool
}

// CostLimit bounds the work of one rule on one item, in CEL's cost units
// (about one per operation, plus the length of strings and lists
// compared). The built-in rules cost well under a hundred; a rule that
// exceeds the limit (a comprehension gone quadratic over a long list)
// stops with an error, which is kept as an undecided finding.
const CostLimit = 100_000

// NewEngine plans the rules of packs for systems classified on scale.
// Every pack's instrument must be in cat, pack ids must be distinct, and
// every classification a rule names with rank("...") must be on scale.
func NewEngine(cat *catalog.Catalog, scale systems.Scale, packs ...*Pack) (*Engine, error) {
	env, err := newEnv(scale)
	if err != nil {
		return nil, fmt.Errorf("building the CEL environment: %w", err)
	}
	e := &Engine{cat: cat, scale: scale, levels: scale.Levels(), packs: packs, named: map[string][]string{}}
	for _, in := range cat.Instruments {
		for _, id := range in.Entities {
			e.named[id] = append(e.named[id], in.ID)
		}
		for _, id := range in.Products {
			e.named[id] = append(e.named[id], in.ID)
		}
	}
	var errs []error
	seen := map[string]Position{}
	for _, p := range packs {
		if prev, dup := seen[p.ID]; dup {
			errs = append(errs, fmt.Errorf("%s: pack %q is loaded already from %s", p.Pos, p.ID, prev))
			continue
		}
		seen[p.ID] = p.Pos
		if cat.Instrument(p.Instrument) == nil {
			errs = append(errs, fmt.Errorf("%s: pack %q: instrument %q is not in the catalogue", p.Pos, p.ID, p.Instrument))
		}
		for _, r := range p.Rules {
			if err := e.checkRanks(r); err != nil {
				errs = append(errs, err)
				continue
			}
			prg, err := env.Program(r.ast, cel.EvalOptions(cel.OptOptimize), cel.CostLimit(CostLimit))
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: rule %q: %w", r.WhenPos, r.ID, err))
				continue
			}
			e.rules = append(e.rules, planned{pack: p, rule: r, prg: prg, usesItem: readsBeyond(r.ast, "item", itemKeyFields...), usesFlow: readsIdent(r.ast, "flow")})
			if last := e.rules[len(e.rules)-1]; last.usesItem && !last.usesFlow {
				e.anyUsesItem = true
			}
			if readsBeyond(r.ast, "system", systemKeyFields...) {
				e.systemIDMatters = true
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return e, nil
}

// checkRanks reports a rank("LEVEL") whose literal level is not on the
// engine's scale, at its place in the file: such a rule could never match.
func (e *Engine) checkRanks(r *Rule) error {
	var errs []error
	nav := ast.NavigateAST(r.ast.NativeRep())
	calls := ast.MatchDescendants(nav, func(x ast.NavigableExpr) bool {
		return x.Kind() == ast.CallKind && x.AsCall().FunctionName() == "rank" && len(x.AsCall().Args()) == 1 &&
			x.AsCall().Args()[0].Kind() == ast.LiteralKind
	})
	for _, c := range calls {
		arg := c.AsCall().Args()[0]
		s, ok := arg.AsLiteral().Value().(string)
		if !ok {
			continue
		}
		if _, err := levelRank(e.scale, e.levels, s); err != nil {
			loc := r.ast.NativeRep().SourceInfo().GetStartLocation(arg.ID())
			p := r.expr.position(r.Pos.File, loc)
			errs = append(errs, fmt.Errorf("%s: rule %q: %v", p, r.ID, err))
		}
	}
	return errors.Join(errs...)
}

// readsIdent reports whether a checked expression refers to the variable
// name.
// itemKeyFields are the item's fields a rule may read and still be
// decided once per attribution on a system: the tier comes with the
// attribution, the type and equipment category are one of a few, tags
// are few, and all are in attrKey. Rules reading the item's name,
// version, ecosystem or path are decided per item.
var itemKeyFields = []string{"tier", "type", "equipment", "tags"}

// readsBeyond reports whether the expression reads the variable name
// other than through one of fields (item.tier, has(item.type)).
func readsBeyond(a *cel.Ast, name string, fields ...string) bool {
	nav := ast.NavigateAST(a.NativeRep())
	return len(ast.MatchDescendants(nav, func(x ast.NavigableExpr) bool {
		if x.Kind() != ast.IdentKind || x.AsIdent() != name {
			return false
		}
		p, ok := x.Parent()
		if !ok || p.Kind() != ast.SelectKind {
			return true // the item as a whole: item == ..., item in ..., f(item)
		}
		return !slices.Contains(fields, p.AsSelect().FieldName())
	})) > 0
}

func readsIdent(a *cel.Ast, name string) bool {
	nav := ast.NavigateAST(a.NativeRep())
	return len(ast.MatchDescendants(nav, func(x ast.NavigableExpr) bool {
		return x.Kind() == ast.IdentKind && x.AsIdent() == name
	})) > 0
}

// Catalog returns the catalogue the engine judges attributions by.
func (e *Engine) Catalog() *catalog.Catalog { return e.cat }

// Packs returns the packs the engine evaluates.
func (e *Engine) Packs() []*Pack { return slices.Clone(e.packs) }

// Finding is one rule that matched one item on one system.
type Finding struct {
	// ID is stable across runs: a digest of the system, the rule and the
	// item.
	ID         string    `json:"id"`
	System     string    `json:"system"`
	Item       string    `json:"item"`
	Pack       string    `json:"pack"`
	Rule       string    `json:"rule"`
	Instrument string    `json:"instrument"`
	Clause     string    `json:"clause"`
	Effect     Effect    `json:"effect"`
	Severity   Severity  `json:"severity"`
	Deadline   time.Time `json:"deadline,omitzero"`
	// DeadlineRule is the rule's deadline; when it counts from the first
	// sighting, Deadline is zero and DeadlineAfter computes it.
	DeadlineRule *Deadline `json:"deadline_rule,omitempty"`
	// Error, when set, says why the rule could not be decided; the finding
	// is kept, since unknown is never compliant.
	Error string `json:"error,omitempty"`
}

// DeadlineAfter is the deadline given the date the finding was first
// seen: Deadline when fixed, zero when the rule has none.
func (f Finding) DeadlineAfter(firstSeen time.Time) time.Time {
	if d := f.DeadlineRule; d != nil && d.From == FromFirstSeen {
		y, m, day := firstSeen.UTC().Date()
		return time.Date(y, m, day, 0, 0, 0, 0, time.UTC).AddDate(0, 0, d.DaysAfter)
	}
	return f.Deadline
}

// FindingID is the stable id of rule (of pack) on system sys for item.
func FindingID(sys, pack, rule, item string) string {
	h := sha256.New()
	for _, s := range [...]string{sys, pack, rule, item} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return "F-" + hex.EncodeToString(h.Sum(nil)[:6])
}

// vars is one evaluation's input; it is its own activation, so that
// evaluating needs no map.
type vars struct {
	system   SystemVars
	item     ItemVars
	product  ProductVars
	supplier SupplierVars
	flow     FlowVars
}

func (v *vars) ResolveName(name string) (any, bool) {
	switch name {
	case "system":
		return &v.system, true
	case "item":
		return &v.item, true
	case "product":
		return &v.product, true
	case "supplier":
		return &v.supplier, true
	case "flow":
		return &v.flow, true
	}
	return nil, false
}

func (v *vars) Parent() interpreter.Activation { return nil }

// Evaluate runs every rule over item it, attributed as at (nil when not
// attributed), on system sys, and returns the findings in pack and rule
// order. To judge many items on one system, ForSystem is faster.
func (e *Engine) Evaluate(sys systems.System, it *inventory.Item, at *attribute.Attribution) []Finding {
	return e.ForSystem(sys).Evaluate(it, at)
}

// SystemEvaluator judges the items of one system. Rules that do not read
// the item are decided once per (product, supplier) and remembered: most
// items of a system share a few attributions, and most share none. It is
// not safe for concurrent use; make one per goroutine.
type SystemEvaluator struct {
	e      *Engine
	sys    systems.System
	v      vars
	cached map[attrKey]*decisions
	// memo, when set, remembers every rule's outcome per item across
	// the systems rules cannot tell apart (ForSystemWith).
	memo   *Memo
	sysKey string
}

// decisions are the outcomes of the rules that do not read the item, for
// one (product, supplier); quiet is set when no rule reads the item and
// none of them matched.
type decisions struct {
	known []outcome
	quiet bool
}

// attrKey is what decides the rules that read no more of the item than
// itemKeyFields; tags are joined by NUL.
type attrKey struct{ product, supplier, tier, typ, equipment, tags, config string }

// outcome is one rule's decision.
type outcome struct {
	matched bool
	err     string
}

// ForSystem returns an evaluator for items on sys.
func (e *Engine) ForSystem(sys systems.System) *SystemEvaluator {
	s := &SystemEvaluator{e: e, sys: sys, cached: map[attrKey]*decisions{}}
	s.v.system = e.systemVars(sys)
	return s
}

// ForSystemWith is ForSystem sharing m's outcomes with the other
// evaluators made with m: an item judged on one system is not judged
// again on another that no rule can tell apart. m must be the engine's
// (NewMemo); another engine's is not used.
func (e *Engine) ForSystemWith(sys systems.System, m *Memo) *SystemEvaluator {
	s := e.ForSystem(sys)
	if m != nil && m.e == e {
		s.memo, s.sysKey = m, e.systemKey(s.v.system)
	}
	return s
}

// Evaluate is Engine.Evaluate on the evaluator's system.
func (s *SystemEvaluator) Evaluate(it *inventory.Item, at *attribute.Attribution) []Finding {
	key := attrKey{}
	if it != nil {
		key.typ, key.equipment = string(it.Type), EquipmentOf(it, at)
		key.tags = strings.Join(TagsOf(it), "\x00")
		key.config = configKey(it)
	}
	if at != nil {
		key.supplier, key.tier = entityOf(at), string(at.Tier)
		if at.Product != nil {
			key.product = at.Product.ID
		}
	}
	d, ok := s.cached[key]
	if ok && d.quiet {
		// Every rule was decided for this attribution, none matched: the
		// common case of items of suppliers no rule names.
		return nil
	}
	var mk memoKey
	if s.memo != nil {
		mk = s.memo.key(s.sysKey, it, key)
		if outs, hit := s.memo.outcomes[mk]; hit {
			return s.findings(outs, it)
		}
	}
	outs := s.decideAll(it, at, key, d, ok)
	if s.memo != nil {
		s.memo.put(mk, outs)
	}
	return s.findings(outs, it)
}

// ruleOutcome is a rule that matched, or could not be decided (err).
type ruleOutcome struct {
	rule int
	err  string
}

// decideAll decides every rule that judges items for it and returns
// those that matched or could not be decided; d is the attribution's
// remembered decisions when ok.
func (s *SystemEvaluator) decideAll(it *inventory.Item, at *attribute.Attribution, key attrKey, d *decisions, ok bool) []ruleOutcome {
	e := s.e
	e.fill(&s.v, it, at)
	if !ok {
		d = &decisions{known: make([]outcome, len(e.rules)), quiet: !e.anyUsesItem}
	}
	var outs []ruleOutcome
	for i, r := range e.rules {
		if r.usesFlow {
			continue // judges traffic
		}
		var o outcome
		if !r.usesItem && ok {
			o = d.known[i]
		} else {
			o = decide(r, &s.v)
			if !r.usesItem {
				d.known[i] = o
			}
		}
		if !o.matched && o.err == "" {
			continue
		}
		if !r.usesItem {
			d.quiet = false
		}
		outs = append(outs, ruleOutcome{rule: i, err: o.err})
	}
	if !ok {
		s.cached[key] = d
	}
	return outs
}

// findings are the findings of outs on the evaluator's system.
func (s *SystemEvaluator) findings(outs []ruleOutcome, it *inventory.Item) []Finding {
	var out []Finding
	for _, o := range outs {
		f := s.e.finding(s.e.rules[o.rule], s.sys.ID, it.ID)
		f.Error = o.err
		out = append(out, f)
	}
	return out
}

func entityOf(at *attribute.Attribution) string {
	if at.Entity == nil {
		return ""
	}
	return at.Entity.ID
}

// decide evaluates one rule; a result that is not a bool, or an error, is
// kept as an error: what cannot be decided is never compliant.
func decide(r planned, v *vars) outcome {
	val, _, err := r.prg.Eval(v)
	if err != nil {
		return outcome{err: err.Error()}
	}
	matched, isBool := val.Value().(bool)
	if !isBool {
		return outcome{err: fmt.Sprintf("the expression gave %v, not a bool", val)}
	}
	return outcome{matched: matched}
}

func (e *Engine) finding(r planned, sys, item string) Finding {
	f := Finding{
		ID: FindingID(sys, r.pack.ID, r.rule.ID, item), System: sys, Item: item,
		Pack: r.pack.ID, Rule: r.rule.ID, Instrument: r.pack.Instrument, Clause: r.rule.Clause,
		Effect: r.rule.Effect, Severity: r.rule.Severity, DeadlineRule: r.rule.Deadline,
	}
	if d := r.rule.Deadline; d != nil {
		switch {
		case !d.Date.IsZero():
			f.Deadline = d.Date
		case d.From == FromEffective:
			f.Deadline = r.pack.Effective.AddDate(0, 0, d.DaysAfter)
		}
	}
	return f
}

func (e *Engine) systemVars(sys systems.System) SystemVars {
	sv := SystemVars{ID: sys.ID, Classification: sys.Classification, Rank: -1, Tags: sys.Tags, Department: sys.Department}
	if i, err := levelRank(e.scale, e.levels, sys.Classification); err == nil {
		sv.Rank = int64(i)
	}
	if sv.Tags == nil {
		sv.Tags = []string{}
	}
	return sv
}

// fill sets the item, product and supplier of v for one evaluation.
func (e *Engine) fill(v *vars, it *inventory.Item, at *attribute.Attribution) {
	v.item, v.product = ItemVars{}, ProductVars{}
	v.supplier = SupplierVars{Chain: []string{}, Group: []string{}, NamedIn: []string{}}
	v.item.DependencyPath = []string{}
	v.item.Tags = []string{}
	if it != nil {
		v.item = ItemVars{Name: it.Name, Version: it.Version, Type: string(it.Type), Ecosystem: it.Ecosystem, DependencyPath: it.DependencyPath,
			Equipment: EquipmentOf(it, at), Tags: TagsOf(it), Config: ConfigOf(it)}
		if v.item.DependencyPath == nil {
			v.item.DependencyPath = []string{}
		}
	}
	if at == nil {
		return
	}
	v.item.Tier = string(at.Tier)
	var named []string
	if p := at.Product; p != nil {
		v.product = ProductVars{ID: p.ID, Name: p.Name, Category: p.Category, Tier: string(p.Tier)}
		named = append(named, e.named[p.ID]...)
	}
	if en := at.Entity; en != nil {
		v.supplier.ID, v.supplier.Name, v.supplier.Country = en.ID, en.Name, en.Country.Code
		v.supplier.Group = e.cat.Group(en)
	}
	v.supplier.ControllingCountry = at.Chain.Country
	for _, l := range at.Chain.Links {
		v.supplier.Chain = append(v.supplier.Chain, l.Entity.ID)
		named = append(named, e.named[l.Entity.ID]...)
	}
	if len(named) > 0 {
		slices.Sort(named)
		v.supplier.NamedIn = slices.Compact(named)
	}
}
