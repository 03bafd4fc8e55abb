package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/embargo-dev/embargo/internal/strictyaml"
	"gopkg.in/yaml.v3"

	"github.com/embargo-dev/embargo/catalog"
	"github.com/embargo-dev/embargo/inventory"
)

// Limits on one pack, so that a hostile or broken file cannot exhaust
// memory or time. Real packs have a handful of rules.
const (
	MaxFileSize = 1 << 20
	MaxRules    = 1_000
	MaxExamples = 1_000
	// MaxExprLen bounds one CEL expression; CEL's parser has its own
	// limits on nesting.
	MaxExprLen = 10_000
	// MaxDays bounds a relative deadline (about 27 years).
	MaxDays = 10_000
)

// LoadPack parses, validates and type-checks the pack in data; name is
// the file name used in errors. Every problem found is reported, each as
// "name:line: ..." (with a column for expressions), joined into one
// error; on error no Pack is returned.
func LoadPack(name string, data []byte) (*Pack, error) {
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes is over the %d-byte limit for a policy pack", name, len(data), MaxFileSize)
	}
	f, line, err := parse(data)
	if err != nil {
		return nil, positioned(name, err)
	}
	b := builder{file: name, lines: bytes.Split(data, []byte("\n"))}
	p := b.pack(f, line)
	if len(b.errs) > 0 {
		return nil, errors.Join(b.errs...)
	}
	return p, nil
}

func parse(data []byte) (*rawPack, int, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if err == io.EOF {
			return nil, 0, errors.New("line 1: a policy pack is empty")
		}
		return nil, 0, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err != io.EOF {
		line := 0
		if err == nil && len(extra.Content) > 0 {
			line = extra.Content[0].Line
		}
		return nil, 0, fmt.Errorf("line %d: a policy pack is one YAML document; a second begins here", line)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, 0, fmt.Errorf("line %d: a policy pack is a mapping with id, title, instrument, rules and examples", root.Line)
	}
	doc := root.Content[0]
	if err := checkKeys(doc, reflect.TypeFor[rawPack]()); err != nil {
		return nil, 0, err
	}
	for i := 0; i+1 < len(doc.Content); i += 2 {
		k, v := doc.Content[i], doc.Content[i+1]
		limit := map[string]int{"rules": MaxRules, "examples": MaxExamples}[k.Value]
		if limit == 0 {
			continue
		}
		if len(v.Content) > limit {
			return nil, 0, fmt.Errorf("line %d: %d %s is over the limit of %d", v.Line, len(v.Content), k.Value, limit)
		}
		for _, n := range v.Content {
			if n.Kind != yaml.MappingNode {
				return nil, 0, fmt.Errorf("line %d: each of %s is a mapping", n.Line, k.Value)
			}
		}
	}
	var f rawPack
	if err := strictyaml.Decode(doc, &f); err != nil {
		return nil, 0, err
	}
	return &f, doc.Line, nil
}

// builder validates a parsed pack, collecting every problem rather than
// stopping at the first.
type builder struct {
	file  string
	lines [][]byte
	errs  []error
}

func (b *builder) errorf(line int, format string, args ...any) {
	b.errs = append(b.errs, fmt.Errorf("%s:%d: %s", b.file, line, fmt.Sprintf(format, args...)))
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+([-.][a-z0-9]+)*$`)

func (b *builder) id(l lined, fallback int, what string) string {
	if !idPattern.MatchString(l.Value) {
		b.errorf(at(l, fallback), "%s id %q is not lower-case words joined by hyphens", what, l.Value)
	}
	return l.Value
}

func (b *builder) required(l lined, fallback int, what string) string {
	if strings.TrimSpace(l.Value) == "" {
		b.errorf(at(l, fallback), "%s is required", what)
	}
	return l.Value
}

func (b *builder) date(l lined, fallback int, what string) time.Time {
	t, err := time.Parse(DateLayout, l.Value)
	if err != nil {
		b.errorf(at(l, fallback), "%s %q is not a date written YYYY-MM-DD", what, l.Value)
	}
	return t
}

func (b *builder) pack(f *rawPack, line int) *Pack {
	p := &Pack{
		ID:         b.id(f.ID, line, "pack"),
		Title:      b.required(f.Title, line, "title"),
		Instrument: b.id(f.Instrument, line, "instrument"),
		Pos:        Position{File: b.file, Line: line},
	}
	if f.Effective.Value != "" {
		p.Effective = b.date(f.Effective, line, "effective")
	}
	if len(f.Rules) == 0 {
		b.errorf(line, "a pack needs at least one rule")
	}
	seen := map[string]int{}
	for _, r := range f.Rules {
		rule := b.rule(r, p)
		if prev, dup := seen[rule.ID]; dup {
			b.errorf(at(r.ID, r.Line), "rule id %q is used already on line %d", rule.ID, prev)
		}
		seen[rule.ID] = at(r.ID, r.Line)
		p.Rules = append(p.Rules, rule)
	}
	for _, e := range f.Examples {
		p.Examples = append(p.Examples, b.example(e))
	}
	return p
}

func (b *builder) rule(r rawRule, p *Pack) *Rule {
	rule := &Rule{
		ID:     b.id(r.ID, r.Line, "rule"),
		Clause: b.required(r.Clause, r.Line, "clause"),
		Effect: Effect(r.Effect.Value),
		When:   r.When.Value,
		Pos:    Position{File: b.file, Line: r.Line},
	}
	if rule.Effect.Rank() == 0 {
		b.errorf(at(r.Effect, r.Line), "effect %q is not prohibit, remove-by or warn", r.Effect.Value)
	}
	switch s := Severity(r.Severity.Value); s {
	case Critical, High, Medium, Low:
		rule.Severity = s
	default:
		b.errorf(at(r.Severity, r.Line), "severity %q is not critical, high, medium or low", r.Severity.Value)
	}
	if r.Deadline != nil {
		rule.Deadline = b.deadline(*r.Deadline, p)
	} else if rule.Effect == RemoveBy {
		b.errorf(r.Line, "a remove-by rule needs a deadline")
	}
	switch {
	case strings.TrimSpace(r.When.Value) == "":
		b.errorf(at(lined{Line: r.When.Line}, r.Line), "when: a rule needs a CEL expression")
		return rule
	case len(r.When.Value) > MaxExprLen:
		b.errorf(r.When.Line, "when: %d characters is over the limit of %d", len(r.When.Value), MaxExprLen)
		return rule
	}
	e := r.When
	if e.Style == yaml.LiteralStyle {
		e.Indent = b.indent(e.Line + 1)
	}
	rule.expr = e
	rule.WhenPos = e.position(b.file, nil)
	ast, errs := compile(b.file, e)
	b.errs = append(b.errs, errs...)
	rule.ast = ast
	return rule
}

// indent is the 1-based column of the first non-space on line n.
func (b *builder) indent(n int) int {
	if n < 1 || n > len(b.lines) {
		return 0
	}
	l := b.lines[n-1]
	return len(l) - len(bytes.TrimLeft(l, " ")) + 1
}

func (b *builder) deadline(d rawDeadline, p *Pack) *Deadline {
	switch {
	case d.Date.Value != "" && (d.DaysAfter.Value != "" || d.From.Value != ""):
		b.errorf(d.Line, "a deadline is a date, or days_after with from, not both")
		return nil
	case d.Date.Value != "":
		return &Deadline{Date: b.date(d.Date, d.Line, "deadline date")}
	}
	n, err := strconv.Atoi(d.DaysAfter.Value)
	if err != nil || n < 0 || n > MaxDays {
		b.errorf(at(d.DaysAfter, d.Line), "days_after %q is not a whole number of days from 0 to %d", d.DaysAfter.Value, MaxDays)
	}
	from := From(d.From.Value)
	switch from {
	case FromEffective:
		if p.Effective.IsZero() {
			b.errorf(at(d.From, d.Line), "a deadline counted from the effective date needs the pack's effective date")
		}
	case FromFirstSeen:
	default:
		b.errorf(at(d.From, d.Line), "from %q is not effective or first-seen", d.From.Value)
	}
	return &Deadline{DaysAfter: n, From: from}
}

func (b *builder) example(e rawExample) Example {
	x := Example{
		Name:           b.required(e.Name, e.Line, "example name"),
		Expect:         Expect(e.Expect.Value),
		Effect:         Effect(e.Effect.Value),
		Classification: e.System.Classification.Value,
		SupplierID:     e.Supplier.ID.Value,
		Country:        e.Supplier.ControllingCountry.Value,
		ProductID:      e.Product.ID.Value,
		Category:       e.Product.Category.Value,
		ItemName:       e.Item.Name.Value,
		ItemType:       inventory.Type(e.Item.Type.Value),
		Tier:           catalog.Tier(e.Item.Tier.Value),
		ProductTier:    catalog.Tier(e.Product.Tier.Value),
		DeviceType:     e.Item.DeviceType.Value,
		Pos:            Position{File: b.file, Line: e.Line},
	}
	for _, p := range e.Item.DependencyPath {
		x.DependencyPath = append(x.DependencyPath, p.Value)
	}
	for _, t := range e.Item.Tags {
		x.ItemTags = append(x.ItemTags, t.Value)
	}
	for _, t := range []struct {
		tier catalog.Tier
		l    lined
	}{{x.Tier, e.Item.Tier}, {x.ProductTier, e.Product.Tier}} {
		if t.tier != "" && !t.tier.Valid() {
			b.errorf(at(t.l, e.Line), "example %q: tier %q is not one of %v", x.Name, t.tier, catalog.Tiers())
		}
	}
	for _, t := range e.System.Tags {
		x.Tags = append(x.Tags, t.Value)
	}
	if f := e.Flow; f != nil {
		x.Flow = &FlowExample{RegisteredCountry: f.RegisteredCountry.Value}
		if v := f.BytesOut.Value; v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				b.errorf(at(f.BytesOut, e.Line), "example %q: bytes_out %q is not a whole number of bytes", x.Name, v)
			}
			x.Flow.BytesOut = n
		}
		for _, n := range f.Names {
			x.Flow.Names = append(x.Flow.Names, n.Value)
		}
	}
	if x.Expect != Caught && x.Expect != Pass {
		b.errorf(at(e.Expect, e.Line), "example %q: expect %q is not caught or pass", x.Name, e.Expect.Value)
	}
	if x.Effect != "" && (x.Effect.Rank() == 0 || x.Expect != Caught) {
		b.errorf(at(e.Effect, e.Line), "example %q: effect %q must be prohibit, remove-by or warn, on a caught example", x.Name, e.Effect.Value)
	}
	return x
}

// at is the line of l, or fallback when l was not written.
func at(l lined, fallback int) int { return strictyaml.At(l, fallback) }

// positioned rewrites decoder errors as "name:line: msg" (strictyaml).
func positioned(name string, err error) error { return strictyaml.Positioned(name, err) }
